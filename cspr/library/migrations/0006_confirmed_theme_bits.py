"""Each report's confirmed themes as bits on the report (``Report.confirmed_themes``), kept by the database from
``library_reporttheme`` (triggers), so the theme facet is one pass over the matching reports; and, on SQLite, a
narrow covering index over the columns search reads from each matching report (visibility, retention, facets
and the bits), so those are not read from the wide report rows (``signature`` and all).

The column is added with plain ``ALTER TABLE ... ADD COLUMN`` (Django's state only): on SQLite, letting Django
add a NOT NULL column would rebuild the table and drop the report-level index's triggers (migration 0005).
Each trigger recomputes the report's bits from its confirmed themes (``theme_bits.mask_case_sql``): a change
of status, a new confirmed theme, a deleted one. A theme that gets a slot later needs a migration that
recreates the triggers from ``theme_bits.THEME_SLOTS``.
"""

from django.db import migrations, models

from cspr.library.theme_bits import mask_case_sql


def _recompute(report_id: str) -> str:
    return (
        "UPDATE library_report SET confirmed_themes = (SELECT COALESCE(SUM("  # noqa: S608 -- constant SQL  # nosec B608
        f"{mask_case_sql('t.theme')}), 0) FROM library_reporttheme t WHERE t.report_id = library_report.id "
        f"AND t.status = 'confirmed') WHERE id = {report_id}"
    )


ADD_COLUMN = "ALTER TABLE library_report ADD COLUMN confirmed_themes bigint NOT NULL DEFAULT 0"
DROP_COLUMN = "ALTER TABLE library_report DROP COLUMN confirmed_themes"
SQLITE_INDEX = (
    "CREATE INDEX library_report_search_row ON library_report (id, is_public, text_removed_at, available_until, "
    "partnership_id, year, nation, review_type, age_band, harm, confirmed_themes)"
)

SQLITE_FORWARD = [
    ADD_COLUMN,
    "CREATE TRIGGER library_theme_bits_insert AFTER INSERT ON library_reporttheme "
    f"WHEN new.status = 'confirmed' BEGIN {_recompute('new.report_id')}; END",
    "CREATE TRIGGER library_theme_bits_update AFTER UPDATE OF status, theme, report_id ON library_reporttheme "
    "WHEN old.status = 'confirmed' OR new.status = 'confirmed' BEGIN "
    f"{_recompute('old.report_id')}; {_recompute('new.report_id')}; END",
    "CREATE TRIGGER library_theme_bits_delete AFTER DELETE ON library_reporttheme "
    f"WHEN old.status = 'confirmed' BEGIN {_recompute('old.report_id')}; END",
    _recompute("library_report.id"),
    SQLITE_INDEX,
]
SQLITE_BACKWARD = [
    "DROP INDEX IF EXISTS library_report_search_row",
    "DROP TRIGGER IF EXISTS library_theme_bits_insert",
    "DROP TRIGGER IF EXISTS library_theme_bits_update",
    "DROP TRIGGER IF EXISTS library_theme_bits_delete",
    DROP_COLUMN,
]
POSTGRES_FORWARD = [
    ADD_COLUMN,
    "CREATE FUNCTION library_theme_bits() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'confirmed' THEN {_recompute('OLD.report_id')}; END IF; "
    f"IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'confirmed' THEN {_recompute('NEW.report_id')}; END IF; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER library_theme_bits AFTER INSERT OR DELETE OR UPDATE OF status, theme, report_id "
    "ON library_reporttheme FOR EACH ROW EXECUTE FUNCTION library_theme_bits()",
    _recompute("library_report.id"),
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS library_theme_bits ON library_reporttheme",
    "DROP FUNCTION IF EXISTS library_theme_bits()",
    DROP_COLUMN,
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise RuntimeError(f"the review library has no theme bits for the {vendor} database")
        for sql in statements[vendor]:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("library", "0005_report_search_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="report",
                    name="confirmed_themes",
                    field=models.BigIntegerField(
                        default=0,
                        editable=False,
                        help_text=(
                            "The confirmed themes as bits (cspr.library.theme_bits), kept by the database from "
                            "ReportTheme."
                        ),
                    ),
                )
            ],
            database_operations=[
                migrations.RunPython(
                    _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
                    _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
                )
            ],
        )
    ]
