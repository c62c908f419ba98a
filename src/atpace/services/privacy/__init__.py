"""Privacy (issue 12, section 5): export a student's complete data, and erase it (docs/privacy.md).

- ``student_data_zip``: every row of or about the student (found from the tables themselves, see
  ``catalog``), their uploaded files and the audit entries about them, as a zip of JSON and CSV.
- ``request_erasure`` / ``confirm_erasure`` / ``cancel_erasure``: two administrators, a grace period
  (``ATPACE_ERASURE_GRACE_DAYS``), and ``erase_due`` (the hourly job and ``atpace privacy erase-due``)
  that carries out what is due, one transaction per student.
"""

from __future__ import annotations

from sqlalchemy import select

from atpace.services.auth import Actor
from atpace.services.database import Session
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
from atpace.store.tables import Role, User
from atpace.store.tables_privacy import REASON_MAX

__all__ = [
    "REASON_MAX",
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
    "students_of_school",
]


def students_of_school(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """The school's active students (id, name) by name: the choice on the administrator's privacy page."""
    rows = session.execute(
        select(User.id, User.display_name)
        .where(User.school_id == actor.school_id, User.role == Role.STUDENT, User.is_active.is_(True))
        .order_by(User.display_name, User.id)
    ).all()
    return [(i, n) for i, n in rows]
