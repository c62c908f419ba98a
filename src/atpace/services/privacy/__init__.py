"""Privacy (issue 12, section 5): export a student's complete data, and erase it (docs/privacy.md).

- ``student_data_zip``: every row of or about the student (found from the tables themselves, see
  ``catalog``), their uploaded files and the audit entries about them, as a zip of JSON and CSV.
- ``request_erasure`` / ``confirm_erasure`` / ``cancel_erasure``: two administrators, a grace period
  (``ATPACE_ERASURE_GRACE_DAYS``), and ``erase_due`` (the hourly job and ``atpace privacy erase-due``)
  that carries out what is due, one transaction per student.
"""

from __future__ import annotations

from atpace.services.privacy.erasure import (
    OpenRequest,
    PrivacyStatus,
    RequestView,
    cancel_erasure,
    confirm_erasure,
    erase_due,
    erase_student,
    open_requests,
    request_erasure,
    status,
)
from atpace.services.privacy.export import DataZip, build_zip, find_student, student_data_zip

__all__ = [
    "DataZip",
    "OpenRequest",
    "PrivacyStatus",
    "RequestView",
    "build_zip",
    "cancel_erasure",
    "confirm_erasure",
    "erase_due",
    "erase_student",
    "find_student",
    "open_requests",
    "request_erasure",
    "status",
    "student_data_zip",
]
