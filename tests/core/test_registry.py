"""Later apps plug into the earlier ones' commands and pages through cspr.core.registry, from their
AppConfig.ready() (DESIGN.md: imports run one way), so core and partnerships never import cases or library."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cspr.core import registry


def test_each_later_app_registers_its_jobs_files_demo_and_home_panel() -> None:
    assert list(registry.DAILY_JOBS) == ["reminders", "attachment-files-sweep", "task-digests", "library-retention"]
    assert list(registry.FILE_ROTATIONS) == ["attachments"]
    assert list(registry.DEMO_LOADERS) == ["cases", "reviews", "learning"]
    assert list(registry.HOME_PANELS) == ["cases"]
    assert list(registry.TASK_SOURCES) == ["cases", "reviews", "learning"]
    assert list(registry.WRITE_LISTENERS) == ["task-emails"]


@pytest.mark.django_db
def test_cspr_daily_runs_every_registered_job_and_one_failure_does_not_stop_the_rest(monkeypatch, capsys) -> None:
    ran: list[str] = []

    def failing() -> registry.JobResult:
        ran.append("failing")
        return registry.JobResult("Failing job: 0 done", failed="Failing job could not finish")

    def later() -> registry.JobResult:
        ran.append("later")
        return registry.JobResult("Later job: 2 done")

    monkeypatch.setattr(registry, "DAILY_JOBS", {"failing": failing, "later": later})
    with pytest.raises(CommandError, match="Failing job could not finish"):
        call_command("daily")
    assert ran == ["failing", "later"]
    assert "Later job: 2 done" in capsys.readouterr().out
