"""The shared answer corpus: the server's checker (atpace.content.answers) gives every recorded verdict.

tests/fixtures/offline/answer_corpus.json holds (answer spec, response, expected status, message,
normalized) cases: hand-picked edge cases and answers to items of every template of the built-in courses.
The browser's offline checker (static/offline/checker.js) must give the same for every case
(tests/browser/test_offline.py runs it in Chromium). When the answer rules change on purpose, regenerate
the file with ``.venv/bin/python -m tests.unit.test_offline_corpus`` and change checker.js to match.
"""

from __future__ import annotations

import json
from pathlib import Path

from atpace.content.answers import check_answer
from atpace.content.spec import AnswerSpec

CORPUS = Path(__file__).parents[1] / "fixtures" / "offline" / "answer_corpus.json"
ITEMS_PER_TEMPLATE = 1

NUMBER_RESPONSES = [
    "", "   ", "1/2", "2/4", "50/100", " 1 / 2 ", "1⁄2", "1∕2", "1÷2", "½", "+1/2", "-1/2", "−1/2", "– 1/2",
    "1 1/2", "1 and 1/2", "1 AND 1/2", "3/2", "1½", "1 ½", "0.5", ".5", "0.50", "00.5", "5.", "0,5", "1,000",
    "1/0", "1//2", "1/2/3", "/2", "1/", "/", "1.5/2", "1/2.5", "a/b", "x 1/2", "1 2 3/4", "0", "-0", "007",
    "12", "12.0", "1e3", "three", "1/2 ", "⅟4", "↉", "¼", "¾", "1¾", "7/4", "1 3/4", "1 6/8", "2/1",
    "0/5", "-0.0", "99999999999999999999999999/2", "1" * 41, "1 12/8", "1\u00a01/2", "1\u20031/2",
    "1\x1c1/2", "\ufeff1/2", "1/2.", "8", "8.0", "08", "0.75", "3/4", "75/100", "0.750", "−0.75",
]  # fmt: skip
CHOICE_RESPONSES = [
    "", "A", "a", "(b)", "B)", "c.", "D:", "e", "z", "3/4", "3 / 4", " 3/4 ", "4/3", "three quarters", "AB",
    "ab", "a, b", "A; C", "2/8\n3/4", "a c d", "ACD", "a,a", "b, b", ";", ",", "3/4, 2/8", "STRASSE",
    "straße", "Ｓtraße", "ΣΑΣ", "σας", "Café", "CAFÉ", "B, A, C, D", "b a c d", "dcba", "1,000; 2",
]  # fmt: skip
TEXT_RESPONSES = [
    "", ">", " > ", "greater than", "Greater Than.", "bigger", "is greater than!", "<", "less", "=", "==",
    "same", "three quarters", "Kilometre", "kilometre", "KILOMETRE.", "km", "4:9", "4 to 9", "4 : 9",
    "4 for every 9", "4 TO 9", "9:4", "NaCl", "nacl", "STRASSE", "straße", "x" * 201, "1/2", "½",
    "4 to 9.", "Café", "cafe\u0301", "ΣΑΣ", "σας", "Ǆ", "ǆ",
]  # fmt: skip

HAND_SPECS: list[tuple[AnswerSpec, list[str]]] = [
    (AnswerSpec("fraction", "1/2"), NUMBER_RESPONSES),
    (AnswerSpec("fraction", "1/2", require_simplest=True), NUMBER_RESPONSES),
    (AnswerSpec("fraction", "1/2", allow_decimal=True), NUMBER_RESPONSES),
    (AnswerSpec("fraction", "1 3/4", require_simplest=True), NUMBER_RESPONSES),
    (AnswerSpec("fraction", "7/4", allow_mixed=False), NUMBER_RESPONSES),
    (AnswerSpec("fraction", "-3/4", allow_decimal=True, require_simplest=True), NUMBER_RESPONSES),
    (AnswerSpec("numeric", "8"), NUMBER_RESPONSES),
    (AnswerSpec("numeric", "0.75"), NUMBER_RESPONSES),
    (AnswerSpec("numeric", "1000"), NUMBER_RESPONSES),
    (AnswerSpec("multiple_choice", "3/4", choices=("2/8", "3/4", "3/8", "4/3")), CHOICE_RESPONSES),
    (AnswerSpec("multiple_choice", "Straße", choices=("Straße", "Σας", "Café")), CHOICE_RESPONSES),
    (
        AnswerSpec(
            "multiple_select",
            "2/8; 3/4",
            choices=("2/8", "3/4", "3/8", "4/3"),
            correct_choices=("2/8", "3/4"),
        ),
        CHOICE_RESPONSES,
    ),
    (
        AnswerSpec("multiple_select", "1,000", choices=("1,000", "2", "3/4"), correct_choices=("1,000",)),
        CHOICE_RESPONSES,
    ),
    (
        AnswerSpec(
            "ordering",
            "3/4; 2/8; 4/3; 3/8",
            choices=("2/8", "3/4", "3/8", "4/3"),
            correct_choices=("3/4", "2/8", "4/3", "3/8"),
        ),
        CHOICE_RESPONSES,
    ),
    (AnswerSpec("short_text", ">", alternatives=("greater than", "bigger than")), TEXT_RESPONSES),
    (AnswerSpec("short_text", "="), TEXT_RESPONSES),
    (AnswerSpec("short_text", "kilometre", alternatives=("km",)), TEXT_RESPONSES),
    (AnswerSpec("short_text", "NaCl", case_sensitive=True), TEXT_RESPONSES),
    (AnswerSpec("short_text", "straße"), TEXT_RESPONSES),
    (AnswerSpec("short_text", "4:9", patterns=(r"4\s*(?::|to|for every)\s*9",)), TEXT_RESPONSES),
    (AnswerSpec("short_text", "Café", patterns=(r"caf[eé]",), case_sensitive=True), TEXT_RESPONSES),
]


def _item_responses(answer: AnswerSpec) -> list[str]:
    """Answers a student might give to a built-in item: right, right in another form, wrong, malformed."""
    responses = [answer.correct, f"  {answer.correct.upper()} ", answer.correct.replace(" ", "  ")]
    if answer.kind in ("fraction", "numeric"):
        responses += ["0", "1/2", "2/4", "0.5", "1 1/2", "3/2", "1//2", "1,5", "x"]
        written = answer.read_number(answer.correct)
        numerator, denominator = written.value.numerator, written.value.denominator
        responses += [f"{2 * numerator}/{2 * denominator}", f"{numerator}/{denominator}", str(written.value)]
        if denominator in (1, 2, 4, 5, 8, 10):
            responses.append(str(float(written.value)))
    elif answer.choices:
        responses += ["A", "b", "Z", "A, B", answer.choices[-1], "; ".join(reversed(answer.choices))]
        responses += ["".join(letter for letter, _ in answer.lettered_choices)]
    else:
        responses += ["?", "less than", "4 to 9", "no idea", answer.correct + "."]
    return responses


def _case(answer: AnswerSpec, response: str, source: str) -> dict[str, object]:
    result = check_answer(answer, response)
    return {
        "source": source, "spec": answer.to_dict(), "response": response, "status": result.status,
        "message": result.message, "normalized": result.normalized,
    }  # fmt: skip


def build_corpus() -> list[dict[str, object]]:
    from atpace.content import builtin_courses, load_builtin_course

    cases = [
        _case(answer, r, f"edge:{answer.kind}:{answer.correct}") for answer, rs in HAND_SPECS for r in rs
    ]
    for key in builtin_courses():
        course = load_builtin_course(key)
        for template in course.templates:
            for item in template.generate()[:ITEMS_PER_TEMPLATE]:
                if item.answer.auto_scored:
                    seen: set[str] = set()
                    for response in _item_responses(item.answer):
                        if response not in seen:
                            seen.add(response)
                            cases.append(_case(item.answer, response, f"{key}:{item.key}"))
    return cases


def load_corpus() -> list[dict[str, object]]:
    """The cases, each with its spec: the file names every spec once and refers to it by number."""
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    specs, rows = data["specs"], data["cases"]
    names = ("spec", "source", "response", "status", "message", "normalized")
    return [{**dict(zip(names, row, strict=True)), "spec": specs[row[0]]} for row in rows]


def write_corpus() -> int:
    specs: dict[str, int] = {}
    rows = []
    for case in build_corpus():
        spec = json.dumps(case["spec"], ensure_ascii=False, sort_keys=True)
        number = specs.setdefault(spec, len(specs))
        rows.append(
            [number, case["source"], case["response"], case["status"], case["message"], case["normalized"]]
        )
    # One spec or case a line: a change to the rules reads as a short diff.
    text = '{"specs": [\n' + ",\n".join(specs) + '\n],\n"cases": [\n'
    text += ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n]}\n"
    CORPUS.write_text(text, encoding="utf-8")
    return len(rows)


def test_the_server_checker_gives_every_recorded_verdict() -> None:
    cases = load_corpus()
    assert len(cases) > 1000
    disagreements = []
    for case in cases:
        spec = case["spec"]
        assert isinstance(spec, dict)
        result = check_answer(AnswerSpec.from_dict(spec), str(case["response"]))
        got = {"status": result.status, "message": result.message, "normalized": result.normalized}
        expected = {name: case[name] for name in got}
        if got != expected:
            disagreements.append((case["source"], case["response"], expected, got))
    assert disagreements == []


def test_the_corpus_covers_every_kind_and_verdict() -> None:
    cases = load_corpus()
    kinds = {str(case["spec"]["kind"]) for case in cases}  # type: ignore[index]
    assert kinds == {"fraction", "numeric", "multiple_choice", "multiple_select", "ordering", "short_text"}
    for kind in kinds:
        statuses = {case["status"] for case in cases if case["spec"]["kind"] == kind}  # type: ignore[index]
        assert statuses == {"correct", "incorrect", "malformed"}, kind


def test_the_corpus_is_up_to_date_with_its_builder() -> None:
    """The file is what build_corpus() writes: a change to the answer rules shows up as a diff to review."""
    assert load_corpus() == build_corpus()


if __name__ == "__main__":
    print(f"wrote {write_corpus()} cases to {CORPUS}")
