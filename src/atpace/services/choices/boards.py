"""Choice boards: for some skills of a class, the teacher offers several ways to show mastery; each student
picks one, hands in work for it, and the teacher's rubric levels become evidence.

- Who: the class's teachers and co-teachers and the school's admins create, edit, see the picks and assess;
  the class's students see the board, pick and hand in. Another school's board is missing (404); anyone
  else of the school is refused (403).
- A board has 2 to 6 options, each a mastery check (taken on its own page, ``/checks/{skill_key}``), a
  written explanation, a product or project, or a conference with the teacher. Every option but the check
  is assessed with the board's rubric, so such a board needs one.
- A student picks one option and may change it until they hand in work; then the pick is final. Work (text
  and/or up to 5 files) is handed in once. A conference needs no work: the teacher records it.
- Assessment: a level on every criterion; levels on criteria aligned to one of the board's skills are
  evidence of kind "rubric" (docs/rubrics.md). Once per pick: the pick row is locked (``FOR UPDATE``), so of
  two teachers assessing at once one wins and the other is told (409). The student gets a message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from sqlalchemy import func, select
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
from atpace.services.evidence import lock_student
from atpace.services.files import FileStore
from atpace.services.grading import FeedbackView, ScoreInput, SkillEffect
from atpace.services.rubrics import RubricView, list_rubrics, rubric_view, school_rubric
from atpace.store.tables import (
    Classroom,
    ClassTeacher,
    Enrollment,
    Role,
    Rubric,
    Skill,
    StoredFile,
    User,
    utcnow,
)
from atpace.store.tables_choices import (
    OPTION_KINDS,
    ChoiceAssessment,
    ChoiceBoard,
    ChoiceOption,
    ChoicePick,
    ChoicePickFile,
)

OPTIONS_MIN, OPTIONS_MAX = 2, 6
KIND_LABELS = {
    "check": "Mastery check",
    "explanation": "Written explanation",
    "product": "Product or project",
    "conference": "Conference with the teacher",
}
TAKES_WORK = ("explanation", "product")  # handed in as text and/or files
ASSESSED = ("explanation", "product", "conference")  # with the board's rubric
CHECK_PAGE = "/checks/{skill_key}"  # the mastery check of one skill (services of issue 11, section 6)
STATUS_LABELS = {"picked": "Picked", "submitted": "Waiting for assessment", "assessed": "Assessed"}


@dataclass(frozen=True)
class OptionInput:
    kind: str
    title: str = ""  # blank: the kind's name
    description: str = ""
    id: int | None = None  # an existing option of the board being edited (kept in place)


@dataclass(frozen=True)
class BoardInput:
    title: str
    skill_keys: Sequence[str]
    options: Sequence[OptionInput]
    instructions: str = ""
    rubric_id: int | None = None
    due_on: date | None = None


@dataclass(frozen=True)
class OptionView:
    id: int
    position: int
    kind: str
    kind_label: str
    title: str
    description: str
    pick_count: int = 0


@dataclass(frozen=True)
class PickView:
    id: int
    board_id: int
    student_id: int
    student_name: str
    option_id: int
    option_title: str
    kind: str
    status: str
    status_label: str
    picked_at: datetime
    body: str
    submitted_at: datetime | None
    files: tuple[FileView, ...]
    assessment: FeedbackView | None
    effects: tuple[SkillEffect, ...]

    @property
    def waiting(self) -> bool:
        """The teacher has something to do: work handed in, or a conference to hold and record."""
        return self.status == "submitted" or (self.status == "picked" and self.kind == "conference")

    @property
    def changeable(self) -> bool:
        return self.status == "picked"


@dataclass(frozen=True)
class BoardView:
    id: int
    class_id: int
    class_name: str
    title: str
    instructions: str
    skills: tuple[tuple[str, str], ...]  # (key, name)
    rubric: RubricView | None
    due_on: date | None
    options: tuple[OptionView, ...]
    picks: tuple[PickView, ...]  # staff: every student's; a student: their own (at most one)
    not_picked: tuple[str, ...]  # staff: names of the class's students without a pick
    assessed_count: int

    @property
    def waiting(self) -> tuple[PickView, ...]:
        return tuple(p for p in self.picks if p.waiting)

    @property
    def mine(self) -> PickView | None:
        return self.picks[0] if self.picks else None


@dataclass(frozen=True)
class BoardSummary:
    id: int
    class_id: int
    class_name: str
    title: str
    due_on: date | None
    option_count: int
    pick_count: int
    waiting_count: int  # staff: picks waiting for assessment
    my_status: str | None  # a student: their pick's status (None: not picked yet)


def check_link(skill_key: str) -> str:
    return CHECK_PAGE.format(skill_key=quote(skill_key, safe=""))


# Access


def _board(session: Session, actor: Actor, board_id: int, *, lock: bool = False) -> ChoiceBoard:
    query = select(ChoiceBoard).where(ChoiceBoard.id == board_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    board = session.scalar(query)
    if board is None or board.school_id != actor.school_id:
        raise NotFound(f"choice board {board_id} not found")
    return board


def _staff_board(
    session: Session, actor: Actor, board_id: int, *, lock: bool = False
) -> tuple[ChoiceBoard, Classroom]:
    board = _board(session, actor, board_id, lock=lock)
    return board, get_class(session, actor, board.class_id)


def _student_board(session: Session, actor: Actor, board_id: int) -> tuple[ChoiceBoard, Classroom, User]:
    board = _board(session, actor, board_id)
    student = require_student(session, actor, "pick from a choice board")
    if session.get(Enrollment, (board.class_id, student.id)) is None:
        raise Forbidden("this choice board belongs to a class you are not in")
    classroom = session.get(Classroom, board.class_id)
    assert classroom is not None
    return board, classroom, student


def _open_class(classroom: Classroom) -> None:
    if classroom.archived_at is not None:
        raise Conflict(f"{classroom.name} is archived: its choice boards are read-only")


# Writing: the teacher's board


def create_board(
    session: Session, actor: Actor, class_id: int, data: BoardInput, *, today: date | None = None
) -> BoardView:
    classroom = get_class(session, actor, class_id)
    _open_class(classroom)
    moment = utcnow()
    day = today or moment.date()
    not_in_past(data.due_on, day, "due_on", "the due date")
    title, instructions, keys, rubric_id, options = _check(session, actor, classroom, data)
    board = ChoiceBoard(
        school_id=classroom.school_id, class_id=classroom.id, title=title, instructions=instructions,
        skill_keys=keys, rubric_id=rubric_id, due_on=data.due_on, created_by_id=actor.user_id,
        created_at=moment, updated_at=moment,
    )  # fmt: skip
    session.add(board)
    session.flush()
    _write_options(session, board, options, {})
    session.flush()
    return _view(session, board, classroom, staff=True)


def update_board(
    session: Session, actor: Actor, board_id: int, data: BoardInput, *, today: date | None = None
) -> BoardView:
    """Replace the board; options that name their ``id`` stay in place. An option a student picked cannot
    be removed or change kind, and the rubric cannot change once a pick was assessed (409)."""
    board, classroom = _staff_board(session, actor, board_id, lock=True)
    _open_class(classroom)
    day = today or utcnow().date()
    if data.due_on != board.due_on:
        not_in_past(data.due_on, day, "due_on", "the due date")
    title, instructions, keys, rubric_id, options = _check(session, actor, classroom, data)
    existing = {
        o.id: o for o in session.scalars(select(ChoiceOption).where(ChoiceOption.board_id == board.id))
    }
    picked = set(session.scalars(select(ChoicePick.option_id).where(ChoicePick.board_id == board.id)))
    kept: set[int] = set()
    for i, option in enumerate(options):
        if option.id is None:
            continue
        old = existing.get(option.id)
        if old is None:
            raise InvalidInput(f"options.{i}.id", f"option {option.id} is not part of this board")
        if old.id in picked and old.kind != option.kind:
            raise Conflict(
                f"students picked “{old.title}”: its kind cannot change", field=f"options.{i}.kind"
            )
        kept.add(old.id)
    for option_id, old in existing.items():
        if option_id not in kept and option_id in picked:
            raise Conflict(f"students picked “{old.title}”: it cannot be removed", field="options")
    if rubric_id != board.rubric_id and _assessed_count(session, board.id):
        raise Conflict(
            "picks on this board were assessed with its rubric: the rubric stays", field="rubric_id"
        )
    board.title, board.instructions, board.skill_keys = title, instructions, keys
    board.rubric_id, board.due_on, board.updated_at = rubric_id, data.due_on, utcnow()
    _write_options(session, board, options, existing)
    session.flush()
    return _view(session, board, classroom, staff=True)


def _check(
    session: Session, actor: Actor, classroom: Classroom, data: BoardInput
) -> tuple[str, str, list[str], int | None, list[OptionInput]]:
    title = clean_text(data.title, "title", "a title", limits.TITLE_MAX, required=True)
    instructions = clean_text(
        data.instructions, "instructions", "the instructions", limits.TEXT_MAX, required=False
    )
    keys = class_skill_keys(session, classroom, data.skill_keys, "skill_keys")
    if len(data.options) < OPTIONS_MIN:
        raise InvalidInput("options", f"offer at least {OPTIONS_MIN} ways to show mastery")
    if len(data.options) > OPTIONS_MAX:
        raise InvalidInput("options", f"offer at most {OPTIONS_MAX} ways to show mastery")
    options: list[OptionInput] = []
    seen: set[int] = set()
    for i, option in enumerate(data.options):
        if option.kind not in OPTION_KINDS:
            raise InvalidInput(f"options.{i}.kind", "the kind is one of: " + ", ".join(OPTION_KINDS))
        if option.id is not None:
            if option.id in seen:
                raise InvalidInput(f"options.{i}.id", f"option {option.id} appears twice")
            seen.add(option.id)
        o_title = clean_text(
            option.title,
            f"options.{i}.title",
            f"the title of option {i + 1}",
            limits.TITLE_MAX,
            required=False,
        )
        o_description = clean_text(
            option.description, f"options.{i}.description", f"the description of option {i + 1}",
            limits.COMMENT_MAX, required=False,
        )  # fmt: skip
        options.append(
            OptionInput(option.kind, o_title or KIND_LABELS[option.kind], o_description, option.id)
        )
    rubric_id: int | None = None
    if data.rubric_id is not None:
        try:
            rubric = school_rubric(session, actor, data.rubric_id)
        except NotFound:
            raise InvalidInput("rubric_id", f"rubric {data.rubric_id} not found") from None
        if rubric.archived_at is not None:
            raise InvalidInput("rubric_id", f"“{rubric.title}” is archived: choose another rubric")
        rubric_id = rubric.id
    if rubric_id is None and any(o.kind in ASSESSED for o in options):
        raise InvalidInput(
            "rubric_id", "choose a rubric: explanations, products and conferences are assessed with it"
        )
    return title, instructions, keys, rubric_id, options


def _write_options(
    session: Session, board: ChoiceBoard, options: list[OptionInput], existing: dict[int, ChoiceOption]
) -> None:
    kept = {o.id for o in options if o.id is not None}
    for option_id, old in existing.items():
        if option_id not in kept:
            session.delete(old)
    for position, option in enumerate(options):
        row = existing.get(option.id) if option.id is not None else None
        if row is None:
            row = ChoiceOption(board_id=board.id)
            session.add(row)
        row.position, row.kind, row.title, row.description = (
            position,
            option.kind,
            option.title,
            option.description,
        )


# Reading


def class_boards(session: Session, actor: Actor, class_id: int) -> list[BoardSummary]:
    """The class's boards for its staff, newest first."""
    classroom = get_class(session, actor, class_id)
    boards = session.scalars(
        select(ChoiceBoard).where(ChoiceBoard.class_id == classroom.id).order_by(ChoiceBoard.id.desc())
    ).all()
    return _summaries(session, [(b, classroom) for b in boards], None)


def staff_boards(session: Session, actor: Actor) -> list[BoardSummary]:
    """The boards of every class the teacher teaches (every class of the school for an admin)."""
    if actor.role == Role.STUDENT:
        raise Forbidden("only teachers and administrators see every board of their classes")
    query = (
        select(ChoiceBoard, Classroom)
        .join(Classroom, Classroom.id == ChoiceBoard.class_id)
        .where(ChoiceBoard.school_id == actor.school_id)
        .order_by(Classroom.name, ChoiceBoard.id.desc())
    )
    if actor.role != Role.ADMIN:
        query = query.join(ClassTeacher, ClassTeacher.class_id == Classroom.id).where(
            ClassTeacher.user_id == actor.user_id
        )
    return _summaries(session, [(b, c) for b, c in session.execute(query).all()], None)


def my_boards(session: Session, actor: Actor) -> list[BoardSummary]:
    """The boards of the student's open classes, newest first, with their own pick's status."""
    student = require_student(session, actor, "have choice boards of their own")
    rows = session.execute(
        select(ChoiceBoard, Classroom)
        .join(Classroom, Classroom.id == ChoiceBoard.class_id)
        .join(Enrollment, Enrollment.class_id == Classroom.id)
        .where(Enrollment.user_id == student.id, Classroom.archived_at.is_(None))
        .order_by(ChoiceBoard.id.desc())
    ).all()
    return _summaries(session, [(b, c) for b, c in rows], student.id)


def _summaries(
    session: Session, boards: list[tuple[ChoiceBoard, Classroom]], student_id: int | None
) -> list[BoardSummary]:
    ids = [b.id for b, _ in boards]
    options = dict(
        session.execute(
            select(ChoiceOption.board_id, func.count(ChoiceOption.id))
            .where(ChoiceOption.board_id.in_(ids))
            .group_by(ChoiceOption.board_id)
        ).all()
    )
    picks: dict[int, list[tuple[str, str, int]]] = {i: [] for i in ids}
    for board_id, status, kind, who in session.execute(
        select(ChoicePick.board_id, ChoicePick.status, ChoiceOption.kind, ChoicePick.student_id)
        .join(ChoiceOption, ChoiceOption.id == ChoicePick.option_id)
        .where(ChoicePick.board_id.in_(ids))
    ):
        picks[board_id].append((status, kind, who))
    summaries = []
    for board, classroom in boards:
        mine = [s for s, _, who in picks[board.id] if who == student_id]
        waiting = sum(
            1 for s, k, _ in picks[board.id] if s == "submitted" or (s == "picked" and k == "conference")
        )
        summaries.append(
            BoardSummary(
                board.id,
                classroom.id,
                classroom.name,
                board.title,
                board.due_on,
                int(options.get(board.id, 0)),
                len(picks[board.id]),
                waiting if student_id is None else 0,
                mine[0] if mine else None,
            )
        )
    return summaries


def board_view(session: Session, actor: Actor, board_id: int) -> BoardView:
    """The board as its staff sees it (every pick, who has not picked, what waits) or as a student of the
    class sees it (their own pick)."""
    if actor.role == Role.STUDENT:
        board, classroom, student = _student_board(session, actor, board_id)
        return _view(session, board, classroom, staff=False, student_id=student.id)
    board, classroom = _staff_board(session, actor, board_id)
    return _view(session, board, classroom, staff=True)


def _view(
    session: Session, board: ChoiceBoard, classroom: Classroom, *, staff: bool, student_id: int | None = None
) -> BoardView:
    options = session.scalars(
        select(ChoiceOption)
        .where(ChoiceOption.board_id == board.id)
        .order_by(ChoiceOption.position, ChoiceOption.id)
    ).all()
    query = select(ChoicePick).where(ChoicePick.board_id == board.id)
    if not staff:
        query = query.where(ChoicePick.student_id == student_id)
    all_picks = session.scalars(select(ChoicePick).where(ChoicePick.board_id == board.id)).all()
    counts: dict[int, int] = {}
    for pick in all_picks:
        counts[pick.option_id] = counts.get(pick.option_id, 0) + 1
    shown = _pick_views(session, list(session.scalars(query)), {o.id: o for o in options})
    not_picked: tuple[str, ...] = ()
    if staff:
        picked = {p.student_id for p in all_picks}
        not_picked = tuple(
            name
            for user_id, name in session.execute(
                select(User.id, User.display_name)
                .join(Enrollment, Enrollment.user_id == User.id)
                .where(Enrollment.class_id == classroom.id, User.role == Role.STUDENT)
                .order_by(func.lower(User.display_name), User.id)
            )
            if user_id not in picked
        )
    rubric = session.get(Rubric, board.rubric_id) if board.rubric_id else None
    return BoardView(
        board.id, classroom.id, classroom.name, board.title, board.instructions,
        tuple(skill_names(session, classroom, board.skill_keys)), rubric_view(session, rubric) if rubric else None,
        board.due_on,
        tuple(
            OptionView(o.id, o.position, o.kind, KIND_LABELS[o.kind], o.title, o.description, counts.get(o.id, 0))
            for o in options
        ),
        tuple(sorted(shown, key=lambda p: (not p.waiting, p.submitted_at or p.picked_at, p.student_name.lower()))),
        not_picked, sum(1 for p in all_picks if p.status == "assessed"),
    )  # fmt: skip


def _pick_views(
    session: Session, picks: list[ChoicePick], options: dict[int, ChoiceOption]
) -> list[PickView]:
    ids = [p.id for p in picks]
    names = dict(
        session.execute(
            select(User.id, User.display_name).where(User.id.in_({p.student_id for p in picks}))
        ).all()
    )
    files: dict[int, list[StoredFile]] = {i: [] for i in ids}
    for pick_id, stored in session.execute(
        select(ChoicePickFile.pick_id, StoredFile)
        .join(StoredFile, StoredFile.id == ChoicePickFile.file_id)
        .where(ChoicePickFile.pick_id.in_(ids))
    ):
        files[pick_id].append(stored)
    assessments = {
        a.pick_id: a
        for a in session.scalars(select(ChoiceAssessment).where(ChoiceAssessment.pick_id.in_(ids)))
    }
    views = []
    for pick in picks:
        option = options.get(pick.option_id) or session.get(ChoiceOption, pick.option_id)
        assert option is not None
        assessment = assessments.get(pick.id)
        views.append(
            PickView(
                pick.id,
                pick.board_id,
                pick.student_id,
                names.get(pick.student_id, ""),
                option.id,
                option.title,
                option.kind,
                pick.status,
                STATUS_LABELS[pick.status],
                pick.picked_at,
                pick.body,
                pick.submitted_at,
                file_views(files[pick.id]),
                _assessment_view(session, assessment) if assessment else None,
                _effects(assessment) if assessment else (),
            )
        )
    return views


def _assessment_view(session: Session, assessment: ChoiceAssessment) -> FeedbackView:
    return feedback_view(
        session, assessment.pick_id, assessment.scores, assessment.comment, assessment.teacher_id,
        assessment.created_at,
    )  # fmt: skip


def _effects(assessment: ChoiceAssessment) -> tuple[SkillEffect, ...]:
    return tuple(effect_of(e) for e in assessment.effects)


# The student's pick and work


def pick_option(
    session: Session, actor: Actor, board_id: int, option_id: int, *, now: datetime | None = None
) -> PickView:
    """Pick (or change to) one option of the board; final once work was handed in or assessed."""
    board, classroom, student = _student_board(session, actor, board_id)
    _open_class(classroom)
    option = session.get(ChoiceOption, option_id)
    if option is None or option.board_id != board.id:
        raise InvalidInput("option_id", f"option {option_id} is not one of this board's options")
    lock_student(session, student.id)  # one pick per student and board, even when two arrive at once
    pick = _own_pick(session, board.id, student.id)
    moment = now or utcnow()
    if pick is None:
        pick = ChoicePick(
            school_id=board.school_id, board_id=board.id, student_id=student.id, option_id=option.id,
            status="picked", picked_at=moment,
        )  # fmt: skip
        session.add(pick)
    elif pick.option_id != option.id:
        if pick.status != "picked":
            raise Conflict(_final_message(session, pick), field="option_id")
        pick.option_id, pick.picked_at = option.id, moment
    session.flush()
    return _pick_views(session, [pick], {option.id: option})[0]


def _own_pick(session: Session, board_id: int, student_id: int) -> ChoicePick | None:
    return session.scalar(
        select(ChoicePick)
        .where(ChoicePick.board_id == board_id, ChoicePick.student_id == student_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _final_message(session: Session, pick: ChoicePick) -> str:
    option = session.get(ChoiceOption, pick.option_id)
    title = option.title if option else "your option"
    if pick.status == "assessed":
        return f"your teacher has assessed your “{title}”: your pick is final"
    return f"you handed in work for “{title}”: your pick is final"


def submit_work(
    session: Session,
    actor: Actor,
    files: FileStore,
    board_id: int,
    body: str,
    uploads: Sequence[Upload] = (),
    *,
    now: datetime | None = None,
) -> PickView:
    """Hand in the work for the picked option (a written explanation or a product), once."""
    board, classroom, student = _student_board(session, actor, board_id)
    _open_class(classroom)
    lock_student(session, student.id)
    pick = _own_pick(session, board.id, student.id)
    if pick is None:
        raise Conflict("pick a way to show mastery first", field="option_id")
    option = session.get(ChoiceOption, pick.option_id)
    assert option is not None
    if option.kind == "check":
        raise Conflict("a mastery check is taken on its own page, not handed in here", field="option_id")
    if option.kind == "conference":
        raise Conflict(
            "a conference is held with your teacher: there is nothing to hand in", field="option_id"
        )
    if pick.status != "picked":
        raise Conflict(_final_message(session, pick), field="body")
    text = clean_work(body, uploads)
    stored = store_uploads(session, files, board.school_id, student.id, uploads)
    pick.body, pick.submitted_at, pick.status = text, now or utcnow(), "submitted"
    session.add_all(ChoicePickFile(pick_id=pick.id, file_id=row.id) for row in stored)
    session.flush()
    return _pick_views(session, [pick], {option.id: option})[0]


# The teacher's assessment


@dataclass(frozen=True)
class AssessView:
    board: BoardView
    pick: PickView
    rubric: RubricView


def assessment_form(session: Session, actor: Actor, pick_id: int) -> AssessView:
    """One pick with its work and the board's rubric, for its staff."""
    pick, board, classroom = _staff_pick(session, actor, pick_id)
    view = _view(session, board, classroom, staff=True)
    mine = next(p for p in view.picks if p.id == pick.id)
    if view.rubric is None:
        raise Conflict("this board has no rubric: choose one on the board first", field="rubric_id")
    return AssessView(view, mine, view.rubric)


def _staff_pick(
    session: Session, actor: Actor, pick_id: int, *, lock: bool = False
) -> tuple[ChoicePick, ChoiceBoard, Classroom]:
    pick = session.get(ChoicePick, pick_id)
    if pick is None or pick.school_id != actor.school_id:
        raise NotFound(f"pick {pick_id} not found")
    board, classroom = _staff_board(session, actor, pick.board_id)
    if lock:
        # Two teachers at once: the second waits here, then finds the first one's assessment.
        locked = session.scalar(
            select(ChoicePick)
            .where(ChoicePick.id == pick_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        assert locked is not None
        pick = locked
    return pick, board, classroom


@dataclass(frozen=True)
class AssessmentResult:
    id: int
    pick_id: int
    board_id: int
    student_id: int
    effects: tuple[SkillEffect, ...]
    not_counted: tuple[str, ...]


def assess_pick(
    session: Session,
    actor: Actor,
    pick_id: int,
    scores: Sequence[ScoreInput | tuple[int, int | None, str]],
    comment: str = "",
    *,
    now: datetime | None = None,
) -> AssessmentResult:
    """The teacher's rubric levels on a pick (work handed in, or a conference held), once."""
    pick, board, classroom = _staff_pick(session, actor, pick_id, lock=True)
    _open_class(classroom)
    option = session.get(ChoiceOption, pick.option_id)
    assert option is not None
    if option.kind == "check":
        raise Conflict("a mastery check counts through the check itself: there is nothing to assess here")
    given = session.scalar(select(ChoiceAssessment).where(ChoiceAssessment.pick_id == pick.id))
    if given is not None or pick.status == "assessed":
        raise Conflict("this pick has already been assessed: an assessment is given once", field="pick_id")
    if option.kind in TAKES_WORK and pick.status != "submitted":
        raise Conflict(
            "nothing handed in yet: assess the work once the student has handed it in", field="pick_id"
        )
    if board.rubric_id is None:
        raise Conflict("this board has no rubric: choose one on the board first", field="rubric_id")
    text = clean_text(comment, "comment", "the comment", limits.TEXT_MAX, required=False)
    criteria = criteria_of(session, board.rubric_id)
    checked = checked_scores(criteria, scores)
    student = session.get(User, pick.student_id)
    assert student is not None
    moment = now or utcnow()
    assessed = record_rubric_evidence(
        session, classroom, student, criteria, checked, board.skill_keys, moment
    )
    row = ChoiceAssessment(
        school_id=pick.school_id, pick_id=pick.id, teacher_id=actor.user_id, rubric_id=board.rubric_id,
        scores=stored_scores(criteria, checked), comment=text, effects=effects_json(assessed.effects),
        created_at=moment,
    )  # fmt: skip
    session.add(row)
    pick.status = "assessed"
    session.flush()
    messages.notify(
        session, school_id=pick.school_id, recipient_id=pick.student_id, author_id=actor.user_id,
        kind="feedback", subject=f"Assessed: {option.title} for {board.title}",
        body=text or "Your teacher assessed your work with the rubric.", link=f"/choices/{board.id}",
    )  # fmt: skip
    session.flush()
    return AssessmentResult(
        row.id, pick.id, board.id, pick.student_id, assessed.effects, assessed.not_counted
    )


def read_pick_file(
    session: Session, actor: Actor, files: FileStore, pick_id: int, file_id: int
) -> tuple[FileView, bytes]:
    """A file handed in for a pick: for the student who handed it in, the class's staff."""
    pick = session.get(ChoicePick, pick_id)
    if pick is None or pick.school_id != actor.school_id:
        raise NotFound(f"pick {pick_id} not found")
    if actor.role == Role.STUDENT:
        if pick.student_id != actor.user_id:
            raise Forbidden("you may only open your own work")
    else:
        _staff_board(session, actor, pick.board_id)
    if session.get(ChoicePickFile, (pick.id, file_id)) is None:
        raise NotFound(f"file {file_id} not found")
    row = session.get(StoredFile, file_id)
    assert row is not None
    return FileView(row.id, row.name, row.media_type, row.size), files.read(row)


def _assessed_count(session: Session, board_id: int) -> int:
    return int(
        session.scalar(
            select(func.count(ChoiceAssessment.id))
            .join(ChoicePick, ChoicePick.id == ChoiceAssessment.pick_id)
            .where(ChoicePick.board_id == board_id)
        )
        or 0
    )


@dataclass(frozen=True)
class BoardFormOptions:
    class_id: int
    class_name: str
    skills: tuple[tuple[str, str], ...]  # (key, name) of the class's course
    rubrics: tuple[tuple[int, str], ...]  # (id, title) of the school's rubrics, not archived


def board_form_options(session: Session, actor: Actor, class_id: int) -> BoardFormOptions:
    """What the board form offers: the class's course skills and the school's rubrics."""
    classroom = get_class(session, actor, class_id)
    skills = tuple(
        session.execute(
            select(Skill.key, Skill.name)
            .where(Skill.course_id == classroom.course_id)
            .order_by(Skill.position, Skill.id)
        ).all()
    ) if classroom.course_id else ()  # fmt: skip
    rubrics = tuple((r.id, r.title) for r in list_rubrics(session, actor))
    return BoardFormOptions(classroom.id, classroom.name, skills, rubrics)


def pick_board_id(session: Session, actor: Actor, pick_id: int) -> int:
    """The board of a pick the actor may assess."""
    _pick, board, _ = _staff_pick(session, actor, pick_id)
    return board.id


def staff_board(session: Session, actor: Actor, board_id: int) -> BoardView:
    """The board as its staff sees it; a student of the school is refused (403) once it is found."""
    board = _board(session, actor, board_id)
    if actor.role == Role.STUDENT:
        raise Forbidden("only the class's teachers and the school's administrators change a choice board")
    classroom = get_class(session, actor, board.class_id)
    return _view(session, board, classroom, staff=True)


def staff_classes(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """The open classes a board can be made for: those the teacher teaches, every one for an admin."""
    if actor.role == Role.STUDENT:
        raise Forbidden("only teachers and administrators make choice boards")
    query = select(Classroom.id, Classroom.name).where(
        Classroom.school_id == actor.school_id, Classroom.archived_at.is_(None)
    )
    if actor.role != Role.ADMIN:
        query = query.join(ClassTeacher, ClassTeacher.class_id == Classroom.id).where(
            ClassTeacher.user_id == actor.user_id
        )
    return [(i, n) for i, n in session.execute(query.order_by(Classroom.name, Classroom.id))]
