"""Adding and editing a reading: its versions and questions are checked, readability is worked out on
save, and the versions are stored easiest first (docs/readings.md)."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from atpace.content.spec import AnswerSpec
from atpace.engine import readability
from atpace.errors import Conflict, InvalidInput, NotFound
from atpace.services import limits
from atpace.services.access import get_course, require_staff
from atpace.services.auth import Actor
from atpace.store.tables import Course, Skill, utcnow
from atpace.store.tables_readings import Reading, ReadingQuestion, ReadingVersion

VERSIONS_MIN, VERSIONS_MAX = 2, 5
QUESTIONS_MIN, QUESTIONS_MAX = 1, 12
CHOICES_MIN, CHOICES_MAX = 2, 8
BODY_MAX = limits.TEXT_MAX
PROMPT_MAX = 1000
CHOICE_MAX = 300
QUESTION_KINDS = ("multiple_choice", "short_text")
KEY_MAX = 64


@dataclass(frozen=True)
class QuestionInput:
    skill: str  # the key of a skill of the reading's course
    kind: str  # multiple_choice or short_text
    prompt: str
    correct: str
    choices: tuple[str, ...] = ()  # multiple choice, in display order
    alternatives: tuple[str, ...] = ()  # short answer: other accepted answers


@dataclass(frozen=True)
class VersionInput:
    body: str
    questions: tuple[QuestionInput, ...] = ()


@dataclass(frozen=True)
class ReadingInput:
    title: str
    versions: tuple[VersionInput, ...]
    summary: str = ""
    key: str = ""  # "" : made from the title
    shared_questions: tuple[QuestionInput, ...] = field(default=())  # asked on every version


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:KEY_MAX].strip("-") or "reading"


def _check(
    data: ReadingInput, skills: Mapping[str, int]
) -> list[tuple[VersionInput, readability.Readability]]:
    """Every rule of a reading, in form order; the first one broken is raised naming its field."""
    if not data.title.strip():
        raise InvalidInput("title", "give the reading a title")
    if len(data.title) > limits.TITLE_MAX:
        raise InvalidInput("title", f"at most {limits.TITLE_MAX} characters")
    if len(data.summary) > limits.TEXT_MAX:
        raise InvalidInput("summary", f"at most {limits.TEXT_MAX} characters")
    versions = [v for v in data.versions if v.body.strip() or v.questions]
    if not VERSIONS_MIN <= len(versions) <= VERSIONS_MAX:
        raise InvalidInput(
            "versions", f"a reading has {VERSIONS_MIN} to {VERSIONS_MAX} versions, not {len(versions)}"
        )
    measured = []
    for v_index, version in enumerate(versions):
        where = f"versions[{v_index}]"
        if not version.body.strip():
            raise InvalidInput(f"{where}.body", "write the text of this version")
        if len(version.body) > BODY_MAX:
            raise InvalidInput(f"{where}.body", f"at most {BODY_MAX} characters")
        questions = (*data.shared_questions, *version.questions)
        if not QUESTIONS_MIN <= len(questions) <= QUESTIONS_MAX:
            raise InvalidInput(
                f"{where}.questions", f"each version has {QUESTIONS_MIN} to {QUESTIONS_MAX} questions"
            )
        for q_index, question in enumerate(version.questions):
            _check_question(question, f"{where}.questions[{q_index}]", skills)
        try:
            measured.append((version, readability.measure(version.body)))
        except ValueError:
            raise InvalidInput(f"{where}.body", "the text has no words") from None
    for q_index, question in enumerate(data.shared_questions):
        _check_question(question, f"shared_questions[{q_index}]", skills)
    measured.sort(key=lambda pair: pair[1].estimated_grade)
    for (_, easier), (_, harder) in itertools.pairwise(measured):
        if harder.estimated_grade <= easier.estimated_grade:
            raise InvalidInput(
                "versions",
                f"two versions have the same estimated grade ({easier.estimated_grade:g}): make one simpler "
                "or harder so that the versions differ in complexity",
            )
    return measured


def _check_question(question: QuestionInput, where: str, skills: Mapping[str, int]) -> None:
    if question.skill not in skills:
        raise InvalidInput(f"{where}.skill", "choose a skill of the reading's course")
    if question.kind not in QUESTION_KINDS:
        raise InvalidInput(f"{where}.kind", "a question is multiple choice or short answer")
    if not question.prompt.strip():
        raise InvalidInput(f"{where}.prompt", "write the question")
    if len(question.prompt) > PROMPT_MAX:
        raise InvalidInput(f"{where}.prompt", f"at most {PROMPT_MAX} characters")
    if not question.correct.strip():
        raise InvalidInput(f"{where}.correct", "give the right answer")
    if any(len(text) > CHOICE_MAX for text in (question.correct, *question.choices, *question.alternatives)):
        raise InvalidInput(f"{where}.choices", f"an answer or choice has at most {CHOICE_MAX} characters")
    if question.kind == "multiple_choice":
        choices = [c.strip() for c in question.choices if c.strip()]
        if not CHOICES_MIN <= len(choices) <= CHOICES_MAX:
            raise InvalidInput(f"{where}.choices", f"give {CHOICES_MIN} to {CHOICES_MAX} choices")
        if len({c.casefold() for c in choices}) != len(choices):
            raise InvalidInput(f"{where}.choices", "each choice must differ from the others")
        if question.correct.strip() not in choices:
            raise InvalidInput(f"{where}.correct", "the right answer must be one of the choices")


def answer_spec(question: QuestionInput) -> AnswerSpec:
    if question.kind == "multiple_choice":
        return AnswerSpec(
            kind="multiple_choice",
            correct=question.correct.strip(),
            choices=tuple(c.strip() for c in question.choices if c.strip()),
        )
    return AnswerSpec(
        kind="short_text",
        correct=question.correct.strip(),
        alternatives=tuple(a.strip() for a in question.alternatives if a.strip()),
    )


def course_skills(session: Session, course_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Skill.key, Skill.id).where(Skill.course_id == course_id).order_by(Skill.position, Skill.id)
    )
    return {key: skill_id for key, skill_id in rows}


def skill_choices(session: Session, course_id: int) -> list[tuple[str, str]]:
    """(key, name) of the course's skills, in course order, for the form's menus."""
    return [
        (key, name)
        for key, name in session.execute(
            select(Skill.key, Skill.name)
            .where(Skill.course_id == course_id)
            .order_by(Skill.position, Skill.id)
        )
    ]


def create(session: Session, actor: Actor, course_id: int, data: ReadingInput) -> int:
    """Add a reading to a course of the actor's school (teachers and administrators)."""
    course = get_course(session, actor, course_id)  # another school's: 404 before 403
    require_staff(actor)
    return save(session, course, data, created_by_id=actor.user_id)


def update(session: Session, actor: Actor, reading_id: int, data: ReadingInput) -> int:
    """Replace a reading's text, versions and questions. Answers already given stay with their questions
    (which leave the reading's versions) and the evidence they gave stays."""
    reading = get_reading(session, actor, reading_id, for_update=True)
    require_staff(actor)
    course = session.get(Course, reading.course_id)
    assert course is not None
    return save(session, course, data, reading=reading)


def get_reading(session: Session, actor: Actor, reading_id: int, *, for_update: bool = False) -> Reading:
    query = select(Reading).where(Reading.id == reading_id)
    if for_update:
        query = query.with_for_update()
    reading = session.scalar(query)
    if reading is None or reading.school_id != actor.school_id:
        raise NotFound(f"reading {reading_id} not found")
    return reading


def save(
    session: Session,
    course: Course,
    data: ReadingInput,
    *,
    reading: Reading | None = None,
    created_by_id: int | None = None,
) -> int:
    skills = course_skills(session, course.id)
    measured = _check(data, skills)
    key = (data.key.strip() or slug(data.title))[:KEY_MAX]
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key):
        raise InvalidInput("key", "lowercase words and digits joined by hyphens")
    clash = session.scalar(select(Reading.id).where(Reading.course_id == course.id, Reading.key == key))
    if clash is not None and (reading is None or clash != reading.id):
        raise Conflict(f"the course already has a reading called {key!r}", "title")
    now = utcnow()
    if reading is None:
        reading = Reading(
            school_id=course.school_id, course_id=course.id, key=key, created_by_id=created_by_id,
            created_at=now, title="",
        )  # fmt: skip
        session.add(reading)
    reading.key, reading.title, reading.summary, reading.updated_at = (
        key,
        data.title.strip(),
        data.summary,
        now,
    )
    session.flush()
    # Old versions go; their questions stay (version_id set to NULL) with the answers given to them.
    session.execute(delete(ReadingVersion).where(ReadingVersion.reading_id == reading.id))
    session.flush()
    for position, (version, figures) in enumerate(measured):
        row = ReadingVersion(
            reading_id=reading.id, position=position, body=version.body.strip(),
            flesch_kincaid_grade=figures.flesch_kincaid_grade, dale_chall=figures.dale_chall,
            words=figures.words, sentences=figures.sentences, words_per_sentence=figures.words_per_sentence,
            letters_per_word=figures.letters_per_word, estimated_grade=figures.estimated_grade,
            grade_band=figures.grade_band,
        )  # fmt: skip
        session.add(row)
        session.flush()
        for q_position, question in enumerate((*data.shared_questions, *version.questions)):
            session.add(
                ReadingQuestion(
                    version_id=row.id, reading_id=reading.id, skill_id=skills[question.skill],
                    position=q_position, kind=question.kind, prompt=question.prompt.strip(),
                    answer=answer_spec(question).to_dict(),
                )
            )  # fmt: skip
    session.flush()
    return reading.id


def reading_input(data: Mapping[str, object]) -> ReadingInput:
    """A reading written as data (the demo's YAML files, the JSON API's body), checked for its shape; the
    rules are checked on save."""

    def text(value: object, where: str) -> str:
        if not isinstance(value, str):
            raise InvalidInput(where, "must be text")
        return value

    def texts(value: object, where: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list | tuple):
            raise InvalidInput(where, "must be a list of texts")
        return tuple(text(v, where) for v in value)

    def questions(value: object, where: str) -> tuple[QuestionInput, ...]:
        if value is None:
            return ()
        if not isinstance(value, list | tuple):
            raise InvalidInput(where, "must be a list of questions")
        found = []
        for index, raw in enumerate(value):
            at = f"{where}[{index}]"
            if not isinstance(raw, Mapping):
                raise InvalidInput(at, "must be a question")
            found.append(
                QuestionInput(
                    skill=text(raw.get("skill", ""), f"{at}.skill"),
                    kind=text(raw.get("kind", ""), f"{at}.kind"),
                    prompt=text(raw.get("prompt", ""), f"{at}.prompt"),
                    correct=text(raw.get("correct", ""), f"{at}.correct"),
                    choices=texts(raw.get("choices"), f"{at}.choices"),
                    alternatives=texts(raw.get("alternatives"), f"{at}.alternatives"),
                )
            )
        return tuple(found)

    raw_versions = data.get("versions")
    if not isinstance(raw_versions, Sequence) or isinstance(raw_versions, str):
        raise InvalidInput("versions", "must be a list of versions")
    versions = []
    for index, raw in enumerate(raw_versions):
        if not isinstance(raw, Mapping):
            raise InvalidInput(f"versions[{index}]", "must be a version")
        versions.append(
            VersionInput(
                body=text(raw.get("body", ""), f"versions[{index}].body"),
                questions=questions(raw.get("questions"), f"versions[{index}].questions"),
            )
        )
    return ReadingInput(
        title=text(data.get("title", ""), "title"),
        summary=text(data.get("summary", ""), "summary"),
        key=text(data.get("key", ""), "key"),
        versions=tuple(versions),
        shared_questions=questions(data.get("questions"), "questions"),
    )
