"""OneRoster 1.1/1.2 CSV packages read into typed records, for the roster import (no database code here).

:func:`read_roster` reads a folder or a .zip and returns a :class:`RosterFile`: records per table, the
manifest's bulk/delta/absent mode per table, references left for the database to resolve, problems (the
package must not be imported) and warnings.
"""

from atpace.interop.oneroster.package import MAX_PACKAGE_BYTES
from atpace.interop.oneroster.reader import read_roster
from atpace.interop.oneroster.records import (
    AcademicSession,
    Class,
    Course,
    Demographics,
    Enrollment,
    Issue,
    Org,
    RosterFile,
    UnresolvedRef,
    User,
    UserRole,
    choose_role,
)
from atpace.interop.oneroster.spec import ATPACE_ROLES, ENROLLMENT_ATPACE_ROLES, AtpaceRole, Mode, Status

__all__ = [
    "ATPACE_ROLES",
    "ENROLLMENT_ATPACE_ROLES",
    "MAX_PACKAGE_BYTES",
    "AcademicSession",
    "AtpaceRole",
    "Class",
    "Course",
    "Demographics",
    "Enrollment",
    "Issue",
    "Mode",
    "Org",
    "RosterFile",
    "Status",
    "UnresolvedRef",
    "User",
    "UserRole",
    "choose_role",
    "read_roster",
]
