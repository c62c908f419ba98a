"""Assignments: practice to mastery, open tasks and projects, their submissions, extensions and feedback.

The web imports what it needs from here (it never reaches the store): setting work (``authoring``),
where each student stands (``status``), handing work in and reading files (``submissions``) and
practice that completes itself (``completion``). Rules: docs/assignments.md.
"""

from atpace.services.assignments.authoring import (
    AssignmentChanges,
    AssignmentDetail,
    AssignmentFormOptions,
    AssignmentInput,
    AssignmentSummary,
    AssignmentView,
    CheckpointInput,
    CheckpointView,
    ClassAssignments,
    ExtensionView,
    StudentStatus,
    WorkCounts,
    archive_assignment,
    assignment_detail,
    class_assignments,
    create_assignment,
    form_options,
    set_extension,
    update_assignment,
)
from atpace.services.assignments.common import KIND_LABELS, KINDS, TARGETS
from atpace.services.assignments.dates import STATE_LABELS, WorkState
from atpace.services.assignments.status import WorkLine, class_work, recipients, student_work
from atpace.services.assignments.submissions import (
    FileView,
    SkillMastery,
    StepView,
    SubmissionView,
    Upload,
    WorkDetail,
    list_submissions,
    my_work,
    read_file,
    submit,
    work_detail,
)

__all__ = [
    "KINDS", "KIND_LABELS", "STATE_LABELS", "TARGETS", "AssignmentChanges", "AssignmentDetail",
    "AssignmentFormOptions", "AssignmentInput", "AssignmentSummary", "AssignmentView", "CheckpointInput",
    "CheckpointView", "ClassAssignments", "ExtensionView", "FileView", "SkillMastery", "StepView",
    "StudentStatus", "SubmissionView", "Upload", "WorkCounts", "WorkDetail", "WorkLine", "WorkState",
    "archive_assignment", "assignment_detail", "class_assignments", "class_work", "create_assignment",
    "form_options", "list_submissions", "my_work", "read_file", "recipients", "set_extension",
    "student_work", "submit", "update_assignment", "work_detail",
]  # fmt: skip
