"""Students hand in work; every version is kept; files are read only by who may see the work.

- A submission names its step: 0 is the task's (or the project's final) work, 1..n a project's
  checkpoints. Practice assignments take no submissions: they complete themselves on mastery.
- Before the open date a student cannot submit (409). After their effective due date (their extension,
  else the due date of the step) the work is accepted and stored with ``late=True``: never refused.
- A resubmission adds the next version (max + 1 for the assignment, student and step). The student's row
  is locked first (``evidence.lock_student``), so two submissions at once get versions 1 and 2.
- Files are checked by content (``services.files.check_upload``) before anything is stored: one refused
  file refuses the whole submission, and nothing is kept (no submission, no file row, no file on disk).
- A file is served to the student who submitted it, the teachers and co-teachers of the assignment's
  class and the school's admins; another school's file is missing (404), anyone else is refused (403).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from atpace.engine import policy
from atpace.errors import Conflict, Forbidden, InvalidInput, NotFound
from atpace.services import limits, xapi
from atpace.services.access import require_student
from atpace.services.assignments.authoring import AssignmentView, assignment_view
from atpace.services.assignments.common import checkpoints_of, viewer_assignment
from atpace.services.assignments.dates import (
    STATE_LABELS,
    LatestWork,
    WorkState,
    effective_due,
    is_late,
    work_state,
)
from atpace.services.assignments.status import WorkLine, student_work, work_lines
from atpace.services.auth import Actor
from atpace.services.evidence import lock_student
from atpace.services.files import CheckedUpload, FileStore, check_upload
from atpace.store.tables import (
    Assignment,
    AssignmentExtension,
    Classroom,
    ClassTeacher,
    LearnerState,
    Role,
    Skill,
    StoredFile,
    StrategyMaterial,
    Submission,
    SubmissionFile,
    User,
    utcnow,
)


@dataclass(frozen=True)
class Upload:
    """A file as the web received it (checked here, by content)."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class FileView:
    id: int
    name: str
    media_type: str
    size: int


@dataclass(frozen=True)
class SubmissionView:
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
    files: list[FileView]


@dataclass(frozen=True)
class StepView:
    step: int  # 0: the final work; 1..n: checkpoints
    title: str
    description: str
    due: datetime | None  # effective, extension included
    state: WorkState
    state_label: str
    submissions: list[SubmissionView]  # newest first


@dataclass(frozen=True)
class SkillMastery:
    key: str
    name: str
    mastery: float | None
    mastered: bool


@dataclass(frozen=True)
class WorkDetail:
    assignment: AssignmentView
    line: WorkLine
    steps: list[StepView]
    skills: list[SkillMastery]  # practice
    can_submit: bool
    not_open_message: str | None
    extension_reason: str | None


def _clean_body(assignment: Assignment, body: str, uploads: Sequence[Upload]) -> str:
    if len(body) > limits.TEXT_MAX:
        raise InvalidInput("body", f"the answer is longer than {limits.TEXT_MAX} characters")
    body = body.strip()
    if body and not assignment.accepts_text:
        raise InvalidInput("body", "this work takes files only: attach your work as a file")
    if uploads and not assignment.accepts_files:
        raise InvalidInput("files", "this work takes a written answer only, no files")
    if not body and not uploads:
        what = "write your answer" if assignment.accepts_text else "attach a file"
        if assignment.accepts_text and assignment.accepts_files:
            what = "write your answer or attach a file"
        raise InvalidInput("body" if assignment.accepts_text else "files", f"nothing to hand in: {what}")
    return body


def check_uploads(uploads: Sequence[Upload]) -> list[CheckedUpload]:
    if len(uploads) > limits.UPLOADS_PER_SUBMISSION:
        raise InvalidInput("files", f"attach at most {limits.UPLOADS_PER_SUBMISSION} files")
    return [check_upload(u.filename, u.data, "files") for u in uploads]


def submit(
    session: Session,
    actor: Actor,
    files: FileStore,
    assignment_id: int,
    body: str,
    uploads: Sequence[Upload] = (),
    step: int = 0,
    *,
    now: datetime | None = None,
) -> SubmissionView:
    """Hand in a version of the actor's work on one step of an assignment."""
    assignment = viewer_assignment(session, actor, assignment_id)  # another school's: 404 to anyone
    student = require_student(session, actor, "hand in their own work")
    moment = now or utcnow()
    if assignment.archived_at is not None:
        raise Conflict("this work has been archived by your teacher: it takes no more submissions")
    if assignment.kind == "practice":
        raise Conflict(
            "practice to mastery completes itself when you master its skills: practise at /practice"
        )
    checkpoints = {c.position: c for c in checkpoints_of(session, [assignment.id]).get(assignment.id, [])}
    if step != 0 and step not in checkpoints:
        steps = "0 (the final work)" + "".join(f", {p}" for p in checkpoints)
        raise InvalidInput("step", f"step must be one of {steps}")
    if moment < assignment.open_at:
        raise Conflict(
            f"this work opens on {assignment.open_at:%d %b %Y at %H:%M} UTC: you can hand it in from then",
            field="open_at",
        )
    text = _clean_body(assignment, body, uploads)
    checked = check_uploads(uploads)  # every file is checked before anything is stored
    extension = session.get(AssignmentExtension, (assignment.id, student.id))
    step_due = checkpoints[step].due_at if step else assignment.due_at
    due = effective_due(step_due, extension.due_at if extension else None)
    lock_student(session, student.id)  # one submission of this student at a time: versions never collide
    newest = session.scalar(
        select(func.max(Submission.version)).where(
            Submission.assignment_id == assignment.id,
            Submission.student_id == student.id,
            Submission.step == step,
        )
    )
    submission = Submission(
        school_id=assignment.school_id, assignment_id=assignment.id, student_id=student.id, step=step,
        version=(newest or 0) + 1, body=text, submitted_at=moment, late=is_late(moment, due), status="submitted",
    )  # fmt: skip
    session.add(submission)
    session.flush()
    stored = [files.save(session, assignment.school_id, student.id, upload) for upload in checked]
    session.add_all(SubmissionFile(submission_id=submission.id, file_id=row.id) for row in stored)
    session.flush()
    xapi.work_submitted(session, assignment, submission)  # the outbox, when the school has an LRS
    return _views(session, [submission])[0]


def _views(session: Session, submissions: Sequence[Submission]) -> list[SubmissionView]:
    ids = [s.id for s in submissions]
    files: dict[int, list[FileView]] = {}
    if ids:
        for submission_id, row in session.execute(
            select(SubmissionFile.submission_id, StoredFile)
            .join(StoredFile, StoredFile.id == SubmissionFile.file_id)
            .where(SubmissionFile.submission_id.in_(ids))
            .order_by(StoredFile.id)
        ):
            files.setdefault(submission_id, []).append(FileView(row.id, row.name, row.media_type, row.size))
    names: dict[int, str] = {}
    student_ids = {s.student_id for s in submissions}
    if student_ids:
        names = dict(
            session.execute(select(User.id, User.display_name).where(User.id.in_(student_ids))).all()
        )
    return [
        SubmissionView(
            s.id,
            s.assignment_id,
            s.student_id,
            names.get(s.student_id, ""),
            s.step,
            s.version,
            s.body,
            s.submitted_at,
            s.late,
            s.status,
            files.get(s.id, []),
        )
        for s in submissions
    ]


def list_submissions(
    session: Session, actor: Actor, assignment_id: int, student_id: int | None = None
) -> list[SubmissionView]:
    """Every version of the assignment's work: all students' for its staff, their own for a student;
    oldest first."""
    assignment = viewer_assignment(session, actor, assignment_id)
    query = select(Submission).where(Submission.assignment_id == assignment.id)
    if actor.role == Role.STUDENT:
        if student_id is not None and student_id != actor.user_id:
            raise Forbidden("you may only see your own work")
        student_id = actor.user_id
    if student_id is not None:
        query = query.where(Submission.student_id == student_id)
    rows = session.scalars(
        query.order_by(Submission.student_id, Submission.step, Submission.version, Submission.id)
    ).all()
    return _views(session, rows)


def my_work(session: Session, actor: Actor, *, now: datetime | None = None) -> list[WorkLine]:
    """The acting student's assignments, by due date (undated last)."""
    student = require_student(session, actor, "have a list of their own work")
    return student_work(session, student.id, now or utcnow())


def work_detail(
    session: Session, actor: Actor, assignment_id: int, *, now: datetime | None = None
) -> WorkDetail:
    """One assignment as its student sees it: instructions, steps with every version, skills (practice)."""
    assignment = viewer_assignment(session, actor, assignment_id)
    student = require_student(session, actor, "open their own work")
    if assignment.archived_at is not None:
        raise NotFound("this work was archived by your teacher")
    moment = now or utcnow()
    view = assignment_view(session, assignment)
    lines = work_lines(session, [assignment], moment, only_student=student.id)
    if not lines:
        raise Forbidden("this work was not given to you")
    extension = session.get(AssignmentExtension, (assignment.id, student.id))
    extended_to = extension.due_at if extension else None
    versions = list_submissions(session, actor, assignment.id)
    steps: list[StepView] = []
    if assignment.kind != "practice":
        plan = [(c.position, c.title, c.description, c.due_at) for c in view.checkpoints]
        final = ("Final work", "") if assignment.kind == "project" else ("Your work", "")
        for step, title, description, step_due in [*plan, (0, *final, assignment.due_at)]:
            mine = sorted((s for s in versions if s.step == step), key=lambda s: s.version, reverse=True)
            due = effective_due(step_due, extended_to)
            latest = LatestWork(mine[0].status, mine[0].late) if mine else None
            state = work_state(moment, assignment.open_at, due, latest)
            steps.append(StepView(step, title, description, due, state, STATE_LABELS[state], mine))
    skills = _skill_mastery(session, assignment, student.id) if assignment.kind == "practice" else []
    not_open = None
    if moment < assignment.open_at:
        not_open = (
            f"This work opens on {assignment.open_at:%d %b %Y at %H:%M} UTC: you can hand it in from then."
        )
    return WorkDetail(
        assignment=view, line=lines[0], steps=steps, skills=skills,
        can_submit=assignment.kind != "practice" and not_open is None, not_open_message=not_open,
        extension_reason=extension.reason if extension else None,
    )  # fmt: skip


def _skill_mastery(session: Session, assignment: Assignment, student_id: int) -> list[SkillMastery]:
    classroom = session.get(Classroom, assignment.class_id)
    if classroom is None or classroom.course is None:
        return []
    rule = policy.MasteryRule(classroom.course.mastery_threshold)
    rows = session.execute(
        select(Skill.key, Skill.name, LearnerState.p_learned)
        .outerjoin(
            LearnerState, (LearnerState.skill_id == Skill.id) & (LearnerState.student_id == student_id)
        )
        .where(Skill.course_id == classroom.course_id, Skill.key.in_(assignment.skill_keys))
    ).all()
    found = {key: (name, p) for key, name, p in rows}
    return [
        SkillMastery(
            key, found[key][0], found[key][1], found[key][1] is not None and rule.is_mastered(found[key][1])
        )
        for key in assignment.skill_keys
        if key in found
    ]


def read_file(session: Session, actor: Actor, files: FileStore, file_id: int) -> tuple[FileView, bytes]:
    """An uploaded file and its bytes, for who may read it (see the module's notes)."""
    row = session.get(StoredFile, file_id)
    if row is None or row.school_id != actor.school_id:
        raise NotFound(f"file {file_id} not found")
    if not _may_read(session, actor, row):
        raise Forbidden(
            "only the student who handed this file in, their teachers and administrators may open it"
        )
    return FileView(row.id, row.name, row.media_type, row.size), files.read(row)


def _may_read(session: Session, actor: Actor, row: StoredFile) -> bool:
    if actor.role == Role.ADMIN or row.uploaded_by_id == actor.user_id:
        return True
    submissions = session.execute(
        select(Submission.student_id, Assignment.class_id)
        .join(SubmissionFile, SubmissionFile.submission_id == Submission.id)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .where(SubmissionFile.file_id == row.id)
    ).all()
    if submissions:
        if actor.role == Role.STUDENT:
            return any(student_id == actor.user_id for student_id, _ in submissions)
        class_ids = {class_id for _, class_id in submissions}
        return bool(
            session.scalar(
                select(
                    exists().where(
                        ClassTeacher.user_id == actor.user_id, ClassTeacher.class_id.in_(class_ids)
                    )
                )
            )
        )
    # A strategy's material: shared with the school's staff.
    material = session.scalar(select(exists().where(StrategyMaterial.file_id == row.id)))
    if material:
        return actor.role == Role.TEACHER
    raise NotFound(f"file {row.id} not found")
