"""Format detection from content, on the fixtures (real files and ones written for these tests) and on
small texts."""

from __future__ import annotations

import pytest

from atpace.interop.items import detect_format
from tests.unit.interop.helpers import FIXTURES, fixture, parse, zip_files, zip_folder


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("moodle/gift_examples.txt", "gift"),
        ("moodle/gift_questions.gift.txt", "gift"),
        ("moodle/gift_questions_in_category.gift.txt", "gift"),
        ("moodle/aiken_questions.aiken.txt", "aiken"),
        ("moodle/aiken_errors.txt", "aiken"),
        ("canvas_all_question_types.xml", "qti12"),
        ("written/qti3_choice_feedback.xml", "qti"),
        ("written/qti3_mathml.xml", "qti"),
        ("qti21/choice-feedback.xml", "qti"),
        ("hostile/billion_laughs.xml", "qti"),
        ("hostile/xxe_parameter_entity.xml", "qti12"),
    ],
)
def test_real_files(name: str, expected: str) -> None:
    assert detect_format(fixture(name), name.rsplit("/", 1)[-1]) == expected


@pytest.mark.parametrize(
    ("folder", "expected"),
    [("canvas_quiz_export", "qti12"), ("written/qti22_package", "qti"), ("kennisnet_qti3", "qti")],
)
def test_packages(folder: str, expected: str) -> None:
    assert detect_format(zip_folder(folder), f"{folder.rsplit('/', 1)[-1]}.zip") == expected


def test_zip_without_manifest() -> None:
    canvas = (FIXTURES / "canvas_all_question_types.xml").read_bytes()
    assert detect_format(zip_files({"quiz/quiz.xml": canvas}), "quiz.zip") == "qti12"
    assert parse(zip_files({"quiz/quiz.xml": canvas}), "quiz.zip").items  # read without a manifest too


@pytest.mark.parametrize(
    ("text", "filename", "expected"),
    [
        ("\ufeffKind,Prompt,Answer\r\nnumeric,1+1?,2\r\n", "x.txt", "csv"),
        ('"kind";"prompt";"answer"\n', "x.txt", "csv"),
        ("Question?\nA) yes\nB) no\nANSWER: A\n", "x.txt", "aiken"),
        ("What is 1+1? {=2}", "x.txt", "gift"),
        ("::name::Text\n", "x.txt", "gift"),
        ("Question?\nA) {yes}\nB) no\nANSWER: A\n", "x.gift", "gift"),
        ("Question?\nA) {yes}\nB) no\nANSWER: A\n", "x.txt", "gift"),
        ("Just some words\n", "x.txt", None),
        ("Just some words\n", "x.gift", "gift"),
        ("<html><body>hi</body></html>", "x.html", "qti"),
    ],
)
def test_text(text: str, filename: str, expected: str | None) -> None:
    assert detect_format(text.encode(), filename) == expected
