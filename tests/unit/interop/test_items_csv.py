"""CSV import: every kind, spreadsheet quirks (BOM, CRLF, quotes, semicolons), and errors by line and column."""

from __future__ import annotations

from atpace.content.answers import check_answer
from atpace.interop.items import ItemImport
from atpace.interop.items.csv_items import split_list
from tests.unit.interop.helpers import SKILL, parse

GOOD = (
    "kind,prompt,answer,choices,hints,worked_solution,skill,key,difficulty\r\n"
    'multiple_choice,"Which is bigger, 1/2 or 1/3?",1/2,1/2|1/3,Compare the denominators,"Halves are bigger than thirds, so 1/2.",,half-vs-third,-0.5\r\n'
    "multiple_choice,Pick the even number,B,3|4|5,,,,,\r\n"
    "multiple_select,Pick the fractions equal to 1/2,2/4|3/6,2/4|1/3|3/6|2/3,,,,,\r\n"
    "ordering,Order from smallest to largest,1/4|1/2|3/4,3/4|1/4|1/2,,,,,\r\n"
    "numeric,What is 0.5 + 0.25?,0.75,,Add the hundredths,0.50 + 0.25 = 0.75,,,\r\n"
    "fraction,What is 1/4 + 1/4?,1/2,,,,decimals,,1\r\n"
    'short_text,"Name the top number of a fraction\n(one word)",numerator|the numerator,,,,,,\r\n'
    "open_response,Explain why 2/4 = 1/2,Both name the same part of a whole,,,,,,\r\n"
    "\r\n"
    "short_text,Escaped pipe,a\\|b|c,,,,,,\r\n"
)


def csv_import(text: str, bom: bool = False) -> ItemImport:
    return parse(("\ufeff" if bom else "").encode() + text.encode(), "items.csv", "csv")


def test_every_kind_with_bom_crlf_and_quotes() -> None:
    result = csv_import(GOOD, bom=True)
    assert result.format == "csv" and result.ok, result.problems
    items = result.items
    assert [i.kind for i in items] == [
        "multiple_choice",
        "multiple_choice",
        "multiple_select",
        "ordering",
        "numeric",
        "fraction",
        "short_text",
        "open_response",
        "short_text",
    ]
    first = items[0]
    assert (first.key, first.prompt, first.answer.correct) == (
        "csv-half-vs-third",
        "Which is bigger, 1/2 or 1/3?",
        "1/2",
    )
    assert first.hints == ("Compare the denominators",)
    assert first.worked_solution == ("Halves are bigger than thirds, so 1/2.",)
    assert first.difficulty == -0.5
    assert items[1].answer.correct == "4"  # a letter names the choice
    assert items[2].answer.correct_choices == ("2/4", "3/6")
    assert items[3].answer.choices == ("3/4", "1/4", "1/2")
    assert items[3].answer.correct_choices == ("1/4", "1/2", "3/4")
    assert items[5].skill_keys == ("decimals",) and items[0].skill_keys == (SKILL,)
    assert items[6].prompt == "Name the top number of a fraction\n(one word)"
    assert items[6].answer.alternatives == ("the numerator",)
    assert items[7].answer.correct == "Both name the same part of a whole"
    assert (items[8].answer.correct, items[8].answer.alternatives) == ("a|b", ("c",))
    assert check_answer(items[2].answer, "3/6; 2/4").correct
    assert check_answer(items[3].answer, "1/4; 1/2; 3/4").correct
    assert check_answer(items[4].answer, "0.750").correct


def test_semicolon_separated_file() -> None:
    result = csv_import("Kind;Prompt;Answer\nnumeric;What is 2 + 2?;4\n")
    assert result.ok and result.items[0].answer.correct == "4"


def test_header_errors() -> None:
    result = csv_import("kind,prompt,hint\nnumeric,2+2?,4\n")
    assert [(p.line, p.where, p.message.split(":")[0]) for p in result.problems] == [
        (1, "column 3", "unknown column 'hint'"),
        (1, "", "missing column"),
    ]
    assert result.items == []


def test_row_errors_name_line_and_column() -> None:
    text = (
        "kind,prompt,answer,choices,difficulty\n"
        "numeric,What is 2 + 2?,four,,\n"
        "guess,A question,x,,\n"
        "multiple_choice,Pick one,c,a|b,\n"
        "multiple_choice,Only one choice,a,a,\n"
        "numeric,Too hard,4,,9\n"
        "short_text,,x,,\n"
        'short_text,"Too many, cells",x,,,extra\n'
        "ordering,Order,a|b,a|b|c,\n"
    )
    result = csv_import(text)
    assert [(p.line, p.where, p.message) for p in result.problems] == [
        (
            2,
            "column 3 (answer)",
            "correct: 'four' is not accepted by this answer spec: "
            + result.problems[0].message.split("answer spec: ")[1],
        ),
        (
            3,
            "column 1 (kind)",
            "'guess' is not a kind: use one of multiple_choice, multiple_select, ordering, "
            "numeric, fraction, short_text, open_response",
        ),
        (4, "column 3 (answer)", "'c' is not one of the choices (nor a choice letter)"),
        (5, "column 4 (choices)", "multiple_choice needs at least two choices, separated by |"),
        (6, "column 5 (difficulty)", "9 is outside -3 to 3"),
        (7, "column 2 (prompt)", "the prompt is empty"),
        (8, "column 6", "6 cells but 5 columns (quote cells that contain ',')"),
        (9, "column 3 (answer)", "the right order must list every choice once"),
    ]
    assert result.items == []


def test_not_utf8_names_the_line() -> None:
    data = "kind,prompt,answer\nshort_text,Café?,oui\n".encode("latin-1")
    result = parse(data, "items.csv", "csv")
    assert [(p.line, p.message) for p in result.problems] == [
        (2, "the file is not UTF-8 text (save it as UTF-8)")
    ]


def test_split_list() -> None:
    assert split_list(r" a | b \| c |  | d\\ ") == ["a", "b | c", "d\\"]
