"""What the OneRoster 1.1 and 1.2 CSV bindings say about the files atpace reads.

Column lists follow the spec's order (1EdTech "OneRoster CSV Tables" 1.1 and "CSV Binding" 1.2): the reader
matches columns by name, so order is not enforced. ``required`` lists the columns whose header must exist
and whose value must be present (the spec's "Yes"); ``status`` and ``dateLastModified`` ("Yes for Delta")
are added for delta files by the reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Mode = Literal["bulk", "delta", "absent"]
Status = Literal["active", "tobedeleted"]
AtpaceRole = Literal["student", "teacher", "admin"]

VERSIONS: Final = ("1.1", "1.2")

# Tables atpace imports, in reading order (a table's references point to tables read before it).
TABLES: Final = (
    "orgs",
    "academicSessions",
    "courses",
    "classes",
    "users",
    "roles",
    "enrollments",
    "demographics",
)

# Files of the binding that atpace does not use: listed in a manifest they are skipped with a warning.
UNUSED_TABLES: Final = frozenset(
    {
        "categories",
        "classResources",
        "courseResources",
        "lineItems",
        "lineItemLearningObjectiveIds",
        "lineItemScoreScales",
        "resources",
        "results",
        "resultLearningObjectiveIds",
        "resultScoreScales",
        "scoreScales",
        "userProfiles",
        "userResources",
    }
)

COMMON: Final = ("sourcedId", "status", "dateLastModified")
EXTENSION_PREFIX: Final = "metadata."
VENDOR_TERM_PREFIX: Final = "ext:"  # how 1.2 extends an extensible vocabulary


@dataclass(frozen=True, slots=True)
class TableSpec:
    columns: tuple[str, ...]
    required: frozenset[str]


def _spec(columns: str, required: str) -> TableSpec:
    return TableSpec(COMMON + tuple(columns.split()), frozenset(("sourcedId", *required.split())))


_ORGS = _spec("name type identifier parentSourcedId", "name type")
_SESSIONS = _spec(
    "title type startDate endDate parentSourcedId schoolYear", "title type startDate endDate schoolYear"
)
_COURSES = _spec(
    "schoolYearSourcedId title courseCode grades orgSourcedId subjects subjectCodes", "title orgSourcedId"
)
_CLASSES = _spec(
    "title grades courseSourcedId classCode classType location schoolSourcedId termSourcedIds subjects"
    " subjectCodes periods",
    "title courseSourcedId classType schoolSourcedId termSourcedIds",
)
_ENROLLMENTS = _spec(
    "classSourcedId schoolSourcedId userSourcedId role primary beginDate endDate",
    "classSourcedId schoolSourcedId userSourcedId role",
)
DEMOGRAPHIC_FIELDS: Final = (
    "birthDate",
    "sex",
    "americanIndianOrAlaskaNative",
    "asian",
    "blackOrAfricanAmerican",
    "nativeHawaiianOrOtherPacificIslander",
    "white",
    "demographicRaceTwoOrMoreRaces",
    "hispanicOrLatinoEthnicity",
    "countryOfBirthCode",
    "stateOfBirthAbbreviation",
    "cityOfBirth",
    "publicSchoolResidenceStatus",
)
DEMOGRAPHIC_BOOLEANS: Final = frozenset(DEMOGRAPHIC_FIELDS[2:9])
_DEMOGRAPHICS = _spec(" ".join(DEMOGRAPHIC_FIELDS), "")
_USERS_11 = _spec(
    "enabledUser orgSourcedIds role username userIds givenName familyName middleName identifier email sms"
    " phone agentSourcedIds grades password",
    "enabledUser orgSourcedIds role username givenName familyName",
)
# resourceSourcedIds is in 1.2 and gone from the 1.2.1 correction of the binding: both layouts are read.
_USERS_12 = _spec(
    "enabledUser username userIds givenName familyName middleName identifier email sms phone agentSourcedIds"
    " grades password userMasterIdentifier resourceSourcedIds preferredGivenName preferredMiddleName"
    " preferredFamilyName primaryOrgSourcedId pronouns",
    "enabledUser username givenName familyName",
)
_ROLES = _spec(
    "userSourcedId roleType role beginDate endDate orgSourcedId userProfileSourcedId",
    "userSourcedId roleType role orgSourcedId",
)

TABLE_SPECS: Final[dict[tuple[str, str], TableSpec]] = {
    **{
        (table, version): spec
        for version in VERSIONS
        for table, spec in (
            ("orgs", _ORGS),
            ("academicSessions", _SESSIONS),
            ("courses", _COURSES),
            ("classes", _CLASSES),
            ("enrollments", _ENROLLMENTS),
            ("demographics", _DEMOGRAPHICS),
        )
    },
    ("users", "1.1"): _USERS_11,
    ("users", "1.2"): _USERS_12,
    ("roles", "1.2"): _ROLES,
}

# The 1.1 users.csv layout, kept for 1.2 packages that still carry role/orgSourcedIds and no roles.csv.
USERS_11_SPEC: Final = _USERS_11

STATUSES: Final = frozenset({"active", "tobedeleted"})
LEGACY_STATUSES: Final = {"inactive": "tobedeleted"}  # OneRoster 1.0's value, deprecated since 1.1
ORG_TYPES: Final = frozenset({"department", "school", "district", "local", "state", "national"})
SESSION_TYPES: Final = frozenset({"gradingPeriod", "semester", "schoolYear", "term"})
CLASS_TYPES: Final = frozenset({"homeroom", "scheduled"})
ENROLLMENT_ROLES: Final = frozenset({"administrator", "proctor", "student", "teacher"})
# 1.1 users.csv roles and 1.2 roles.csv roles; a value of either version is accepted in both.
USER_ROLES: Final = frozenset(
    {
        "administrator",
        "aide",
        "guardian",
        "parent",
        "proctor",
        "relative",
        "student",
        "teacher",
        "counselor",
        "districtAdministrator",
        "principal",
        "siteAdministrator",
        "systemAdministrator",
    }
)
ROLE_TYPES: Final = frozenset({"primary", "secondary"})
SEXES: Final = frozenset({"male", "female", "unspecified", "other"})
BOOLEANS: Final = frozenset({"true", "false"})

# The roles atpace has. District and system administrators are not made school admins: an admin account
# is created by hand (`atpace users create --role admin`) where that is wanted.
ATPACE_ROLES: Final[dict[str, AtpaceRole]] = {
    "student": "student",
    "teacher": "teacher",
    "administrator": "admin",
    "siteAdministrator": "admin",
}
ENROLLMENT_ATPACE_ROLES: Final[dict[str, AtpaceRole]] = {"student": "student", "teacher": "teacher"}
