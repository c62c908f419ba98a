"""Setting work: a teacher creates an assignment for a class, a saved group or named students, edits its
title, instructions and dates, archives it, and gives one student a later due date.

Rules (docs/assignments.md):
- kinds: "practice" (skills of the class's course to master), "task" (instructions, a written answer
  and/or files, an optional rubric of the school) and "project" (ordered checkpoints with their own due
  dates; the final submission is step 0, checkpoints are steps 1..n);
- the open date defaults to now; a due date is optional and never before the open date; a checkpoint's
  date lies between the open date and the final due date;
- a class target covers the students who join the class later; a group's members are copied when the
  work is assigned (the group may change or be dissolved afterwards); named students must be in the class;
- each recipient gets a message ("assigned") linking to /work/{id}.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from atpace.engine import policy
from atpace.errors import Conflict, InvalidInput, NotFound
from atpace.services import limits, messages
from atpace.services.access import class_course, get_class
from atpace.services.assignments.common import (
    CHECKPOINTS_MAX,
    KIND_LABELS,
    KINDS,
    SKILLS_MAX,
    STUDENTS_MAX,
    TARGETS,
    aware,
    checkpoints_of,
    class_students,
    named_recipients,
    recipients,
    staff_assignment,
)
from atpace.services.assignments.dates import check_extension
from atpace.services.assignments.status import WorkLine, class_work, work_lines
from atpace.services.auth import Actor
from atpace.services.courses import load_graph
from atpace.store.tables import (
    Assignment,
    AssignmentCheckpoint,
    AssignmentCompletion,
    AssignmentExtension,
    AssignmentRecipient,
    Classroom,
    LearnerState,
    Rubric,
    Skill,
    StudentGroup,
    StudentGroupMember,
    utcnow,
)


@dataclass(frozen=True)
class CheckpointInput:
    title: str
    description: str = ""
    due_at: datetime | None = None


@dataclass(frozen=True)
class AssignmentInput:
    kind: str
    title: str
    instructions: str = ""
    target: str = "class"  # class, group or students
    group_id: int | None = None
    student_ids: tuple[int, ...] = ()
    skill_keys: tuple[str, ...] = ()  # practice
    rubric_id: int | None = None  # task or project
    accepts_text: bool = True
    accepts_files: bool = False
    open_at: datetime | None = None  # None: now
    due_at: datetime | None = None
    checkpoints: tuple[CheckpointInput, ...] = ()  # project


@dataclass(frozen=True)
class AssignmentChanges:
    """What a teacher edits; None leaves a field as it is (``clear_due`` removes the due date)."""

    title: str | None = None
    instructions: str | None = None
    open_at: datetime | None = None
    due_at: datetime | None = None
    clear_due: bool = False


@dataclass(frozen=True)
class CheckpointView:
    position: int
    title: str
    description: str
    due_at: datetime | None


@dataclass(frozen=True)
class SkillRef:
    key: str
    name: str


@dataclass(frozen=True)
class AssignmentView:
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
    skills: list[SkillRef]
    rubric_id: int | None
    rubric_title: str | None
    accepts_text: bool
    accepts_files: bool
    open_at: datetime
    due_at: datetime | None
    created_at: datetime
    archived: bool
    checkpoints: list[CheckpointView]
    recipient_count: int

    @property
    def skill_keys(self) -> list[str]:
        return [s.key for s in self.skills]


@dataclass(frozen=True)
class WorkCounts:
    recipients: int = 0
    submitted: int = 0  # students who handed something in
    waiting: int = 0  # newest submission waits for feedback
    late: int = 0  # newest submission was late
    overdue: int = 0  # nothing handed in and the due date has passed
    complete: int = 0  # practice completed, or feedback given (graded)


@dataclass(frozen=True)
class AssignmentSummary:
    assignment: AssignmentView
    counts: WorkCounts


@dataclass(frozen=True)
class ClassAssignments:
    class_id: int
    class_name: str
    open: list[AssignmentSummary]
    archived: list[AssignmentView]


@dataclass(frozen=True)
class ExtensionView:
    student_id: int
    due_at: datetime
    reason: str
    granted_at: datetime


@dataclass(frozen=True)
class StudentStatus:
    line: WorkLine
    extension: ExtensionView | None


@dataclass(frozen=True)
class AssignmentDetail:
    assignment: AssignmentView
    students: list[StudentStatus]
    counts: WorkCounts


@dataclass(frozen=True)
class Choice:
    id: int
    name: str
    detail: str = ""


@dataclass(frozen=True)
class AssignmentFormOptions:
    class_id: int
    class_name: str
    skills: list[SkillRef]
    groups: list[Choice]
    rubrics: list[Choice]
    students: list[Choice]
    kinds: dict[str, str] = field(default_factory=lambda: dict(KIND_LABELS))


# --- creating --------------------------------------------------------------------------------------------


def create_assignment(
    session: Session, actor: Actor, class_id: int, data: AssignmentInput, *, now: datetime | None = None
) -> AssignmentView:
    classroom = get_class(session, actor, class_id)
    if classroom.archived_at is not None:
        raise Conflict(f"{classroom.name} is archived: its work can no longer change")
    moment = now or utcnow()
    title, instructions = _title(data.title), _instructions(data.instructions)
    if data.kind not in KINDS:
        raise InvalidInput("kind", f"kind must be one of {', '.join(KINDS)}")
    open_at = aware(data.open_at, "open_at") or moment
    due_at = aware(data.due_at, "due_at")
    _check_dates(open_at, due_at)
    skill_keys = _skill_keys(session, classroom, data) if data.kind == "practice" else []
    if data.kind != "practice" and data.skill_keys:
        raise InvalidInput("skill_keys", "only practice assignments name skills to master")
    rubric_id = _rubric(session, actor, data)
    accepts_text, accepts_files = data.accepts_text, data.accepts_files
    if data.kind == "practice":
        accepts_text = accepts_files = False
    elif not (accepts_text or accepts_files):
        raise InvalidInput("accepts_text", "accept a written answer, files, or both")
    checkpoints = _checkpoints(data, open_at, due_at)
    chosen = _recipients(session, classroom, data)
    assignment = Assignment(
        school_id=classroom.school_id, class_id=classroom.id, kind=data.kind, title=title,
        instructions=instructions, skill_keys=skill_keys, rubric_id=rubric_id, accepts_text=accepts_text,
        accepts_files=accepts_files, target=data.target,
        group_id=data.group_id if data.target == "group" else None, open_at=open_at, due_at=due_at,
        created_by_id=actor.user_id, created_at=moment,
    )  # fmt: skip
    session.add(assignment)
    session.flush()
    if data.target != "class":
        session.add_all(AssignmentRecipient(assignment_id=assignment.id, student_id=sid) for sid in chosen)
    session.add_all(
        AssignmentCheckpoint(
            assignment_id=assignment.id,
            position=position,
            title=c.title.strip(),
            description=c.description.strip(),
            due_at=c.due_at,
        )
        for position, c in enumerate(checkpoints, start=1)
    )
    session.flush()
    if data.kind == "practice":
        _complete_already_mastered(session, classroom, assignment, chosen, moment)
    when = f"; due {due_at:%d %b %Y, %H:%M} UTC" if due_at else ""
    opens = f"; opens {open_at:%d %b %Y, %H:%M} UTC" if open_at > moment else ""
    for student_id in chosen:
        messages.notify(
            session, school_id=classroom.school_id, recipient_id=student_id, author_id=actor.user_id,
            kind="assigned", subject=f"New work: {title}",
            body=f"{KIND_LABELS[data.kind]} for {classroom.name}{opens}{when}.",
            link=f"/work/{assignment.id}", assignment_id=assignment.id,
        )  # fmt: skip
    return assignment_view(session, assignment)


def _title(title: str) -> str:
    title = title.strip()
    if not title:
        raise InvalidInput("title", "give the work a title")
    if len(title) > limits.TITLE_MAX:
        raise InvalidInput("title", f"the title is longer than {limits.TITLE_MAX} characters")
    return title


def _instructions(text: str) -> str:
    if len(text) > limits.TEXT_MAX:
        raise InvalidInput("instructions", f"the instructions are longer than {limits.TEXT_MAX} characters")
    return text.strip()


def _check_dates(open_at: datetime, due_at: datetime | None) -> None:
    if due_at is not None and due_at < open_at:
        raise InvalidInput("due_at", "the due date must not be before the open date")


def _skill_keys(session: Session, classroom: Classroom, data: AssignmentInput) -> list[str]:
    course = class_course(classroom)
    keys = list(dict.fromkeys(k.strip() for k in data.skill_keys if k.strip()))
    if not keys:
        raise InvalidInput("skill_keys", "choose at least one skill to master")
    if len(keys) > SKILLS_MAX:
        raise InvalidInput("skill_keys", f"choose at most {SKILLS_MAX} skills")
    known = set(session.scalars(select(Skill.key).where(Skill.course_id == course.id, Skill.key.in_(keys))))
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise InvalidInput("skill_keys", f"no skill {unknown[0]!r} in {course.title}")
    return keys


def _rubric(session: Session, actor: Actor, data: AssignmentInput) -> int | None:
    if data.rubric_id is None:
        return None
    if data.kind == "practice":
        raise InvalidInput(
            "rubric_id", "practice to mastery has no rubric: the skills' mastery is the measure"
        )
    rubric = session.get(Rubric, data.rubric_id)
    if rubric is None or rubric.school_id != actor.school_id:
        raise InvalidInput("rubric_id", f"no rubric {data.rubric_id} in your school")
    if rubric.archived_at is not None:
        raise InvalidInput("rubric_id", f"the rubric {rubric.title!r} is archived")
    return rubric.id


def _checkpoints(data: AssignmentInput, open_at: datetime, due_at: datetime | None) -> list[CheckpointInput]:
    if data.kind != "project":
        if data.checkpoints:
            raise InvalidInput("checkpoints", "only projects have checkpoints")
        return []
    if not data.checkpoints:
        raise InvalidInput("checkpoints", "a project needs at least one checkpoint")
    if len(data.checkpoints) > CHECKPOINTS_MAX:
        raise InvalidInput("checkpoints", f"a project has at most {CHECKPOINTS_MAX} checkpoints")
    previous: datetime | None = None
    for number, checkpoint in enumerate(data.checkpoints):
        where = f"checkpoints.{number}"
        title = checkpoint.title.strip()
        if not title:
            raise InvalidInput(f"{where}.title", f"give checkpoint {number + 1} a title")
        if len(title) > limits.TITLE_MAX:
            raise InvalidInput(f"{where}.title", f"the title is longer than {limits.TITLE_MAX} characters")
        if len(checkpoint.description) > limits.TEXT_MAX:
            raise InvalidInput(
                f"{where}.description", f"the description is longer than {limits.TEXT_MAX} characters"
            )
        due = aware(checkpoint.due_at, f"{where}.due_at")
        if due is None:
            continue
        if due < open_at:
            raise InvalidInput(f"{where}.due_at", f"checkpoint {number + 1} is due before the work opens")
        if due_at is not None and due > due_at:
            raise InvalidInput(f"{where}.due_at", f"checkpoint {number + 1} is due after the final due date")
        if previous is not None and due < previous:
            raise InvalidInput(f"{where}.due_at", f"checkpoint {number + 1} is due before the one above it")
        previous = due
    return list(data.checkpoints)


def _recipients(session: Session, classroom: Classroom, data: AssignmentInput) -> list[int]:
    if data.target not in TARGETS:
        raise InvalidInput("target", f"target must be one of {', '.join(TARGETS)}")
    enrolled = [sid for sid, _ in class_students(session, [classroom.id])[classroom.id]]
    if data.target == "class":
        if data.group_id is not None or data.student_ids:
            raise InvalidInput("target", "a class target names no group or students")
        return enrolled
    if data.target == "group":
        if data.group_id is None:
            raise InvalidInput("group_id", "choose a group")
        group = session.get(StudentGroup, data.group_id)
        if group is None or group.class_id != classroom.id or group.school_id != classroom.school_id:
            raise InvalidInput("group_id", f"no group {data.group_id} in {classroom.name}")
        if group.dissolved_at is not None:
            raise InvalidInput("group_id", f"the group {group.name!r} was dissolved")
        members = set(
            session.scalars(
                select(StudentGroupMember.student_id).where(StudentGroupMember.group_id == group.id)
            )
        )
        chosen = [sid for sid in enrolled if sid in members]
        if not chosen:
            raise InvalidInput("group_id", f"the group {group.name!r} has no students of the class")
        return chosen
    wanted = list(dict.fromkeys(data.student_ids))
    if not wanted:
        raise InvalidInput("student_ids", "choose at least one student")
    if len(wanted) > STUDENTS_MAX:
        raise InvalidInput("student_ids", f"choose at most {STUDENTS_MAX} students")
    missing = [sid for sid in wanted if sid not in set(enrolled)]
    if missing:
        raise InvalidInput("student_ids", f"student {missing[0]} is not in {classroom.name}")
    return [sid for sid in enrolled if sid in set(wanted)]


def _complete_already_mastered(
    session: Session, classroom: Classroom, assignment: Assignment, students: list[int], moment: datetime
) -> None:
    """Practice on skills a student has already mastered is complete for them from the start."""
    if not students:
        return
    course = class_course(classroom)
    rule = policy.MasteryRule(course.mastery_threshold)
    graph = load_graph(session, course)
    skill_ids = [graph.skills[k].id for k in assignment.skill_keys]
    mastered: dict[int, int] = {}
    for student_id, p in session.execute(
        select(LearnerState.student_id, LearnerState.p_learned).where(
            LearnerState.student_id.in_(students), LearnerState.skill_id.in_(skill_ids)
        )
    ):
        if rule.is_mastered(p):
            mastered[student_id] = mastered.get(student_id, 0) + 1
    session.add_all(
        AssignmentCompletion(assignment_id=assignment.id, student_id=sid, completed_at=moment)
        for sid, count in mastered.items()
        if count == len(skill_ids)
    )
    session.flush()


# --- editing ---------------------------------------------------------------------------------------------


def update_assignment(
    session: Session, actor: Actor, assignment_id: int, changes: AssignmentChanges
) -> AssignmentView:
    assignment = staff_assignment(session, actor, assignment_id)
    if assignment.archived_at is not None:
        raise Conflict("this assignment is archived: it can no longer change")
    if changes.title is not None:
        assignment.title = _title(changes.title)
    if changes.instructions is not None:
        assignment.instructions = _instructions(changes.instructions)
    open_at = aware(changes.open_at, "open_at") or assignment.open_at
    due_at = None if changes.clear_due else (aware(changes.due_at, "due_at") or assignment.due_at)
    _check_dates(open_at, due_at)
    for checkpoint in checkpoints_of(session, [assignment.id]).get(assignment.id, []):
        if checkpoint.due_at is None:
            continue
        where = f"checkpoint {checkpoint.position} ({checkpoint.title}) is due"
        if due_at is not None and checkpoint.due_at > due_at:
            raise InvalidInput("due_at", f"{where} after this due date; the final due date comes last")
        if checkpoint.due_at < open_at:
            raise InvalidInput("open_at", f"{where} before this open date")
    assignment.open_at, assignment.due_at = open_at, due_at
    session.flush()
    return assignment_view(session, assignment)


def archive_assignment(session: Session, actor: Actor, assignment_id: int) -> AssignmentView:
    """Archived work leaves every list of open work; its submissions and feedback are kept."""
    assignment = staff_assignment(session, actor, assignment_id)
    if assignment.archived_at is None:
        assignment.archived_at = utcnow()
        session.flush()
    return assignment_view(session, assignment)


def set_extension(
    session: Session, actor: Actor, assignment_id: int, student_id: int, due_at: datetime, reason: str
) -> ExtensionView:
    """Give one student a later due date (one extension per student, replaced by a newer decision)."""
    assignment = staff_assignment(session, actor, assignment_id)
    if assignment.archived_at is not None:
        raise Conflict("this assignment is archived: it can no longer change")
    if student_id not in recipients(session, assignment):
        raise NotFound(f"student {student_id} has not been given this work")
    moment = aware(due_at, "due_at")
    assert moment is not None
    refused = check_extension(assignment.due_at, moment)
    if refused is None and moment < assignment.open_at:
        refused = "an extension must give a date after the work opens"
    if refused is not None:
        raise InvalidInput("due_at", refused)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", "say why the student gets more time")
    if len(reason) > limits.REASON_MAX:
        raise InvalidInput("reason", f"the reason is longer than {limits.REASON_MAX} characters")
    row = session.get(AssignmentExtension, (assignment.id, student_id))
    if row is None:
        row = AssignmentExtension(assignment_id=assignment.id, student_id=student_id, due_at=moment)
        session.add(row)
    row.due_at, row.reason, row.granted_by_id, row.granted_at = moment, reason, actor.user_id, utcnow()
    session.flush()
    messages.notify(
        session, school_id=assignment.school_id, recipient_id=student_id, author_id=actor.user_id,
        kind="extension", subject=f"More time for {assignment.title}",
        body=f"Now due {moment:%d %b %Y, %H:%M} UTC. {reason}", link=f"/work/{assignment.id}",
        assignment_id=assignment.id,
    )  # fmt: skip
    return ExtensionView(student_id, row.due_at, row.reason, row.granted_at)


# --- reading ---------------------------------------------------------------------------------------------


def assignment_view(session: Session, assignment: Assignment) -> AssignmentView:
    return assignment_views(session, [assignment])[0]


def assignment_views(session: Session, assignments: Sequence[Assignment]) -> list[AssignmentView]:
    """Views of many assignments in a bounded number of queries."""
    if not assignments:
        return []
    ids = [a.id for a in assignments]
    class_names = dict(
        session.execute(
            select(Classroom.id, Classroom.name).where(Classroom.id.in_({a.class_id for a in assignments}))
        ).all()
    )
    rubric_ids = {a.rubric_id for a in assignments if a.rubric_id is not None}
    rubric_titles = (
        dict(session.execute(select(Rubric.id, Rubric.title).where(Rubric.id.in_(rubric_ids))).all())
        if rubric_ids
        else {}
    )
    keys = {k for a in assignments for k in a.skill_keys}
    class_courses = dict(
        session.execute(
            select(Classroom.id, Classroom.course_id).where(
                Classroom.id.in_({a.class_id for a in assignments})
            )
        ).all()
    )
    skill_names: dict[tuple[int | None, str], str] = {}
    if keys:
        for course_id, key, name in session.execute(
            select(Skill.course_id, Skill.key, Skill.name).where(
                Skill.course_id.in_({c for c in class_courses.values() if c is not None}), Skill.key.in_(keys)
            )
        ):
            skill_names[(course_id, key)] = name
    checkpoints = checkpoints_of(session, ids)
    students = class_students(session, {a.class_id for a in assignments})
    named = named_recipients(session, [a.id for a in assignments if a.target != "class"])
    views = []
    for a in assignments:
        course = class_courses.get(a.class_id)
        enrolled = [sid for sid, _ in students.get(a.class_id, [])]
        chosen = named.get(a.id, set())
        count = len(enrolled) if a.target == "class" else sum(sid in chosen for sid in enrolled)
        views.append(
            AssignmentView(
                id=a.id, class_id=a.class_id, class_name=class_names.get(a.class_id, ""), kind=a.kind,
                kind_label=KIND_LABELS.get(a.kind, a.kind), title=a.title, instructions=a.instructions,
                target=a.target, target_label=_target_label(a.target, count), group_id=a.group_id,
                skills=[SkillRef(k, skill_names.get((course, k), k)) for k in a.skill_keys],
                rubric_id=a.rubric_id, rubric_title=rubric_titles.get(a.rubric_id) if a.rubric_id else None,
                accepts_text=a.accepts_text, accepts_files=a.accepts_files, open_at=a.open_at,
                due_at=a.due_at, created_at=a.created_at, archived=a.archived_at is not None,
                checkpoints=[
                    CheckpointView(c.position, c.title, c.description, c.due_at) for c in checkpoints.get(a.id, [])
                ],
                recipient_count=count,
            )
        )  # fmt: skip
    return views


def _target_label(target: str, count: int) -> str:
    people = f"{count} student{'s' if count != 1 else ''}"
    return {"class": f"Whole class ({people})", "group": f"A group ({people})"}.get(target, people)


def counts_of(lines: Sequence[WorkLine]) -> WorkCounts:
    return WorkCounts(
        recipients=len(lines),
        submitted=sum(line.submission_id is not None for line in lines),
        waiting=sum(line.waiting_for_teacher for line in lines),
        late=sum(line.late for line in lines),
        overdue=sum(line.state == "overdue" for line in lines),
        complete=sum(line.state in ("complete", "graded") for line in lines),
    )


def class_assignments(
    session: Session, actor: Actor, class_id: int, *, now: datetime | None = None
) -> ClassAssignments:
    """The class's assignments with counts (open ones), and its archived ones."""
    classroom = get_class(session, actor, class_id)
    moment = now or utcnow()
    lines = class_work(session, classroom.id, moment)
    by_assignment: dict[int, list[WorkLine]] = {}
    for line in lines:
        by_assignment.setdefault(line.assignment_id, []).append(line)
    rows = session.scalars(
        select(Assignment)
        .where(Assignment.class_id == classroom.id)
        .order_by(Assignment.due_at.is_(None), Assignment.due_at, Assignment.id)
    ).all()
    views = assignment_views(session, rows)
    open_ = [AssignmentSummary(v, counts_of(by_assignment.get(v.id, []))) for v in views if not v.archived]
    archived = sorted((v for v in views if v.archived), key=lambda v: v.created_at, reverse=True)
    return ClassAssignments(classroom.id, classroom.name, open_, archived)


def assignment_detail(
    session: Session, actor: Actor, assignment_id: int, *, now: datetime | None = None
) -> AssignmentDetail:
    """The assignment and where each of its students stands (with their extension)."""
    assignment = staff_assignment(session, actor, assignment_id)
    lines = work_lines(session, [assignment], now or utcnow())
    extensions = {
        row.student_id: ExtensionView(row.student_id, row.due_at, row.reason, row.granted_at)
        for row in session.scalars(
            select(AssignmentExtension).where(AssignmentExtension.assignment_id == assignment.id)
        )
    }
    students = [StudentStatus(line, extensions.get(line.student_id)) for line in lines]
    return AssignmentDetail(assignment_view(session, assignment), students, counts_of(lines))


def form_options(session: Session, actor: Actor, class_id: int) -> AssignmentFormOptions:
    """What the "New assignment" form offers: the course's skills, the class's saved groups, the school's
    rubrics and the class's students."""
    classroom = get_class(session, actor, class_id)
    skills: list[SkillRef] = []
    if classroom.course is not None:
        skills = [SkillRef(s.key, s.name) for s in load_graph(session, classroom.course).skills.values()]
    member_counts = func.count(StudentGroupMember.student_id)
    groups = [
        Choice(group_id, name, f"{count} student{'s' if count != 1 else ''}")
        for group_id, name, count in session.execute(
            select(StudentGroup.id, StudentGroup.name, member_counts)
            .outerjoin(StudentGroupMember, StudentGroupMember.group_id == StudentGroup.id)
            .where(StudentGroup.class_id == classroom.id, StudentGroup.dissolved_at.is_(None))
            .group_by(StudentGroup.id, StudentGroup.name)
            .order_by(StudentGroup.created_at.desc(), StudentGroup.id.desc())
        )
    ]
    rubrics = [
        Choice(rubric_id, title)
        for rubric_id, title in session.execute(
            select(Rubric.id, Rubric.title)
            .where(Rubric.school_id == classroom.school_id, Rubric.archived_at.is_(None))
            .order_by(Rubric.title, Rubric.id)
        )
    ]
    students = [Choice(sid, name) for sid, name in class_students(session, [classroom.id])[classroom.id]]
    return AssignmentFormOptions(classroom.id, classroom.name, skills, groups, rubrics, students)
