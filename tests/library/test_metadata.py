"""Metadata from the catalogue CSV, normalised to fixed vocabularies, else guessed from the text."""

from pathlib import Path

import pytest

from cspr.library.metadata import MetadataError, guess_metadata, load_metadata_csv, normalise_age_band


def test_csv_rows_are_keyed_by_file_name_and_normalised(tmp_path: Path):
    path = tmp_path / "meta.csv"
    path.write_text(
        "File,Title,Partnership,Nation,Year,Review type,Child pseudonym,Age,Nature of harm,Reviewer,URL\n"
        "reports/child-q.pdf,Child Q,Northshire SCP,England,2023,Local Child Safeguarding Practice Review,"
        "Child Q,3 months,Died,Jane Smith,https://example.org/q.pdf\n"
    )
    rows = load_metadata_csv(path)
    meta = rows["child-q.pdf"]
    assert rows["reports/child-q.pdf"] is meta
    assert (meta.nation, meta.year, meta.review_type, meta.age_band, meta.harm) == (
        "england",
        2023,
        "lcspr",
        "under-1",
        "death",
    )
    assert meta.publisher == "Northshire SCP"


def test_a_csv_without_a_file_column_is_refused(tmp_path: Path):
    path = tmp_path / "meta.csv"
    path.write_text("Title,Year\nChild Q,2023\n")
    with pytest.raises(MetadataError, match="file"):
        load_metadata_csv(path)


def test_a_bad_year_names_the_row(tmp_path: Path):
    path = tmp_path / "meta.csv"
    path.write_text("file,year\na.pdf,twenty\n")
    with pytest.raises(MetadataError, match="row 2"):
        load_metadata_csv(path)


def test_age_bands():
    assert [normalise_age_band(v) for v in ("2 weeks", "4", "14 years", "17", "under-1", "")] == [
        "under-1",
        "1-5",
        "11-15",
        "16-17",
        "under-1",
        "",
    ]


def test_metadata_is_guessed_from_the_report_text():
    text = (
        "Northshire Safeguarding Children Partnership\nLocal Child Safeguarding Practice Review\n"
        "Child Q\nPublished March 2024\nIndependent reviewer: Jane Smith\n"
        "Child Q was aged 4 years when she died in hospital."
    )
    meta = guess_metadata(text, title="Child Q")
    assert meta.publisher == "Northshire Safeguarding Children Partnership"
    assert (meta.review_type, meta.nation, meta.year, meta.child) == ("lcspr", "england", 2024, "Child Q")
    assert (meta.age_band, meta.harm, meta.reviewer) == ("1-5", "death", "Jane Smith")


def test_the_csv_can_give_a_reports_own_availability_date(tmp_path: Path):
    path = tmp_path / "meta.csv"
    path.write_text("file,published,available until\na.pdf,2020-01-10,2032-01-31\nb.pdf,2021-03-01,\n")
    rows = load_metadata_csv(path)
    assert rows["a.pdf"].available_until == "2032-01-31"
    assert rows["b.pdf"].available_until == ""


@pytest.mark.parametrize("value", ["31/01/2032", "2032-02-30"])
def test_an_availability_date_that_is_not_a_real_date_names_the_row(tmp_path: Path, value: str):
    path = tmp_path / "meta.csv"
    path.write_text(f"file,available until\na.pdf,{value}\n")
    with pytest.raises(MetadataError, match="row 2"):
        load_metadata_csv(path)
