"""Passion projects: a student proposes a project; a teacher of the class approves it or asks for changes;
the student hands in each checkpoint and then the final work; the final rubric assessment is evidence.

- Who: the student who proposed it, the class's teachers and co-teachers, the school's admins. Another
  school's project is missing (404); anyone else of the school is refused (403).
- A proposal: a title, a driving question, 1 to 20 skills of the class's course it will show, and 1 to 8
  checkpoints, each with a title and a date that is not in the past and not before the one above it.
- Every version of the proposal is kept with the teacher's decision on it. "Ask for changes" needs a
  comment; the student revises (a new version) and it waits again. Decisions lock the project row
  (``FOR UPDATE``): of two teachers deciding at once one wins and the other is told (409).
- Once approved, each checkpoint (position 1..n) and the final work (position 0) are handed in once (text
  and/or up to 5 files); the teacher comments on a checkpoint (and may change the comment).
- The final assessment picks one of the school's rubrics and needs a level on every criterion; levels on
  criteria aligned to one of the project's skills are evidence of kind "rubric"; once per project.
- The student gets a message when a teacher decides, comments or assesses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from atpace.errors import Conflict, Forbidden, InvalidInput, NotFound
from atpace.services import limits, messages
from atpace.services.access import get_class, require_student
from atpace.services.assignments.submissions import FileView, Upload
from atpace.services.auth import Actor
from atpace.services.choices.common import (
    checked_scores,
    class_skill_keys,
    clean_text,
    clean_work,
    criteria_of,
    effect_of,
    effects_json,
    feedback_view,
    file_views,
    not_in_past,
    record_rubric_evidence,
    skill_names,
    store_uploads,
    stored_scores,
)
from atpace.services.files import FileStore
from atpace.services.grading import FeedbackView, ScoreInput, SkillEffect
from atpace.services.rubrics import list_rubrics, school_rubric
from atpace.store.tables import Classroom, ClassTeacher, Enrollment, Role, Skill, StoredFile, User, utcnow
from atpace.store.tables_choices import (
    Project,
    ProjectAssessment,
    ProjectCheckpoint,
    ProjectCheckpointFile,
    ProjectProposal,
)

CHECKPOINTS_MIN, CHECKPOINTS_MAX = 1, 8
QUESTION_MAX = 2_000
FINAL = 0  # the position of the final work
STATUS_LABELS = {
    "proposed": "Waiting for approval",
    "changes_requested": "Changes asked",
    "approved": "Approved: in progress",
    "submitted": "Final work handed in",
    "assessed": "Assessed",
}
DECISIONS = ("approve", "changes")


@dataclass(frozen=True)
class CheckpointInput:
    title: str
    due_on: date | None


@dataclass(frozen=True)
class ProposalInput:
    title: str
    question: str
    skill_keys: Sequence[str]
    checkpoints: Sequence[CheckpointInput]


@dataclass(frozen=True)
class ProposalView:
    version: int
    title: str
    question: str
    skills: tuple[tuple[str, str], ...]
    checkpoints: tuple[tuple[str, date], ...]
    submitted_at: datetime
    decision: str | None  # approved, changes, or None (waiting)
    decided_by: str
    decided_at: datetime | None
    comment: str


@dataclass(frozen=True)
class CheckpointView:
    position: int  # 0: the final work
    title: str
    due_on: date | None
    body: str
    submitted_at: datetime | None
    files: tuple[FileView, ...]
    comment: str
    commented_by: str
    commented_at: datetime | None

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


@dataclass(frozen=True)
class ProjectView:
    id: int
    class_id: int
    class_name: str
    student_id: int
    student_name: str
    title: str
    question: str
    skills: tuple[tuple[str, str], ...]
    status: str
    status_label: str
    revision: int
    proposals: tuple[ProposalView, ...]  # newest first
    checkpoints: tuple[CheckpointView, ...]  # 1..n by position, then the final work
    assessment: FeedbackView | None
    effects: tuple[SkillEffect, ...]

    @property
    def current(self) -> ProposalView:
        return self.proposals[0]

    @property
    def final(self) -> CheckpointView | None:
        return next((c for c in self.checkpoints if c.position == FINAL), None)


@dataclass(frozen=True)
class ProjectSummary:
    id: int
    class_id: int
    class_name: str
    student_id: int
    student_name: str
    title: str
    status: str
    status_label: str
    revision: int
    updated_at: datetime
    next_checkpoint: str  # the next checkpoint not handed in, with its date ("" when none)

    @property
    def waiting(self) -> bool:
        """The teacher has something to do: a proposal to decide or final work to assess."""
        return self.status in ("proposed", "submitted")


# Access


def _project(
    session: Session, actor: Actor, project_id: int, *, lock: bool = False
) -> tuple[Project, Classroom]:
    query = select(Project).where(Project.id == project_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    project = session.scalar(query)
    if project is None or project.school_id != actor.school_id:
        raise NotFound(f"project {project_id} not found")
    if actor.role == Role.STUDENT:
        if project.student_id != actor.user_id:
            raise Forbidden("you may only see your own projects")
        classroom = session.get(Classroom, project.class_id)
        assert classroom is not None
        return project, classroom
    return project, get_class(session, actor, project.class_id)


def _own_project(session: Session, actor: Actor, project_id: int) -> tuple[Project, Classroom]:
    project, classroom = _project(session, actor, project_id, lock=True)
    if actor.user_id != project.student_id:
        raise Forbidden("only the student whose project it is may change it")
    return project, classroom


def _staff_project(session: Session, actor: Actor, project_id: int) -> tuple[Project, Classroom]:
    if actor.role == Role.STUDENT:
        _project(session, actor, project_id)  # another school's: 404 first
        raise Forbidden("only the class's teachers and the school's administrators do this")
    return _project(session, actor, project_id, lock=True)


def _open_class(classroom: Classroom) -> None:
    if classroom.archived_at is not None:
        raise Conflict(f"{classroom.name} is archived: its projects are read-only")


# The student's proposal


def propose(
    session: Session,
    actor: Actor,
    data: ProposalInput,
    class_id: int | None = None,
    *,
    today: date | None = None,
) -> ProjectView:
    """A new project, waiting for a teacher of the class (the student's first open class by default)."""
    student = require_student(session, actor, "propose projects")
    classroom = _student_class(session, student, class_id)
    _open_class(classroom)
    moment = utcnow()
    title, question, keys, checkpoints = _check(session, classroom, data, today or moment.date())
    project = Project(
        school_id=student.school_id, class_id=classroom.id, student_id=student.id, title=title, question=question,
        skill_keys=keys, status="proposed", revision=1, created_at=moment, updated_at=moment,
    )  # fmt: skip
    session.add(project)
    session.flush()
    _add_proposal(session, project, checkpoints, moment)
    session.flush()
    return _view(session, project, classroom)


def _student_class(session: Session, student: User, class_id: int | None) -> Classroom:
    if class_id is not None:
        classroom = session.get(Classroom, class_id)
        if classroom is None or classroom.school_id != student.school_id:
            raise InvalidInput("class_id", f"class {class_id} not found")
        if session.get(Enrollment, (classroom.id, student.id)) is None:
            raise InvalidInput("class_id", f"you are not in {classroom.name}")
        return classroom
    classroom = session.scalar(
        select(Classroom)
        .join(Enrollment, Enrollment.class_id == Classroom.id)
        .where(
            Enrollment.user_id == student.id,
            Classroom.archived_at.is_(None),
            Classroom.course_id.is_not(None),
        )
        .order_by(Classroom.id)
        .limit(1)
    )
    if classroom is None:
        raise InvalidInput("class_id", "you are in no class with a course yet: join a class first")
    return classroom


def revise(
    session: Session, actor: Actor, project_id: int, data: ProposalInput, *, today: date | None = None
) -> ProjectView:
    """A new version of the proposal (after "changes", or while it waits); the earlier ones are kept."""
    project, classroom = _own_project(session, actor, project_id)
    _open_class(classroom)
    if project.status not in ("proposed", "changes_requested"):
        raise Conflict("this project has been approved: its plan is settled", field="title")
    moment = utcnow()
    title, question, keys, checkpoints = _check(session, classroom, data, today or moment.date())
    project.title, project.question, project.skill_keys = title, question, keys
    project.revision += 1
    project.status, project.updated_at = "proposed", moment
    _add_proposal(session, project, checkpoints, moment)
    session.flush()
    return _view(session, project, classroom)


def _check(
    session: Session, classroom: Classroom, data: ProposalInput, today: date
) -> tuple[str, str, list[str], list[tuple[str, date]]]:
    title = clean_text(data.title, "title", "a title", limits.TITLE_MAX, required=True)
    question = clean_text(data.question, "question", "the driving question", QUESTION_MAX, required=True)
    keys = class_skill_keys(session, classroom, data.skill_keys, "skill_keys")
    if len(data.checkpoints) < CHECKPOINTS_MIN:
        raise InvalidInput("checkpoints", "plan at least one checkpoint, with its date")
    if len(data.checkpoints) > CHECKPOINTS_MAX:
        raise InvalidInput("checkpoints", f"plan at most {CHECKPOINTS_MAX} checkpoints")
    checkpoints: list[tuple[str, date]] = []
    for i, checkpoint in enumerate(data.checkpoints):
        c_title = clean_text(
            checkpoint.title, f"checkpoints.{i}.title", f"the title of checkpoint {i + 1}", limits.TITLE_MAX,
            required=True,
        )  # fmt: skip
        if checkpoint.due_on is None:
            raise InvalidInput(f"checkpoints.{i}.due_on", f"give checkpoint {i + 1} (“{c_title}”) a date")
        not_in_past(checkpoint.due_on, today, f"checkpoints.{i}.due_on", f"the date of “{c_title}”")
        if checkpoints and checkpoint.due_on < checkpoints[-1][1]:
            raise InvalidInput(
                f"checkpoints.{i}.due_on",
                f"“{c_title}” comes before the checkpoint above it: list them in order",
            )
        checkpoints.append((c_title, checkpoint.due_on))
    return title, question, keys, checkpoints


def _add_proposal(
    session: Session, project: Project, checkpoints: list[tuple[str, date]], moment: datetime
) -> None:
    session.add(
        ProjectProposal(
            project_id=project.id,
            version=project.revision,
            title=project.title,
            question=project.question,
            skill_keys=list(project.skill_keys),
            submitted_at=moment,
            checkpoints=[{"title": t, "due_on": d.isoformat()} for t, d in checkpoints],
        )
    )


# The teacher's decision and comments


def decide(session: Session, actor: Actor, project_id: int, decision: str, comment: str = "") -> ProjectView:
    """Approve the waiting proposal (its checkpoints become the project's), or ask for changes (a comment
    says which)."""
    project, classroom = _staff_project(session, actor, project_id)
    _open_class(classroom)
    if decision not in DECISIONS:
        raise InvalidInput("decision", "decision must be “approve” or “changes”")
    text = clean_text(comment, "comment", "the comment", limits.TEXT_MAX, required=decision == "changes")
    if project.status != "proposed":
        raise Conflict(
            f"this proposal is no longer waiting (now: {STATUS_LABELS[project.status].lower()})",
            field="decision",
        )
    proposal = session.scalar(
        select(ProjectProposal).where(
            ProjectProposal.project_id == project.id, ProjectProposal.version == project.revision
        )
    )
    assert proposal is not None
    moment = utcnow()
    proposal.decision = "approved" if decision == "approve" else "changes"
    proposal.decided_by_id, proposal.decided_at, proposal.comment = actor.user_id, moment, text
    project.updated_at = moment
    if decision == "approve":
        project.status = "approved"
        plan = [(str(c["title"]), date.fromisoformat(str(c["due_on"]))) for c in proposal.checkpoints]
        for position, (title, due_on) in enumerate(plan, start=1):
            session.add(
                ProjectCheckpoint(project_id=project.id, position=position, title=title, due_on=due_on)
            )
        session.add(ProjectCheckpoint(project_id=project.id, position=FINAL, title="Final work", due_on=None))
        subject = f"Project approved: {project.title}"
    else:
        project.status = "changes_requested"
        subject = f"Changes asked on your project: {project.title}"
    session.flush()
    messages.notify(
        session, school_id=project.school_id, recipient_id=project.student_id, author_id=actor.user_id,
        kind="comment", subject=subject, body=text, link=f"/projects/{project.id}",
    )  # fmt: skip
    session.flush()
    return _view(session, project, classroom)


def comment_checkpoint(
    session: Session, actor: Actor, project_id: int, position: int, comment: str
) -> ProjectView:
    project, classroom = _staff_project(session, actor, project_id)
    _open_class(classroom)
    checkpoint = _checkpoint(session, project, position)
    if checkpoint.submitted_at is None:
        raise Conflict(f"“{checkpoint.title}” has not been handed in yet", field="comment")
    text = clean_text(comment, "comment", "the comment", limits.TEXT_MAX, required=True)
    checkpoint.comment, checkpoint.commented_by_id, checkpoint.commented_at = text, actor.user_id, utcnow()
    session.flush()
    messages.notify(
        session, school_id=project.school_id, recipient_id=project.student_id, author_id=actor.user_id,
        kind="comment", subject=f"Comment on “{checkpoint.title}” of {project.title}", body=text,
        link=f"/projects/{project.id}",
    )  # fmt: skip
    session.flush()
    return _view(session, project, classroom)


def _checkpoint(session: Session, project: Project, position: int) -> ProjectCheckpoint:
    checkpoint = session.scalar(
        select(ProjectCheckpoint).where(
            ProjectCheckpoint.project_id == project.id, ProjectCheckpoint.position == position
        )
    )
    if checkpoint is None:
        if project.status in ("proposed", "changes_requested"):
            raise Conflict(
                "the project is not approved yet: its checkpoints start once it is", field="position"
            )
        raise NotFound(f"checkpoint {position} not found")
    return checkpoint


# The student's work


def submit_checkpoint(
    session: Session,
    actor: Actor,
    files: FileStore,
    project_id: int,
    position: int,
    body: str,
    uploads: Sequence[Upload] = (),
    *,
    now: datetime | None = None,
) -> ProjectView:
    """Hand in a checkpoint (1..n) or the final work (0), once each."""
    project, classroom = _own_project(session, actor, project_id)
    _open_class(classroom)
    checkpoint = _checkpoint(session, project, position)
    if project.status != "approved":
        raise Conflict(f"this project is {STATUS_LABELS[project.status].lower()}: nothing more to hand in")
    if checkpoint.submitted_at is not None:
        raise Conflict(f"“{checkpoint.title}” was handed in already", field="body")
    text = clean_work(body, uploads)
    stored = store_uploads(session, files, project.school_id, project.student_id, uploads)
    moment = now or utcnow()
    checkpoint.body, checkpoint.submitted_at = text, moment
    session.add_all(ProjectCheckpointFile(checkpoint_id=checkpoint.id, file_id=row.id) for row in stored)
    project.updated_at = moment
    if position == FINAL:
        project.status = "submitted"
    session.flush()
    return _view(session, project, classroom)


# The final assessment


@dataclass(frozen=True)
class ProjectAssessed:
    id: int
    project_id: int
    student_id: int
    effects: tuple[SkillEffect, ...]
    not_counted: tuple[str, ...]


def assess_project(
    session: Session,
    actor: Actor,
    project_id: int,
    rubric_id: int,
    scores: Sequence[ScoreInput | tuple[int, int | None, str]],
    comment: str = "",
    *,
    now: datetime | None = None,
) -> ProjectAssessed:
    project, classroom = _staff_project(session, actor, project_id)
    _open_class(classroom)
    if project.status == "assessed":
        raise Conflict(
            "this project has already been assessed: an assessment is given once", field="project_id"
        )
    if project.status != "submitted":
        raise Conflict("the final work has not been handed in yet: assess it once it is", field="project_id")
    try:
        rubric = school_rubric(session, actor, rubric_id)
    except NotFound:
        raise InvalidInput("rubric_id", f"rubric {rubric_id} not found") from None
    if rubric.archived_at is not None:
        raise InvalidInput("rubric_id", f"“{rubric.title}” is archived: choose another rubric")
    text = clean_text(comment, "comment", "the comment", limits.TEXT_MAX, required=False)
    criteria = criteria_of(session, rubric.id)
    checked = checked_scores(criteria, scores)
    student = session.get(User, project.student_id)
    assert student is not None
    moment = now or utcnow()
    assessed = record_rubric_evidence(
        session, classroom, student, criteria, checked, project.skill_keys, moment
    )
    row = ProjectAssessment(
        school_id=project.school_id, project_id=project.id, teacher_id=actor.user_id, rubric_id=rubric.id,
        scores=stored_scores(criteria, checked), comment=text, effects=effects_json(assessed.effects),
        created_at=moment,
    )  # fmt: skip
    session.add(row)
    project.status, project.updated_at = "assessed", moment
    session.flush()
    messages.notify(
        session, school_id=project.school_id, recipient_id=project.student_id, author_id=actor.user_id,
        kind="feedback", subject=f"Project assessed: {project.title}",
        body=text or "Your teacher assessed your project with a rubric.", link=f"/projects/{project.id}",
    )  # fmt: skip
    session.flush()
    return ProjectAssessed(row.id, project.id, project.student_id, assessed.effects, assessed.not_counted)


# Reading


def project_view(session: Session, actor: Actor, project_id: int) -> ProjectView:
    project, classroom = _project(session, actor, project_id)
    return _view(session, project, classroom)


def my_projects(session: Session, actor: Actor) -> list[ProjectSummary]:
    student = require_student(session, actor, "have projects of their own")
    rows = session.scalars(
        select(Project)
        .where(Project.student_id == student.id)
        .order_by(Project.updated_at.desc(), Project.id)
    ).all()
    return _summaries(session, list(rows))


def class_projects(session: Session, actor: Actor, class_id: int) -> list[ProjectSummary]:
    """The class's projects for its staff: proposals and final work waiting first (oldest first)."""
    classroom = get_class(session, actor, class_id)
    rows = session.scalars(select(Project).where(Project.class_id == classroom.id)).all()
    return _queue(_summaries(session, list(rows)))


def staff_projects(session: Session, actor: Actor) -> list[ProjectSummary]:
    """The projects of every class the teacher teaches (the school's for an admin), waiting ones first."""
    if actor.role == Role.STUDENT:
        raise Forbidden("only teachers and administrators see their classes' projects")
    query = select(Project).where(Project.school_id == actor.school_id)
    if actor.role != Role.ADMIN:
        query = query.join(ClassTeacher, ClassTeacher.class_id == Project.class_id).where(
            ClassTeacher.user_id == actor.user_id
        )
    return _queue(_summaries(session, list(session.scalars(query))))


def _queue(summaries: list[ProjectSummary]) -> list[ProjectSummary]:
    waiting = sorted((s for s in summaries if s.waiting), key=lambda s: (s.updated_at, s.id))
    others = sorted((s for s in summaries if not s.waiting), key=lambda s: (s.updated_at, s.id), reverse=True)
    return waiting + others


def _summaries(session: Session, projects: list[Project]) -> list[ProjectSummary]:
    ids = [p.id for p in projects]
    names = dict(
        session.execute(
            select(User.id, User.display_name).where(User.id.in_({p.student_id for p in projects}))
        ).all()
    )
    classes = dict(
        session.execute(
            select(Classroom.id, Classroom.name).where(Classroom.id.in_({p.class_id for p in projects}))
        ).all()
    )
    upcoming: dict[int, str] = {}
    for project_id, title, due_on in session.execute(
        select(ProjectCheckpoint.project_id, ProjectCheckpoint.title, ProjectCheckpoint.due_on)
        .where(ProjectCheckpoint.project_id.in_(ids), ProjectCheckpoint.submitted_at.is_(None))
        .order_by(case((ProjectCheckpoint.position == FINAL, 1), else_=0), ProjectCheckpoint.position)
    ):
        upcoming.setdefault(project_id, f"{title} ({due_on:%d %b %Y})" if due_on else title)
    return [
        ProjectSummary(
            p.id,
            p.class_id,
            classes.get(p.class_id, ""),
            p.student_id,
            names.get(p.student_id, ""),
            p.title,
            p.status,
            STATUS_LABELS[p.status],
            p.revision,
            p.updated_at,
            upcoming.get(p.id, ""),
        )
        for p in projects
    ]


def _view(session: Session, project: Project, classroom: Classroom) -> ProjectView:
    proposals = session.scalars(
        select(ProjectProposal)
        .where(ProjectProposal.project_id == project.id)
        .order_by(ProjectProposal.version.desc())
    ).all()
    checkpoints = session.scalars(
        select(ProjectCheckpoint)
        .where(ProjectCheckpoint.project_id == project.id)
        .order_by(case((ProjectCheckpoint.position == FINAL, 1), else_=0), ProjectCheckpoint.position)
    ).all()
    user_ids = {project.student_id}
    user_ids |= {p.decided_by_id for p in proposals if p.decided_by_id}
    user_ids |= {c.commented_by_id for c in checkpoints if c.commented_by_id}
    people = dict(session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all())
    files: dict[int, list[StoredFile]] = {c.id: [] for c in checkpoints}
    for checkpoint_id, stored in session.execute(
        select(ProjectCheckpointFile.checkpoint_id, StoredFile)
        .join(StoredFile, StoredFile.id == ProjectCheckpointFile.file_id)
        .where(ProjectCheckpointFile.checkpoint_id.in_(list(files)))
    ):
        files[checkpoint_id].append(stored)
    assessment = session.scalar(select(ProjectAssessment).where(ProjectAssessment.project_id == project.id))
    return ProjectView(
        project.id, classroom.id, classroom.name, project.student_id, people.get(project.student_id, ""),
        project.title, project.question, tuple(skill_names(session, classroom, project.skill_keys)),
        project.status, STATUS_LABELS[project.status], project.revision,
        tuple(
            ProposalView(
                p.version, p.title, p.question, tuple(skill_names(session, classroom, p.skill_keys)),
                tuple((str(c["title"]), date.fromisoformat(str(c["due_on"]))) for c in p.checkpoints),
                p.submitted_at, p.decision, people.get(p.decided_by_id or 0, ""), p.decided_at, p.comment,
            )
            for p in proposals
        ),
        tuple(
            CheckpointView(
                c.position, c.title, c.due_on, c.body, c.submitted_at, file_views(files[c.id]), c.comment,
                people.get(c.commented_by_id or 0, ""), c.commented_at,
            )
            for c in checkpoints
        ),
        feedback_view(
            session, project.id, assessment.scores, assessment.comment, assessment.teacher_id, assessment.created_at
        ) if assessment else None,
        tuple(effect_of(e) for e in assessment.effects) if assessment else (),
    )  # fmt: skip


def read_project_file(
    session: Session, actor: Actor, files: FileStore, project_id: int, file_id: int
) -> tuple[FileView, bytes]:
    """A file handed in for a project: for its student and the class's staff."""
    project, _ = _project(session, actor, project_id)
    found = session.scalar(
        select(StoredFile)
        .join(ProjectCheckpointFile, ProjectCheckpointFile.file_id == StoredFile.id)
        .join(ProjectCheckpoint, ProjectCheckpoint.id == ProjectCheckpointFile.checkpoint_id)
        .where(ProjectCheckpoint.project_id == project.id, StoredFile.id == file_id)
    )
    if found is None:
        raise NotFound(f"file {file_id} not found")
    return FileView(found.id, found.name, found.media_type, found.size), files.read(found)


def waiting_count(session: Session, actor: Actor) -> int:
    """Proposals and final work waiting for this teacher (for the hub page)."""
    return sum(1 for s in staff_projects(session, actor) if s.waiting)


@dataclass(frozen=True)
class ClassSkills:
    class_id: int
    class_name: str
    skills: tuple[tuple[str, str], ...]


def proposal_options(session: Session, actor: Actor) -> list[ClassSkills]:
    """The student's open classes with a course, and the skills a project in each may show."""
    student = require_student(session, actor, "propose projects")
    classes = session.scalars(
        select(Classroom)
        .join(Enrollment, Enrollment.class_id == Classroom.id)
        .where(
            Enrollment.user_id == student.id,
            Classroom.archived_at.is_(None),
            Classroom.course_id.is_not(None),
        )
        .order_by(Classroom.id)
    ).all()
    return [
        ClassSkills(
            c.id,
            c.name,
            tuple(
                session.execute(
                    select(Skill.key, Skill.name)
                    .where(Skill.course_id == c.course_id)
                    .order_by(Skill.position, Skill.id)
                ).all()
            ),
        )
        for c in classes
    ]


def rubric_choices(session: Session, actor: Actor, project_id: int) -> list[tuple[int, str]]:
    """The school's rubrics a teacher of the project's class may assess it with."""
    _staff_project_read(session, actor, project_id)
    return [(r.id, r.title) for r in list_rubrics(session, actor)]


def _staff_project_read(session: Session, actor: Actor, project_id: int) -> tuple[Project, Classroom]:
    if actor.role == Role.STUDENT:
        _project(session, actor, project_id)
        raise Forbidden("only the class's teachers and the school's administrators do this")
    return _project(session, actor, project_id)
