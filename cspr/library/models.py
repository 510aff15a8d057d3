"""The review library's state: reports, their passages, and theme suggestions and confirmations.

Search indexes are not models: the SQLite FTS5 table and the PostgreSQL tsvector column with its GIN
index are created by migration 0002 for the database in use and kept in step with ``Passage`` by the
database itself (triggers / a generated column), so no code path can forget to index a passage.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cspr.library.metadata import AGE_BANDS, HARMS, NATIONS, REVIEW_TYPES

NATION_CHOICES = list(NATIONS.items())
REVIEW_TYPE_CHOICES = list(REVIEW_TYPES.items())
AGE_BAND_CHOICES = list(AGE_BANDS.items())
HARM_CHOICES = list(HARMS.items())


class Report(models.Model):
    """One published (or, for a partnership's own material, unpublished) review in the library.

    The catalogue record (metadata, themes, similarity signature) is kept for good; the full text
    (passages) is kept until ``available_until``, after which retention removes it from the library and
    the search index, as the national repository does with its electronic copies after five years.
    """

    class Origin(models.TextChoices):
        INGEST = "ingest", "Imported into the library"
        PUBLICATION = "publication", "Published through the review process"

    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200, blank=True, help_text="The partnership or body that published it.")
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.PROTECT,
        related_name="library_reports",
        null=True,
        blank=True,
        help_text="Set when the report is a partnership's own review; used to compare it with the national picture.",
    )
    is_public = models.BooleanField(
        default=True, help_text="Public reports are searchable by anyone; others only by their partnership."
    )
    nation = models.CharField(max_length=20, choices=NATION_CHOICES, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    review_type = models.CharField(max_length=40, choices=REVIEW_TYPE_CHOICES, blank=True)
    child = models.CharField(max_length=100, blank=True, help_text="The child's pseudonym, e.g. Child Q.")
    age_band = models.CharField(max_length=10, choices=AGE_BAND_CHOICES, blank=True)
    harm = models.CharField(max_length=20, choices=HARM_CHOICES, blank=True)
    reviewer = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(max_length=1000, blank=True)
    source_name = models.CharField(max_length=255, help_text="The ingested file's name.")
    format = models.CharField(max_length=10)
    sha256 = models.CharField(max_length=64, unique=True, help_text="Hash of the file's bytes: re-ingest is a no-op.")
    page_count = models.PositiveIntegerField(default=0)
    word_count = models.PositiveIntegerField(default=0)
    available_until = models.DateField(
        null=True, blank=True, help_text="Full text is kept until this date; the catalogue record stays."
    )
    text_removed_at = models.DateTimeField(null=True, blank=True)
    signature = models.JSONField(default=dict, blank=True, help_text="Terms (and embedding) for similar reviews.")
    detector_mode = models.CharField(max_length=40, blank=True)
    confirmed_themes = models.BigIntegerField(
        default=0,
        editable=False,
        help_text="The confirmed themes as bits (cspr.library.theme_bits), kept by the database from ReportTheme.",
    )
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.INGEST)
    origin_case_id = models.PositiveBigIntegerField(
        null=True, blank=True, unique=True, help_text="The case whose publication added this report."
    )
    ingested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    ingested_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "title"]
        indexes = [
            models.Index(fields=["is_public", "year"], name="library_report_public_year"),
            models.Index(fields=["partnership"], name="library_report_partnership"),
            # Search reads who may see a report, its retention and its facet values for every matching
            # report: from this index alone, not from the wide rows (signature JSON and all).
            models.Index(
                fields=[
                    "is_public",
                    "text_removed_at",
                    "available_until",
                    "partnership",
                    "year",
                    "nation",
                    "review_type",
                    "age_band",
                    "harm",
                ],
                name="library_report_search_facets",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_public=True) | Q(partnership__isnull=False),
                name="library_report_private_needs_partnership",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def text_available(self) -> bool:
        """The full text may be read: not removed, and not past its date even if retention has not run yet."""
        return self.text_removed_at is None and (
            self.available_until is None or self.available_until >= timezone.localdate()
        )


def text_in_retention_q() -> Q:
    """Reports whose full text may be searched and shown (the read-side twin of ``Report.text_available``):
    the daily retention job removes expired text, and until it has run the date alone keeps the text out."""
    return Q(text_removed_at__isnull=True) & (
        Q(available_until__isnull=True) | Q(available_until__gte=timezone.localdate())
    )


class Passage(models.Model):
    """A stretch of a report's text with its page and heading: the unit of search hits and evidence."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="passages")
    position = models.PositiveIntegerField()
    page = models.PositiveIntegerField(null=True, blank=True)
    heading = models.CharField(max_length=300, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["report", "position"]
        constraints = [models.UniqueConstraint(fields=["report", "position"], name="library_passage_unique_position")]

    def __str__(self) -> str:
        return f"{self.report_id}#{self.position}"


class ReportTheme(models.Model):
    """A theme suggested by the detector or added by a person, and what a person decided about it.

    Only confirmed themes count in facets and statistics: the detector proposes, people decide.
    """

    class Status(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="themes")
    theme = models.CharField(max_length=60, help_text="A theme id from the taxonomy (themes.toml).")
    score = models.FloatField(null=True, blank=True, help_text="The detector's score; blank if added by a person.")
    evidence = models.JSONField(default=list, blank=True, help_text="Passage positions and cue phrases.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUGGESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report", "-score", "theme"]
        constraints = [models.UniqueConstraint(fields=["report", "theme"], name="library_theme_unique_per_report")]
        indexes = [
            models.Index(fields=["status", "theme"], name="library_theme_status"),
            # The theme facet: each matching report's confirmed themes, read from the index.
            models.Index(fields=["report", "status", "theme"], name="library_theme_report_status"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.theme} ({self.status})"


class ReportVector(models.Model):
    """What "Reviews like this one" compares for one report, stored in the form the in-memory matrix reads.

    Rebuilding the similarity matrix from ``Report.signature`` JSON meant parsing every report's terms in
    Python in every worker (5.3 s and 630 MB at 20,000 reports). These rows are packed once, when a report
    is ingested or published and again when its themes are decided, so a process loads them as a few
    numpy buffers. ``terms`` is little-endian pairs of (uint32 CRC-32 of the stemmed term, float32
    1 + log tf): a hash, not the word, because the matrix needs only equality; the words stay in
    ``Report.signature``. ``embedding`` is the float32 MiniLM mean when the report was ingested with one.
    """

    report = models.OneToOneField(Report, primary_key=True, on_delete=models.CASCADE, related_name="vector")
    terms = models.BinaryField(default=bytes)
    themes = models.TextField(blank=True, help_text="Confirmed themes, else the suggestions: space-separated ids.")
    embedding = models.BinaryField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"vector of {self.report_id}"


class LibraryVersion(models.Model):
    """One row whose token changes whenever what similarity reads changes (a report added, published or
    withdrawn, a theme decided). Each process compares it, one primary-key read, with the token its
    matrix was built from, so the matrix is rebuilt only after a change and never per request. A fresh
    random token rather than a counter: a rolled-back transaction must not leave two different libraries
    with the same number."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.token
