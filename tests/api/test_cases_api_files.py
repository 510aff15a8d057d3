"""Documents, attachments and history through /api/v1/cases, and what the Panel reads of a case after its
challenge: the same selectors, services and audit events as the pages (DESIGN.md rules 1, 2 and 6)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cspr.audit.models import AuditEvent
from cspr.cases import services
from cspr.cases.models import Attachment, RapidReviewAudit
from cspr.cases.services.rr_audit import CHECKLIST
from cspr.partnerships.roles import Role
from tests.api.test_cases_api import ANSWER, PEOPLE, Api, case_sent_to_panel, openapi
from tests.cases.conftest import notified_case, ready_case
from tests.documents.readers import docx_all_text, pdf_text

pytestmark = pytest.mark.django_db

ROUND_2_ADVICE = "ROUND-TWO-ADVICE"
ROUND_2_VOTE = "ROUND-TWO-VOTE"


@pytest.fixture
def apis(chain: dict[str, Any]) -> dict[str, Api]:
    return {who: Api(chain[who]) for who in PEOPLE}


@pytest.fixture
def outsider(make_user: Any, make_partnership: Any) -> Api:
    return Api(make_user(Role.BUSINESS_MANAGER, make_partnership("Elsewhere")))


@pytest.fixture(autouse=True)
def media(tmp_path: Any, settings: Any) -> Any:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


def download(api: Api, path: str, *, method: str = "get", body: dict[str, Any] | None = None, expect: int = 200):
    """A call whose success is a file: the response itself, so the bytes and headers can be read."""
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {api.token}"}
    if method == "post":
        kwargs.update(data=json.dumps(body or {}), content_type="application/json")
    response = getattr(api.client, method)(f"/api/v1/cases{path}", **kwargs)
    assert response.status_code == expect, (path, response.status_code, response.content[:500])
    return response


# --- the rapid review report --------------------------------------------------------------------------------


def test_the_report_is_a_draft_for_the_partnership_and_the_copy_sent_for_the_panel(chain, apis, outsider):
    case = ready_case(chain)
    draft = download(apis["manager"], f"/{case.pk}/rapid-review/report/docx")
    assert draft["Content-Type"].endswith("wordprocessingml.document")
    assert "Draft: not signed off" in docx_all_text(draft.content)
    download(apis["panel"], f"/{case.pk}/rapid-review/report/pdf", expect=404)  # not sent yet
    for who in ("la", "police", "icb"):
        services.decision_record_vote(actor=chain[who], case=case, option="local_review", rationale=f"{who} agrees")
    services.rapid_review_record_sent(actor=chain["manager"], case=case, sent_on=timezone.localdate())

    sent_pdf = download(apis["panel"], f"/{case.pk}/rapid-review/report/pdf")
    assert sent_pdf["Content-Type"] == "application/pdf"
    text = pdf_text(sent_pdf.content)
    assert case.pseudonym in text and "Agencies did not share information" in text and "Baby Example" not in text
    assert "sent to the Panel on" in text
    assert download(apis["auditor"], f"/{case.pk}/rapid-review/report/pdf").content == sent_pdf.content
    download(outsider, f"/{case.pk}/rapid-review/report/pdf", expect=404)
    download(apis["health"], f"/{case.pk}/rapid-review/report/pdf", expect=404)
    download(apis["manager"], f"/{case.pk}/rapid-review/report/odt", expect=422)
    downloads = AuditEvent.objects.filter(action="document.downloaded", object_id=str(case.pk))
    assert [e.changes["detail"] for e in downloads.order_by("seq")][-2:] == [
        {"document": "rapid-review", "format": "pdf"},
        {"document": "rapid-review", "format": "pdf"},
    ]


# --- the family letter -------------------------------------------------------------------------------------------


LETTER = {"addressee": "Ms Jane Example", "salutation": "Ms Example", "child_first_name": "Baby"}


def test_the_family_letter_is_written_once_decided_and_reads_back(chain, apis, outsider):
    case = ready_case(chain)
    refused = download(apis["manager"], f"/{case.pk}/family-letter/pdf", method="post", body=LETTER, expect=409)
    assert "once the partners have decided" in refused.json()["detail"]
    for who in ("la", "police", "icb"):
        services.decision_record_vote(actor=chain[who], case=case, option="local_review", rationale="Agreed")
    pdf = download(apis["manager"], f"/{case.pk}/family-letter/pdf", method="post", body=LETTER)
    text = pdf_text(pdf.content)
    assert "Dear Ms Example," in text and "Ms Jane Example" in text and "Baby" in text
    assert f"{case.reference} ({case.pseudonym})" in text
    word = download(
        apis["manager"],
        f"/{case.pk}/family-letter/docx",
        method="post",
        body={**LETTER, "what_happens_next": "A reviewer will talk to you soon."},
    )
    assert "A reviewer will talk to you soon." in docx_all_text(word.content)
    incomplete = download(
        apis["manager"], f"/{case.pk}/family-letter/pdf", method="post", body={**LETTER, "rationale": " "}, expect=422
    )
    assert "cannot be written without" in incomplete.json()["detail"]
    download(apis["manager"], f"/{case.pk}/family-letter/pdf", method="post", body={}, expect=422)  # no addressee
    for api in (apis["panel"], apis["health"], outsider):
        download(api, f"/{case.pk}/family-letter/pdf", method="post", body=LETTER, expect=404)


# --- the rapid review audit summary ---------------------------------------------------------------------------


def test_the_audit_summary_reads_back_the_scores_recorded(chain, apis, outsider):
    case = case_sent_to_panel(chain)
    today = timezone.localdate()
    audit = services.rr_audit_create(
        actor=chain["manager"], partnership=chain["partnership"], period_start=today, period_end=today, sample_size=5
    )
    scores = {key: "met" for key, _ in CHECKLIST} | {"family_told": "partly"}
    services.rr_audit_score(actor=chain["manager"], item=audit.items.get(), scores=scores, comment="AUDIT-COMMENT")
    for who in ("manager", "auditor", "scrutineer"):
        pdf = download(apis[who], f"/rr-audits/{audit.pk}/summary/pdf")
        text = pdf_text(pdf.content)
        assert case.reference in text and case.pseudonym in text and "AUDIT-COMMENT" in text
        assert "Partly met" in text
    word = download(apis["auditor"], f"/rr-audits/{audit.pk}/summary/docx").content
    assert "Family told\n0\n1\n0\n0%" in docx_all_text(word)  # totals counted from the recorded score
    for api in (apis["panel"], apis["la"], apis["health"], outsider):
        download(api, f"/rr-audits/{audit.pk}/summary/pdf", expect=404)
    assert RapidReviewAudit.objects.count() == 1


# --- attachments -------------------------------------------------------------------------------------------------


def upload(api: Api, case_id: int, name: str, data: bytes, expect: int = 201, description: str = "") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api.client.post(
        f"/api/v1/cases/{case_id}/attachments",
        {"file": SimpleUploadedFile(name, data), "description": description},
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    assert response.status_code == expect, response.content[:500]
    return response.json()


def test_attachments_are_uploaded_checked_listed_and_downloaded_through_the_api(chain, apis, outsider, media):
    case = notified_case(chain)
    m = apis["manager"]
    added = upload(m, case.pk, "minutes.txt", b"Strategy meeting minutes", description="Minutes")
    assert (added["name"], added["content_type"], added["size"]) == ("minutes.txt", "text/plain", 24)
    stored = Attachment.objects.get(pk=added["id"])
    assert b"Strategy" not in (media / stored.storage_name).read_bytes()  # encrypted at rest
    assert [a["id"] for a in m.call("get", f"/{case.pk}/attachments")] == [added["id"]]
    got = download(m, f"/{case.pk}/attachments/{added['id']}")
    assert got.content == b"Strategy meeting minutes" and "minutes.txt" in got["Content-Disposition"]
    assert AuditEvent.objects.filter(action="attachment.downloaded", object_id=str(case.pk)).count() == 1

    refused = upload(m, case.pk, "report.pdf", b"MZ\x90\x00 not a PDF", expect=422)
    assert "must be a PDF, Word document" in refused["field_errors"]["file"]
    missing = m.client.post(f"/api/v1/cases/{case.pk}/attachments", {}, HTTP_AUTHORIZATION=f"Bearer {m.token}")
    assert missing.status_code == 422 and "file" in missing.json()["field_errors"]
    assert upload(apis["scrutineer"], case.pk, "note.txt", b"x", expect=403)["detail"]
    upload(apis["panel"], case.pk, "note.txt", b"x", expect=403)
    upload(outsider, case.pk, "note.txt", b"x", expect=404)
    upload(apis["health"], case.pk, "note.txt", b"x", expect=404)
    assert Attachment.objects.filter(case=case).count() == 1
    for api in (outsider, apis["health"]):
        api.call("get", f"/{case.pk}/attachments", expect=404)
        download(api, f"/{case.pk}/attachments/{added['id']}", expect=404)


def test_the_panel_lists_and_downloads_only_the_attachments_sent_to_it(chain, apis):
    case = case_sent_to_panel(chain)
    later = upload(apis["manager"], case.pk, "after-sending.txt", b"added after sending")
    panel = apis["panel"]
    assert panel.call("get", f"/{case.pk}/attachments") == []
    download(panel, f"/{case.pk}/attachments/{later['id']}", expect=404)
    assert [a["id"] for a in apis["auditor"].call("get", f"/{case.pk}/attachments")] == [later["id"]]


def test_attachments_sent_with_the_rapid_review_are_the_panels_to_read(chain, apis):
    case = ready_case(chain)
    before = upload(apis["manager"], case.pk, "before.txt", b"sent with the rapid review")
    for who in ("la", "police", "icb"):
        services.decision_record_vote(actor=chain[who], case=case, option="local_review", rationale="Agreed")
    services.rapid_review_record_sent(actor=chain["manager"], case=case, sent_on=timezone.localdate())
    listed = apis["panel"].call("get", f"/{case.pk}/attachments")
    assert [(a["id"], a["uploaded_by"]) for a in listed] == [(before["id"], None)]
    assert download(apis["panel"], f"/{case.pk}/attachments/{before['id']}").content == b"sent with the rapid review"


# --- the history ------------------------------------------------------------------------------------------------


def test_the_history_is_for_the_partnerships_own_people_and_reading_it_is_audited(chain, apis, outsider, make_user):
    case = case_sent_to_panel(chain)
    for who in ("manager", "auditor", "scrutineer", "la"):
        events = apis[who].call("get", f"/{case.pk}/history")
        actions = [e["action"] for e in events]
        assert {"case.opened", "notification.sent", "decision.made", "rapid_review.sent"} <= set(actions), who
        assert [e["seq"] for e in events] == sorted((e["seq"] for e in events), reverse=True)  # newest first
    opened = next(e for e in events if e["action"] == "case.opened")
    assert opened["actor"] == chain["manager"].full_name
    assert "Baby Example" not in json.dumps(events)

    def history_reads() -> int:
        views = AuditEvent.objects.filter(action="case.viewed", object_id=str(case.pk))
        return sum(1 for e in views if (e.changes or {}).get("detail") == {"page": "history"})

    assert history_reads() == 4
    reviewer = Api(make_user(Role.REVIEWER, chain["partnership"]))
    for api in (apis["panel"], apis["health"], reviewer, outsider):
        api.call("get", f"/{case.pk}/history", expect=404)
    assert history_reads() == 4  # a refused read leaves none behind


# --- what the Panel reads after its challenge -------------------------------------------------------------------


def test_after_a_challenge_the_api_shows_the_panel_no_second_round_until_the_justification_is_sent(chain, apis):
    case = case_sent_to_panel(chain)
    panel = apis["panel"]
    today = timezone.localdate().isoformat()
    panel.call(
        "post",
        f"/{case.pk}/panel-response",
        {"response": "challenge", "national_review": "no", "responded_on": today, "reasons": "Reconsider"},
    )
    apis["scrutineer"].call("post", f"/{case.pk}/decision/advice", {"advice": ROUND_2_ADVICE})
    apis["la"].call("post", f"/{case.pk}/decision/votes", {"option": "local_review", "rationale": ROUND_2_VOTE})

    def panel_reads() -> str:
        return json.dumps([panel.call("get", f"/{case.pk}"), panel.call("get", f"/{case.pk}/decision")])

    assert [d["round"] for d in panel.call("get", f"/{case.pk}/decision")] == [1]
    assert ROUND_2_ADVICE not in panel_reads() and ROUND_2_VOTE not in panel_reads()
    for who in ("police", "icb"):
        apis[who].call("post", f"/{case.pk}/decision/votes", {"option": "local_review", "rationale": ROUND_2_VOTE})
    assert [d["round"] for d in panel.call("get", f"/{case.pk}")["decisions"]] == [1]  # decided, not yet sent
    assert [d["round"] for d in apis["auditor"].call("get", f"/{case.pk}/decision")] == [1, 2]

    apis["manager"].call("post", f"/{case.pk}/decision/justification", {"justification": "We keep it because"})
    rounds = panel.call("get", f"/{case.pk}/decision")
    assert [d["round"] for d in rounds] == [1, 2]
    second = rounds[1]
    assert (second["outcome"], second["kept_or_changed"], second["justification"]) == (
        "local_review",
        "kept",
        "We keep it because",
    )
    assert (second["votes"], second["scrutineer_advice"], second["rationale"]) == (None, None, None)
    assert rounds[0]["votes"] and rounds[0]["rationale"]  # the first round was sent in full
    assert ROUND_2_ADVICE not in panel_reads() and ROUND_2_VOTE not in panel_reads()
    own = apis["auditor"].call("get", f"/{case.pk}/decision")[1]
    assert own["scrutineer_advice"] == ROUND_2_ADVICE and len(own["votes"]) == 3


def test_the_panel_reads_the_clocks_of_what_it_is_owed_not_the_local_ones(chain, apis):
    case = case_sent_to_panel(chain)
    panel = {c["milestone"] for c in apis["panel"].call("get", f"/{case.pk}/clocks")}
    own = {c["milestone"] for c in apis["manager"].call("get", f"/{case.pk}/clocks")}
    assert {"notify-panel", "rapid-review"} <= panel
    assert "agency-summaries" not in panel and "inform-partners" not in panel
    assert {"agency-summaries", "inform-partners"} <= own
    assert ANSWER not in json.dumps(apis["panel"].call("get", f"/{case.pk}"))


def test_the_openapi_document_describes_the_file_answers():
    paths = openapi()["paths"]
    report = paths["/api/v1/cases/{case_id}/rapid-review/report/{fmt}"]["get"]
    assert set(report["responses"]["200"]["content"]) == {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
    fmt = next(p for p in report["parameters"] if p["name"] == "fmt")
    assert fmt["schema"]["enum"] == ["docx", "pdf"]
    upload_body = paths["/api/v1/cases/{case_id}/attachments"]["post"]["requestBody"]["content"]
    assert "file" in upload_body["multipart/form-data"]["schema"]["properties"]
    history = paths["/api/v1/cases/{case_id}/history"]["get"]["responses"]["200"]["content"]["application/json"]
    assert history["schema"]["items"]["$ref"].endswith("/HistoryEventOut")


def test_anonymous_callers_get_401_from_the_file_operations(chain):
    case = notified_case(chain)
    client = Client()
    for path in (f"/{case.pk}/rapid-review/report/pdf", f"/{case.pk}/attachments", f"/{case.pk}/history"):
        assert client.get(f"/api/v1/cases{path}").status_code == 401


# --- the upload gate through the API (cspr/core/uploads.py; issue "Prove it holds", defects 1, 3 and 6) ---------


def _nothing_stored(case: Any, media: Any) -> bool:
    return (
        not Attachment.objects.filter(case=case).exists()
        and not any(p.is_file() for p in media.rglob("*"))
        and not AuditEvent.objects.filter(action="attachment.added").exists()
    )


def test_every_hostile_file_is_refused_by_the_api_with_a_detail_and_nothing_stored(chain, apis, media):
    from tests.fixtures.hostile import CORPUS

    case = notified_case(chain)
    for item in CORPUS:
        refused = upload(apis["manager"], case.pk, item.name, item.make(), expect=422)
        assert refused["detail"] and len(refused["field_errors"]["file"]) > 30, item
        assert _nothing_stored(case, media), item


def test_a_1000_character_name_is_422_not_500(chain, apis, media):
    case = notified_case(chain)
    refused = upload(apis["manager"], case.pk, "a" * 996 + ".txt", b"notes", expect=422)
    assert "200 characters or fewer" in refused["field_errors"]["file"]
    assert _nothing_stored(case, media)


def test_a_file_over_the_limit_is_413_with_a_json_detail(chain, apis, media):
    case = notified_case(chain)
    refused = upload(apis["manager"], case.pk, "big.txt", b"a" * (10 * 1024 * 1024 + 1), expect=413)
    assert refused["field_errors"]["file"] == "The selected file must be smaller than 10MB" and refused["detail"]
    assert _nothing_stored(case, media)


class CountingBody:
    """A request body of ``size`` bytes made as it is read, counting what the server reads."""

    def __init__(self, head: bytes, size: int, tail: bytes) -> None:
        self.head, self.size, self.tail = head, size, tail
        self.read_bytes = 0

    def __len__(self) -> int:
        return len(self.head) + self.size + len(self.tail)

    def read(self, n: int = -1) -> bytes:
        total = len(self)
        if n < 0:
            n = total - self.read_bytes
        start, end = self.read_bytes, min(total, self.read_bytes + n)
        out = bytearray()
        for pos in range(start, end, 1 << 16):
            stop = min(end, pos + (1 << 16))
            for lo, hi, part in ((0, len(self.head), self.head), (len(self.head) + self.size, total, self.tail)):
                a, b = max(pos, lo), min(stop, hi)
                if a < b:
                    out += part[a - lo : b - lo]
            a, b = max(pos, len(self.head)), min(stop, len(self.head) + self.size)
            if a < b:
                out += b"0" * (b - a)
        self.read_bytes = end
        return bytes(out)

    def readline(self, *args: Any) -> bytes:  # not used by the multipart parser
        raise NotImplementedError


@pytest.mark.parametrize("declared", [True, False], ids=["content-length-says-so", "streamed"])
def test_a_100mb_body_is_refused_413_without_being_read_in_full(chain, apis, media, settings, declared):
    """Defect: a 100 MB body was read in full before it was refused. The upload handler stops reading past
    CSPR_UPLOAD_MAX_BYTES (20MB), or at once when Content-Length already says the body is larger."""
    from django.core.handlers.wsgi import WSGIHandler

    case = notified_case(chain)
    boundary = "cspr-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\nbig\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body = CountingBody(head, 100 * 1024 * 1024, tail)
    if not declared:  # a Content-Length within the allowance, so only the streaming stop can catch it
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 200 * 1024 * 1024
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": f"/api/v1/cases/{case.pk}/attachments",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": body,
        "wsgi.errors": __import__("sys").stderr,
        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": f"Bearer {apis['manager'].token}",
    }
    statuses: list[str] = []
    # As Django's test client does: a request's start and end must not close the test's own database
    # connection (on PostgreSQL, with connection health checks, the next query would fail).
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        answer = b"".join(WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert statuses[0].startswith("413"), (statuses, answer[:300])
    assert json.loads(answer)["field_errors"]["file"] == "The selected file must be smaller than 10MB"
    limit = settings.CSPR_UPLOAD_MAX_BYTES
    assert body.read_bytes <= limit + 1024 * 1024, body.read_bytes  # the limit, a chunk and the fields
    if declared:
        assert body.read_bytes < 1024 * 1024
    assert _nothing_stored(case, media)


def test_good_files_are_still_accepted_by_the_api_under_the_detected_types_extension(chain, apis, media):
    from tests.fixtures import hostile

    case = notified_case(chain)
    added = upload(apis["manager"], case.pk, "minutes", hostile.good_docx())
    assert added["name"] == "minutes.docx"
    assert added["content_type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    got = download(apis["manager"], f"/{case.pk}/attachments/{added['id']}")
    assert got["Content-Disposition"] == 'attachment; filename="minutes.docx"'
    assert got["X-Content-Type-Options"] == "nosniff"


def test_the_openapi_document_names_the_413():
    paths = openapi()["paths"]
    assert "413" in paths["/api/v1/cases/{case_id}/attachments"]["post"]["responses"]
