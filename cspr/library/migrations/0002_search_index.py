"""The full-text index over passages, for whichever database is in use.

SQLite: an FTS5 external-content table (porter stemmer) kept in step with library_passage by triggers.
PostgreSQL: a stored generated tsvector column (english configuration; heading weighted B, text A) with a
GIN index. Either way the database maintains the index, so a passage can never be stored unindexed, and a
deleted passage (retention) leaves the index in the same transaction.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE library_passage_fts USING fts5(heading, text, content='library_passage', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER library_passage_fts_insert AFTER INSERT ON library_passage BEGIN "
    "INSERT INTO library_passage_fts(rowid, heading, text) VALUES (new.id, new.heading, new.text); END",
    "CREATE TRIGGER library_passage_fts_delete AFTER DELETE ON library_passage BEGIN "
    "INSERT INTO library_passage_fts(library_passage_fts, rowid, heading, text) "
    "VALUES ('delete', old.id, old.heading, old.text); END",
    "CREATE TRIGGER library_passage_fts_update AFTER UPDATE ON library_passage BEGIN "
    "INSERT INTO library_passage_fts(library_passage_fts, rowid, heading, text) "
    "VALUES ('delete', old.id, old.heading, old.text); "
    "INSERT INTO library_passage_fts(rowid, heading, text) VALUES (new.id, new.heading, new.text); END",
    "INSERT INTO library_passage_fts(library_passage_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS library_passage_fts_update",
    "DROP TRIGGER IF EXISTS library_passage_fts_delete",
    "DROP TRIGGER IF EXISTS library_passage_fts_insert",
    "DROP TABLE IF EXISTS library_passage_fts",
]
POSTGRES_FORWARD = [
    "ALTER TABLE library_passage ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(heading, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(text, '')), 'A')) STORED",
    "CREATE INDEX library_passage_search_vector ON library_passage USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS library_passage_search_vector",
    "ALTER TABLE library_passage DROP COLUMN IF EXISTS search_vector",
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
    dependencies = [("library", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
