"""Stored similarity vectors (ReportVector) and the library's version token (LibraryVersion).

Existing reports get their vector from the signature and themes they already have; the packing is
written out here rather than imported, so this migration keeps meaning what it meant when it ran.
"""

import struct
import uuid
import zlib

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def backfill(apps, schema_editor):
    Report = apps.get_model("library", "Report")
    ReportTheme = apps.get_model("library", "ReportTheme")
    ReportVector = apps.get_model("library", "ReportVector")
    LibraryVersion = apps.get_model("library", "LibraryVersion")
    themes: dict[int, dict[str, set[str]]] = {}
    for report_id, theme, status in ReportTheme.objects.values_list("report_id", "theme", "status"):
        themes.setdefault(report_id, {}).setdefault(status, set()).add(theme)
    rows = []
    for report_id, signature in Report.objects.values_list("pk", "signature").iterator():
        signature = signature or {}
        terms = b"".join(
            struct.pack("<If", zlib.crc32(str(t).encode("utf-8")), float(w))
            for t, w in (signature.get("terms") or {}).items()
        )
        embedding = signature.get("embedding")
        own = themes.get(report_id, {})
        chosen = sorted(own.get("confirmed") or own.get("suggested") or ())
        rows.append(
            ReportVector(
                report_id=report_id,
                terms=terms,
                themes=" ".join(chosen),
                embedding=struct.pack(f"<{len(embedding)}f", *map(float, embedding)) if embedding else None,
            )
        )
        if len(rows) >= 1000:
            ReportVector.objects.bulk_create(rows)
            rows = []
    ReportVector.objects.bulk_create(rows)
    LibraryVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0002_search_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="LibraryVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=32)),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.CreateModel(
            name="ReportVector",
            fields=[
                (
                    "report",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="vector",
                        serialize=False,
                        to="library.report",
                    ),
                ),
                ("terms", models.BinaryField(default=bytes)),
                (
                    "themes",
                    models.TextField(
                        blank=True, help_text="Confirmed themes, else the suggestions: space-separated ids."
                    ),
                ),
                ("embedding", models.BinaryField(blank=True, null=True)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
