"""The england-cspr process's milestone and event ids, named once (issue "One shape", item 5).

The process definition (processes/england-cspr.toml) is the source; these names let code that must refer to one
milestone (the rapid review's due date, the publication rule) do so without retyping the string. A test checks
each name exists in the definition.
"""

from __future__ import annotations

from typing import Final

# Milestones
NOTIFY_PANEL: Final = "notify-panel"
INFORM_PARTNERS: Final = "inform-partners"
AGENCY_SUMMARIES: Final = "agency-summaries"
RAPID_REVIEW: Final = "rapid-review"
LCSPR_PUBLISHED: Final = "lcspr-published"
FINAL_REPORT_TO_PANEL: Final = "final-report-to-panel"
KEEP_PUBLISHED: Final = "keep-published"
NSPCC_COPY: Final = "nspcc-copy"

# Events recorded on a case
LA_BECAME_AWARE: Final = "la_became_aware"
NOTIFICATION_SENT: Final = "notification_sent"
PARTNERS_INFORMED: Final = "partners_informed"
AGENCY_SUMMARIES_RETURNED: Final = "agency_summaries_returned"
RAPID_REVIEW_SENT: Final = "rapid_review_sent"
REVIEW_DECIDED: Final = "review_decided"
FINAL_REPORT_SENT: Final = "final_report_sent"
PUBLICATION_PLANNED: Final = "publication_planned"
PUBLISHED: Final = "published"
NSPCC_COPY_SENT: Final = "nspcc_copy_sent"
PUBLICATION_REMOVED: Final = "publication_removed"
