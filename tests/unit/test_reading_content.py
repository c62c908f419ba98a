"""The demo reading course and its leveled texts, written as data: enough texts, versions and questions, every
question aligned to a skill of the course, and the versions of every text ordered by readability."""

from __future__ import annotations

import itertools

from atpace.content.package import validate_package
from atpace.engine import readability
from atpace.services.readings.authoring import _check
from atpace.services.readings.demo import CONTENT, demo_texts, reading_course


def test_the_reading_course_is_a_valid_course_package() -> None:
    assert validate_package(CONTENT / "course") == []
    course = reading_course()
    assert course.key == "reading" and len(course.skills) == 5


def test_there_are_eight_original_texts_of_three_to_five_versions_with_four_questions_each() -> None:
    texts = demo_texts()
    assert len(texts) >= 8
    assert len({key for key, _ in texts}) == len(texts)
    for key, text in texts:
        assert 3 <= len(text.versions) <= 5, key
        for version in text.versions:
            assert len(text.shared_questions) + len(version.questions) >= 4, key


def test_every_text_passes_the_rules_a_teacher_s_reading_passes() -> None:
    skills = {skill.key: index for index, skill in enumerate(reading_course().skills, start=1)}
    kinds = set()
    for _, text in demo_texts():
        measured = _check(text, skills)  # raises InvalidInput naming the field at fault
        assert len(measured) == len(text.versions)
        kinds |= {q.kind for v in text.versions for q in (*text.shared_questions, *v.questions)}
    assert kinds == {"multiple_choice", "short_text"}


def test_the_versions_of_every_text_order_by_readability() -> None:
    for key, text in demo_texts():
        figures = [readability.measure(v.body) for v in text.versions]
        for easier, harder in itertools.pairwise(figures):
            assert easier.estimated_grade < harder.estimated_grade, key
            assert easier.flesch_kincaid_grade < harder.flesch_kincaid_grade, key
            assert easier.words_per_sentence < harder.words_per_sentence, key
            assert easier.letters_per_word < harder.letters_per_word, key
