"""Aiken import: Moodle's fixtures (one of them full of mistakes), then the edge cases."""

from __future__ import annotations

from atpace.interop.items import ItemImport
from tests.unit.interop.helpers import fixture, parse


def aiken(text: str) -> ItemImport:
    return parse(text.encode(), "quiz.txt", "aiken")


def test_moodle_questions_fixture() -> None:
    result = parse(fixture("moodle/aiken_questions.aiken.txt"), "questions.aiken.txt")
    assert result.format == "aiken" and result.ok and not result.skipped
    first, second = result.items
    assert first.prompt == "The Moodle project was started by:"
    assert first.answer.choices == ("Petr Skoda", "Martin Dougiamas", "Eloy Lafuente", "Tim Hunt")
    assert first.answer.correct == "Martin Dougiamas"
    # Aiken is plain text: markup-looking text stays as written
    assert (
        second.prompt
        == 'Moodle\'s abilities include handling user input that includes <html class="cool"> & images:'
    )
    assert (second.answer.correct, second.answer.choices) == ("True", ("True", "False"))
    assert [i.template_key for i in result.items] == ["import-aiken", "import-aiken"]


def test_moodle_errors_fixture_names_each_line() -> None:
    """The same mistakes Moodle's own test expects (lines 3, 5, 7 and 18), each refusing the import."""
    result = parse(fixture("moodle/aiken_errors.txt"), "aiken_errors.txt", "aiken")
    assert not result.ok
    assert [(p.line, p.message) for p in result.problems] == [
        (3, "a question needs at least two choices"),
        (5, "a choice with no question before it"),
        (7, "ANSWER with no question before it"),
        (18, "the question at line 14 has no ANSWER line before this new question"),
    ]
    assert result.problems[0].where == "A question with too few answers"
    good = {item.prompt: item.answer for item in result.items}
    assert good["A good question"].correct == "Correct"
    assert good["A second good question"].choices == ("Incorrect (No space)", "Correct (No space)")
    assert good["A second good question"].correct == "Correct (No space)"


def test_multiline_question_dot_labels_and_lowercase_answer() -> None:
    result = aiken(
        "Look at the fractions.\nWhich is the largest?\nA. 1/2\nB. 2/3\nC. 3/5\nANSWER: b\nEnd of file?\nA) Yes\nB) No\nANSWER: A"
    )
    assert result.ok
    first, second = result.items
    assert first.prompt == "Look at the fractions.\nWhich is the largest?"
    assert (first.answer.correct, first.answer.choices) == ("2/3", ("1/2", "2/3", "3/5"))
    assert second.answer.correct == "Yes"


def test_answer_errors() -> None:
    result = aiken(
        "Q1\nA) x\nB) y\nANSWER: E\n\nQ2\nA) x\nA) y\nANSWER: A\n\nQ3\nA) x\nB) y\nANSWER: A or B\n\nQ4\nA) x\nB) x\nANSWER: A\n\nQ5\nA) x\nB) y"
    )
    assert [(p.line, p.message) for p in result.problems] == [
        (4, "ANSWER E names no choice (A, B)"),
        (9, "choice A appears twice"),
        (14, "ANSWER must be one letter, not 'A or B'"),
        (16, "the choice 'x' appears twice"),
        (21, "the last question has no ANSWER line"),
    ]
    assert result.items == []
