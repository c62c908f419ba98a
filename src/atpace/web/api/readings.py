"""JSON API of leveled texts (docs/readings.md): a student's readings at their level and answers to their
questions; the school's readings with their readability figures, adding and editing them; a class's reading
levels, set and locked by its teachers. The pages (web/pages/readings.py) call the same services."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from atpace.services import limits, readings
from atpace.services.readings import authoring
from atpace.web.api.schemas import Request
from atpace.web.api.school_schemas import errors
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId, Text

router = APIRouter(tags=["readings"], responses=errors(401, 403, 404, 422))

ShortText = Annotated[str, Field(max_length=authoring.CHOICE_MAX), Text]


# --- Models ---------------------------------------------------------------------------------------------


class QuestionRequest(Request):
    skill: str = Field(min_length=1, max_length=64, description="key of a skill of the reading's course")
    kind: Literal["multiple_choice", "short_text"]
    prompt: str = Field(min_length=1, max_length=authoring.PROMPT_MAX)
    correct: str = Field(min_length=1, max_length=authoring.CHOICE_MAX)
    choices: list[ShortText] = Field(default_factory=list, max_length=authoring.CHOICES_MAX)
    alternatives: list[ShortText] = Field(default_factory=list, max_length=10)


class VersionRequest(Request):
    body: str = Field(min_length=1, max_length=authoring.BODY_MAX)
    questions: list[QuestionRequest] = Field(default_factory=list, max_length=authoring.QUESTIONS_MAX)


class ReadingRequest(Request):
    title: str = Field(min_length=1, max_length=limits.TITLE_MAX)
    summary: str = Field(default="", max_length=limits.TEXT_MAX)
    key: str = Field(default="", max_length=authoring.KEY_MAX, description='"" : made from the title')
    questions: list[QuestionRequest] = Field(
        default_factory=list, max_length=authoring.QUESTIONS_MAX, description="asked on every version"
    )
    versions: list[VersionRequest] = Field(
        min_length=authoring.VERSIONS_MIN, max_length=authoring.VERSIONS_MAX,
        description="2 to 5 versions, in any order: they are stored easiest first",
    )  # fmt: skip

    def to_input(self) -> readings.ReadingInput:
        def question(q: QuestionRequest) -> readings.QuestionInput:
            return readings.QuestionInput(
                q.skill, q.kind, q.prompt, q.correct, tuple(q.choices), tuple(q.alternatives)
            )

        return readings.ReadingInput(
            title=self.title, summary=self.summary, key=self.key,
            versions=tuple(readings.VersionInput(v.body, tuple(question(q) for q in v.questions)) for v in self.versions),
            shared_questions=tuple(question(q) for q in self.questions),
        )  # fmt: skip


class NewReadingRequest(ReadingRequest):
    course_id: int = Field(ge=1, le=MAX_ID)


class AnswerRequest(Request):
    question_id: int = Field(ge=1, le=MAX_ID)
    response: str = Field(max_length=limits.RESPONSE_MAX)


class LevelRequest(Request):
    level: float | None = Field(
        default=None, ge=1, le=13, description="a grade (13: college); null keeps the level"
    )
    locked: bool


class ReadingCardOut(BaseModel):
    id: int
    title: str
    summary: str
    course_title: str
    versions: int
    grade_band: str
    finished_right: int | None
    finished_questions: int | None


class ReadingListOut(BaseModel):
    readings: list[ReadingCardOut]


class QuestionOut(BaseModel):
    id: int
    kind: str
    prompt: str
    choices: list[str]
    skill: str
    answered: str | None
    correct: bool | None
    right_answer: str | None


class VersionChoiceOut(BaseModel):
    position: int
    grade_band: str
    estimated_grade: float


class ReadingPageOut(BaseModel):
    id: int
    title: str
    course_title: str
    level: float
    locked: bool
    versions: list[VersionChoiceOut]
    picked: int
    chosen: int
    direction: str
    body: str
    questions: list[QuestionOut]


class AnswerOut(BaseModel):
    question_id: int
    correct: bool
    right_answer: str
    message: str
    repeated: bool
    finished_right: int | None
    finished_questions: int | None
    level_before: float
    level_after: float


class QuestionDetailOut(BaseModel):
    id: int
    kind: str
    prompt: str
    skill: str
    correct: str
    choices: list[str]
    alternatives: list[str]


class VersionDetailOut(BaseModel):
    id: int
    position: int
    body: str
    flesch_kincaid_grade: float
    dale_chall: float
    words: int
    sentences: int
    words_per_sentence: float
    letters_per_word: float
    estimated_grade: float
    grade_band: str
    questions: list[QuestionDetailOut]


class ReadingDetailOut(BaseModel):
    id: int
    key: str
    title: str
    summary: str
    course_id: int
    course_title: str
    versions: list[VersionDetailOut]


class ReadingSummaryOut(BaseModel):
    id: int
    title: str
    course_id: int
    course_title: str
    grade_bands: list[str]


class LibraryOut(BaseModel):
    readings: list[ReadingSummaryOut]


class StudentLevelOut(BaseModel):
    student_id: int
    name: str
    level: float
    grade_band: str
    locked: bool
    set_by_teacher: bool
    texts: int
    last_right: int | None
    last_questions: int | None


class ClassLevelsOut(BaseModel):
    class_id: int
    class_name: str
    course_id: int
    course_title: str
    students: list[StudentLevelOut]


def detail_out(d: readings.ReadingDetail) -> ReadingDetailOut:
    return ReadingDetailOut(
        id=d.id, key=d.key, title=d.title, summary=d.summary, course_id=d.course_id, course_title=d.course_title,
        versions=[
            VersionDetailOut(
                id=v.id, position=v.position, body=v.body, flesch_kincaid_grade=v.flesch_kincaid_grade,
                dale_chall=v.dale_chall, words=v.words, sentences=v.sentences,
                words_per_sentence=v.words_per_sentence, letters_per_word=v.letters_per_word,
                estimated_grade=v.estimated_grade, grade_band=v.grade_band,
                questions=[
                    QuestionDetailOut(
                        id=q.id, kind=q.kind, prompt=q.prompt, skill=q.skill_key, correct=q.answer.correct,
                        choices=list(q.answer.choices), alternatives=list(q.answer.alternatives),
                    )
                    for q in v.questions
                ],
            )
            for v in d.versions
        ],
    )  # fmt: skip


def level_out(s: readings.StudentLevel) -> StudentLevelOut:
    return StudentLevelOut(
        student_id=s.student_id, name=s.name, level=s.level, grade_band=s.grade_band, locked=s.locked,
        set_by_teacher=s.set_by_teacher, texts=s.texts, last_right=s.last_score[0] if s.last_score else None,
        last_questions=s.last_score[1] if s.last_score else None,
    )  # fmt: skip


# --- Routes ---------------------------------------------------------------------------------------------


@router.get("/readings", response_model=ReadingListOut)
def list_readings(actor: ActorDep, session: SessionDep) -> ReadingListOut:
    """The student's readings (the courses of their classes), each with the grade band of the version their
    reading level picks (students only)."""
    cards = readings.list_readings(session, actor)
    return ReadingListOut(
        readings=[
            ReadingCardOut(
                id=c.id, title=c.title, summary=c.summary, course_title=c.course_title, versions=c.versions,
                grade_band=c.grade_band, finished_right=c.finished[0] if c.finished else None,
                finished_questions=c.finished[1] if c.finished else None,
            )
            for c in cards
        ]
    )  # fmt: skip


@router.get("/readings/library", response_model=LibraryOut)
def library(
    actor: ActorDep,
    session: SessionDep,
    course_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> LibraryOut:
    """The school's readings (teachers and administrators), with the grade band of each version."""
    found = readings.school_readings(session, actor, course_id)
    return LibraryOut(
        readings=[
            ReadingSummaryOut(
                id=r.id,
                title=r.title,
                course_id=r.course_id,
                course_title=r.course_title,
                grade_bands=list(r.bands),
            )
            for r in found
        ]
    )


@router.post("/readings", response_model=ReadingDetailOut, status_code=201, responses=errors(409))
def create_reading(body: NewReadingRequest, actor: ActorDep, session: SessionDep) -> ReadingDetailOut:
    """Add a reading to a course (teachers and administrators). Readability is worked out on save; versions
    are stored easiest first and must differ in estimated grade."""
    reading_id = readings.create(session, actor, body.course_id, body.to_input())
    return detail_out(readings.reading_detail(session, actor, reading_id))


@router.get("/readings/{reading_id}", response_model=ReadingPageOut)
def read(
    reading_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    version: Annotated[int | None, Query(ge=0, le=10)] = None,
) -> ReadingPageOut:
    """The reading at the student's level, or the version chosen (`version`, 0 = easiest: reading up or
    down); answers already given come with their right answers."""
    page = readings.reading_page(session, actor, reading_id, version)
    return ReadingPageOut(
        id=page.id, title=page.title, course_title=page.course_title, level=page.level, locked=page.locked,
        versions=[VersionChoiceOut(position=v.position, grade_band=v.grade_band, estimated_grade=v.estimated_grade)
                  for v in page.versions],
        picked=page.picked, chosen=page.chosen, direction=page.direction, body=page.body,
        questions=[
            QuestionOut(
                id=q.id, kind=q.kind, prompt=q.prompt, choices=list(q.choices), skill=q.skill_name,
                answered=q.answered, correct=q.correct, right_answer=q.right_answer,
            )
            for q in page.questions
        ],
    )  # fmt: skip


@router.get("/readings/{reading_id}/versions", response_model=ReadingDetailOut)
def versions(reading_id: PathId, actor: ActorDep, session: SessionDep) -> ReadingDetailOut:
    """A reading's versions with their readability figures and questions (teachers and administrators)."""
    return detail_out(readings.reading_detail(session, actor, reading_id))


@router.put("/readings/{reading_id}", response_model=ReadingDetailOut, responses=errors(409))
def update_reading(
    reading_id: PathId, body: ReadingRequest, actor: ActorDep, session: SessionDep
) -> ReadingDetailOut:
    """Replace a reading's versions and questions (teachers and administrators); answers already given keep
    their evidence."""
    readings.update(session, actor, reading_id, body.to_input())
    return detail_out(readings.reading_detail(session, actor, reading_id))


@router.post("/readings/{reading_id}/answers", response_model=AnswerOut)
def answer(reading_id: PathId, body: AnswerRequest, actor: ActorDep, session: SessionDep) -> AnswerOut:
    """Answer one question (students). The first answer to a question counts; sending it again returns that
    first result (`repeated`). Finishing a version reports its score and the reading level after it."""
    out = readings.answer(session, actor, reading_id, body.question_id, body.response)
    return AnswerOut(
        question_id=out.question_id, correct=out.correct, right_answer=out.right_answer, message=out.message,
        repeated=out.repeated, finished_right=out.finished[0] if out.finished else None,
        finished_questions=out.finished[1] if out.finished else None, level_before=out.level_before,
        level_after=out.level_after,
    )  # fmt: skip


@router.get("/classes/{class_id}/reading-levels", response_model=ClassLevelsOut, responses=errors(409))
def class_levels(class_id: PathId, actor: ActorDep, session: SessionDep) -> ClassLevelsOut:
    """The reading level of each student of the class in its course (the class's teachers, admins)."""
    levels = readings.class_levels(session, actor, class_id)
    return ClassLevelsOut(
        class_id=levels.class_id, class_name=levels.class_name, course_id=levels.course_id,
        course_title=levels.course_title, students=[level_out(s) for s in levels.students],
    )  # fmt: skip


@router.put(
    "/classes/{class_id}/students/{student_id}/reading-level",
    response_model=StudentLevelOut,
    responses=errors(409),
)
def set_level(
    class_id: PathId, student_id: PathId, body: LevelRequest, actor: ActorDep, session: SessionDep
) -> StudentLevelOut:
    """Set a student's reading level (a grade, 1 to 13; null keeps it) and lock or unlock it. A locked level
    does not move with comprehension results."""
    return level_out(
        readings.set_level(session, actor, class_id, student_id, level=body.level, locked=body.locked)
    )
