"""Request and response models of the school administration API (classes, users, rosters, join codes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from atpace.services import limits
from atpace.web.api.schemas import Request
from atpace.web.inputs import MAX_ID


class ErrorOut(BaseModel):
    detail: str = Field(description="what went wrong, as a sentence to show")
    field: str | None = Field(default=None, description="the input at fault, when one is")


class ProblemOut(BaseModel):
    line: int = Field(description="line of the CSV file (1 is the header)")
    column: str = Field(description="the column's name, or empty for the whole row")
    message: str


class CsvErrorOut(ErrorOut):
    problems: list[ProblemOut] = Field(description="every problem of the file; nothing was written")


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI declarations of the error answers a route gives (the body is always ``ErrorOut``)."""
    words = {
        401: "not signed in", 403: "signed in, but not allowed (another school's rows are 404)",
        404: "no such row in your school", 409: "clashes with what is stored (the detail says what)",
        422: "invalid input; `field` names it", 429: "too many failed tries; see Retry-After",
    }  # fmt: skip
    return {code: {"model": ErrorOut, "description": words[code]} for code in codes}


STAFF_ERRORS = errors(401, 403, 404, 409, 422)


# Classes


class ClassCreateRequest(Request):
    name: str = Field(min_length=1, max_length=limits.NAME_MAX)
    course_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="the course the class uses")
    teacher_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="its first teacher")


class ClassNameRequest(Request):
    name: str = Field(min_length=1, max_length=limits.NAME_MAX)


class ClassCourseRequest(Request):
    course_id: int = Field(ge=1, le=MAX_ID)


class TeacherRoleRequest(Request):
    role: Literal["teacher", "co-teacher"] = Field(
        default="teacher", description="both see and manage the class; the teacher leads it"
    )


class TeacherOut(BaseModel):
    id: int
    display_name: str
    email: str
    role: str
    is_active: bool


class CourseOptionOut(BaseModel):
    id: int
    title: str
    grades: str


class ClassRowOut(BaseModel):
    id: int
    name: str
    course_id: int | None
    course_title: str | None
    teachers: list[str]
    student_count: int = Field(description="active students")
    archived_at: datetime | None
    created_at: datetime | None


class ClassDetailOut(BaseModel):
    id: int
    name: str
    course_id: int | None
    course_title: str | None
    archived_at: datetime | None
    join_code: str | None
    teachers: list[TeacherOut]
    student_count: int
    practised_count: int = Field(description="students with progress in the current course")


class CourseChangeOut(BaseModel):
    class_id: int
    course_id: int
    previous_course_id: int | None
    practised_count: int = Field(
        description="students who had practised in the previous course: their mastery per skill is kept"
    )


class TeacherSetOut(BaseModel):
    class_id: int
    user_id: int
    role: str
    added: bool = Field(description="false when they already taught the class (the role was updated)")


# Users


class UserCreateRequest(Request):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)  # a password keeps its spaces

    email: str = Field(min_length=3, max_length=limits.EMAIL_MAX)
    display_name: str = Field(min_length=1, max_length=limits.NAME_MAX)
    role: Literal["student", "teacher", "admin"]
    password: str | None = Field(
        default=None, max_length=limits.PASSWORD_MAX,
        description="leave out to get a one-time first-sign-in link for the user instead",
    )  # fmt: skip
    class_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="a class to add them to")


class UserUpdateRequest(Request):
    email: str = Field(min_length=3, max_length=limits.EMAIL_MAX)
    display_name: str = Field(min_length=1, max_length=limits.NAME_MAX)


class UserOut(BaseModel):
    id: int
    email: str
    display_name: str
    role: str
    is_active: bool
    has_password: bool = Field(description="false: signs in with a link until they choose a password")
    created_at: datetime
    deactivated_at: datetime | None


class UserListOut(BaseModel):
    users: list[UserOut]
    total: int
    limit: int
    offset: int


class MembershipOut(BaseModel):
    class_id: int
    class_name: str
    role: str = Field(description="student, teacher or co-teacher")
    archived: bool


class UserDetailOut(BaseModel):
    user: UserOut
    classes: list[MembershipOut]
    attempts: int


class SignInLinkOut(BaseModel):
    user_id: int
    email: str
    url: str = Field(description="the one-time link: shown once, hand it to the user")
    expires_at: datetime


class UserCreatedOut(BaseModel):
    user: UserOut
    class_name: str | None
    sign_in_link: SignInLinkOut | None = Field(description="when created without a password")


class UsersCsvRequest(Request):
    csv: str = Field(min_length=1, max_length=limits.CSV_MAX_BYTES, description="the CSV file's text")


class ImportedUserOut(BaseModel):
    line: int
    user_id: int | None
    email: str
    display_name: str
    role: str
    status: Literal["created", "existing"]
    class_name: str | None
    added_to_class: bool
    sign_in_link: SignInLinkOut | None


class ImportOut(BaseModel):
    dry_run: bool
    created: int
    existing: int
    added_to_class: int
    users: list[ImportedUserOut]


# Rosters and join codes


class RosterStudentOut(BaseModel):
    id: int
    display_name: str
    email: str
    is_active: bool
    has_password: bool
    enrolled_at: datetime | None
    attempts: int


class RosterOut(BaseModel):
    class_id: int
    class_name: str
    course_title: str | None
    archived_at: datetime | None
    join_code: str | None = Field(description="students join with it (POST /api/classes/join); null: off")
    teachers: list[TeacherOut]
    students: list[RosterStudentOut]
    inactive_count: int = Field(
        description="deactivated students left out (include_inactive=true shows them)"
    )


class RosterAddRequest(Request):
    email: str = Field(min_length=3, max_length=limits.EMAIL_MAX, description="an existing student's e-mail")


class RosterAddOut(BaseModel):
    student_id: int
    display_name: str
    added: bool = Field(description="false when the student already was in the class")


class JoinCodeOut(BaseModel):
    class_id: int
    join_code: str = Field(description="8 characters; shown as ABCD-EFGH, typed with or without the dash")


class JoinRequest(Request):
    code: str = Field(min_length=1, max_length=limits.JOIN_CODE_MAX)


class JoinOut(BaseModel):
    class_id: int
    class_name: str
    already: bool = Field(description="true when the student already was in the class")


# Sign-in links


class SignInLinkUserOut(BaseModel):
    display_name: str
    email: str


class ChoosePasswordRequest(Request):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)  # a password keeps its spaces

    password: str = Field(min_length=1, max_length=limits.PASSWORD_MAX)
    token_name: str = Field(default="api", max_length=limits.NAME_MAX)
