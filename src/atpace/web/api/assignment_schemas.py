"""Request and response models of the assignments API (work, submissions, extensions, files)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field, computed_field

from atpace.services import assignments, limits
from atpace.web.api.schemas import Request
from atpace.web.inputs import MAX_ID


class CheckpointIn(Request):
    title: str = Field(max_length=limits.TITLE_MAX)
    description: str = Field(default="", max_length=limits.TEXT_MAX)
    due_at: AwareDatetime | None = None


class AssignmentCreate(Request):
    kind: Literal["practice", "task", "project"]
    title: str = Field(max_length=limits.TITLE_MAX)
    instructions: str = Field(default="", max_length=limits.TEXT_MAX)
    target: Literal["class", "group", "students"] = Field(
        default="class",
        description="the whole class (students who join later too), a saved group, or students",
    )
    group_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="target group: a saved group")
    student_ids: list[int] = Field(default_factory=list, max_length=200, description="target students")
    skill_keys: list[str] = Field(
        default_factory=list, max_length=60, description="practice: skills of the class's course to master"
    )
    rubric_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="task or project: a school rubric"
    )
    accepts_text: bool = True
    accepts_files: bool = False
    open_at: AwareDatetime | None = Field(default=None, description="default: now")
    due_at: AwareDatetime | None = None
    checkpoints: list[CheckpointIn] = Field(default_factory=list, max_length=20, description="project steps")

    def to_input(self) -> assignments.AssignmentInput:
        return assignments.AssignmentInput(
            kind=self.kind, title=self.title, instructions=self.instructions, target=self.target,
            group_id=self.group_id, student_ids=tuple(self.student_ids), skill_keys=tuple(self.skill_keys),
            rubric_id=self.rubric_id, accepts_text=self.accepts_text, accepts_files=self.accepts_files,
            open_at=self.open_at, due_at=self.due_at,
            checkpoints=tuple(
                assignments.CheckpointInput(c.title, c.description, c.due_at) for c in self.checkpoints
            ),
        )  # fmt: skip


class AssignmentUpdate(Request):
    title: str | None = Field(default=None, max_length=limits.TITLE_MAX)
    instructions: str | None = Field(default=None, max_length=limits.TEXT_MAX)
    open_at: AwareDatetime | None = None
    due_at: AwareDatetime | None = Field(default=None, description="null removes the due date")

    def to_changes(self) -> assignments.AssignmentChanges:
        return assignments.AssignmentChanges(
            title=self.title, instructions=self.instructions, open_at=self.open_at, due_at=self.due_at,
            clear_due="due_at" in self.model_fields_set and self.due_at is None,
        )  # fmt: skip


class ExtensionIn(Request):
    due_at: AwareDatetime = Field(description="the student's new due date, after the assignment's")
    reason: str = Field(min_length=1, max_length=limits.REASON_MAX)


class SkillOut(BaseModel):
    key: str
    name: str


class CheckpointOut(BaseModel):
    position: int = Field(description="the step a submission names (the final work is step 0)")
    title: str
    description: str
    due_at: datetime | None


class AssignmentOut(BaseModel):
    id: int
    class_id: int
    class_name: str
    kind: str
    kind_label: str
    title: str
    instructions: str
    target: str
    target_label: str
    group_id: int | None
    skills: list[SkillOut]
    rubric_id: int | None
    rubric_title: str | None
    accepts_text: bool
    accepts_files: bool
    open_at: datetime
    due_at: datetime | None
    created_at: datetime
    archived: bool
    checkpoints: list[CheckpointOut]
    recipient_count: int


class CountsOut(BaseModel):
    recipients: int
    submitted: int = Field(description="students who handed something in")
    waiting: int = Field(description="newest submission waits for feedback")
    late: int = Field(description="newest submission was late")
    overdue: int = Field(description="nothing handed in and the due date has passed")
    complete: int = Field(description="practice completed, or feedback given")


class AssignmentSummaryOut(BaseModel):
    assignment: AssignmentOut
    counts: CountsOut


class ClassAssignmentsOut(BaseModel):
    class_id: int
    class_name: str
    open: list[AssignmentSummaryOut]
    archived: list[AssignmentOut]


class WorkLineOut(BaseModel):
    assignment_id: int
    assignment_title: str
    kind: str
    class_id: int
    student_id: int
    student_name: str
    state: str
    state_label: str
    due: datetime | None = Field(description="the student's due date, extension included")
    late: bool
    submission_id: int | None
    waiting_for_teacher: bool
    open_at: datetime | None
    extended: bool
    versions: int


class ExtensionOut(BaseModel):
    student_id: int
    due_at: datetime
    reason: str
    granted_at: datetime


class StudentStatusOut(BaseModel):
    line: WorkLineOut
    extension: ExtensionOut | None


class AssignmentDetailOut(BaseModel):
    assignment: AssignmentOut
    students: list[StudentStatusOut]
    counts: CountsOut


class FileOut(BaseModel):
    id: int
    name: str
    media_type: str
    size: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        """Where to download it (as an attachment)."""
        return f"/api/files/{self.id}"


class SubmissionOut(BaseModel):
    id: int
    assignment_id: int
    student_id: int
    student_name: str
    step: int
    version: int
    body: str
    submitted_at: datetime
    late: bool
    status: str
    files: list[FileOut]


class StepOut(BaseModel):
    step: int
    title: str
    description: str
    due: datetime | None
    state: str
    state_label: str
    submissions: list[SubmissionOut]


class SkillMasteryOut(BaseModel):
    key: str
    name: str
    mastery: float | None
    mastered: bool


class WorkDetailOut(BaseModel):
    assignment: AssignmentOut
    line: WorkLineOut
    steps: list[StepOut]
    skills: list[SkillMasteryOut]
    can_submit: bool
    not_open_message: str | None
    extension_reason: str | None


def submission_out(view: assignments.SubmissionView) -> SubmissionOut:
    return SubmissionOut.model_validate(view, from_attributes=True)
