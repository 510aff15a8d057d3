"""A report-level full-text index: one document per report (its title and all its passages), which finds,
counts and ranks reports; the passage index (0002) is then read only for the shown page's best passages.

SQLite: an FTS5 table (porter stemmer, as the passage index) with rowid = report id; triggers remove a
report's entry when the report or any of its passages is deleted (retention), and keep its title in step.
PostgreSQL: a tsvector column on the report (title weighted A, text B) with a GIN index; a trigger clears it
when a passage is deleted. Either way the entry is written from the passages by
``SearchBackend.index_reports`` when they are stored, and here for the reports already in the library.
"""

from django.db import migrations

from cspr.library.search import postgres_index_reports_sql, sqlite_index_reports_sql

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE library_report_fts USING fts5(title, body, tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER library_report_fts_report_delete AFTER DELETE ON library_report BEGIN "
    "DELETE FROM library_report_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER library_report_fts_title AFTER UPDATE OF title ON library_report BEGIN "
    "UPDATE library_report_fts SET title = new.title WHERE rowid = new.id; END",
    "CREATE TRIGGER library_report_fts_passage_delete AFTER DELETE ON library_passage BEGIN "
    "DELETE FROM library_report_fts WHERE rowid = old.report_id; END",
    sqlite_index_reports_sql("SELECT id FROM library_report"),
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS library_report_fts_passage_delete",
    "DROP TRIGGER IF EXISTS library_report_fts_title",
    "DROP TRIGGER IF EXISTS library_report_fts_report_delete",
    "DROP TABLE IF EXISTS library_report_fts",
]
POSTGRES_FORWARD = [
    "ALTER TABLE library_report ADD COLUMN search_document tsvector",
    "CREATE FUNCTION library_report_document_clear() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "UPDATE library_report SET search_document = NULL WHERE id = OLD.report_id AND search_document IS NOT NULL; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER library_report_document_passage_delete AFTER DELETE ON library_passage "
    "FOR EACH ROW EXECUTE FUNCTION library_report_document_clear()",
    postgres_index_reports_sql("SELECT id FROM library_report"),
    "CREATE INDEX library_report_search_document ON library_report USING GIN (search_document)",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS library_report_document_passage_delete ON library_passage",
    "DROP FUNCTION IF EXISTS library_report_document_clear()",
    "DROP INDEX IF EXISTS library_report_search_document",
    "ALTER TABLE library_report DROP COLUMN IF EXISTS search_document",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise RuntimeError(f"the review library has no search index for the {vendor} database")
        for sql in statements[vendor]:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("library", "0004_search_indexes")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
