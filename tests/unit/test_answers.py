import re
from fractions import Fraction

import pytest

from atpace.content.answers import CheckResult, MalformedAnswer, check_answer, parse_rational
from atpace.content.spec import AnswerSpec

HALF = AnswerSpec("fraction", "1/2")
HALF_SIMPLEST = AnswerSpec("fraction", "1/2", require_simplest=True)
HALF_OR_DECIMAL = AnswerSpec("fraction", "1/2", allow_decimal=True)
THREE_HALVES = AnswerSpec("fraction", "3/2")
MIXED_SIMPLEST = AnswerSpec("fraction", "1 3/4", require_simplest=True)
IMPROPER_ONLY = AnswerSpec("fraction", "7/4", allow_mixed=False)
EIGHT = AnswerSpec("numeric", "8")
POINT_75 = AnswerSpec("numeric", "0.75")
CHOICE = AnswerSpec("multiple_choice", "3/4", choices=("2/8", "3/4", "3/8", "4/3"))
SYMBOL = AnswerSpec("short_text", ">", alternatives=("greater than", "bigger than"))


def status(answer: AnswerSpec, response: str) -> str:
    return check_answer(answer, response).status


@pytest.mark.parametrize("response", ["1/2", "2/4", "50/100", " 1 / 2 ", "1⁄2", "1∕2", "1÷2", "½", "+1/2"])
def test_equal_fractions_are_accepted(response: str) -> None:
    result = check_answer(HALF, response)
    assert result.status == "correct" and result.correct


def test_equivalent_form_names_both_forms() -> None:
    result = check_answer(HALF, "2/4")
    assert result.message == "Correct! 2/4 is equal to 1/2." and result.normalized == "2/4"
    assert check_answer(HALF, "1/2").message == "Correct!"


def test_simplest_form_can_be_required() -> None:
    result = check_answer(HALF_SIMPLEST, "2/4")
    assert result.status == "incorrect" and not result.correct
    assert result.message == "Correct value, but write it in simplest form: 1/2"
    assert status(HALF_SIMPLEST, "1/2") == "correct"
    assert status(AnswerSpec("fraction", "2", require_simplest=True), "4/2") == "incorrect"
    assert status(AnswerSpec("fraction", "2", require_simplest=True), "2/1") == "incorrect"
    assert status(AnswerSpec("fraction", "2", require_simplest=True), "2") == "correct"


def test_simplest_mixed_number() -> None:
    assert status(MIXED_SIMPLEST, "1 3/4") == "correct"
    improper = check_answer(MIXED_SIMPLEST, "7/4")
    assert improper.status == "incorrect" and improper.message.endswith("mixed number: 1 3/4")
    assert "simplest form" in check_answer(MIXED_SIMPLEST, "1 6/8").message
    assert status(MIXED_SIMPLEST, "0 7/4") == "incorrect"


def test_decimals_only_where_allowed() -> None:
    refused = check_answer(HALF, "0.5")
    assert refused.status == "malformed" and "fraction" in refused.message and refused.normalized is None
    assert status(HALF_OR_DECIMAL, "0.5") == "correct"
    assert status(HALF_OR_DECIMAL, ".50") == "correct"
    assert status(HALF_OR_DECIMAL, "0.4") == "incorrect"


def test_mixed_and_improper_are_the_same_number() -> None:
    assert status(THREE_HALVES, "1 1/2") == "correct"
    assert status(THREE_HALVES, "1½") == "correct"
    assert status(THREE_HALVES, "1 and 1/2") == "correct"
    assert status(THREE_HALVES, "6/4") == "correct"
    assert status(THREE_HALVES, "1 1/3") == "incorrect"
    refused = check_answer(IMPROPER_ONLY, "1 3/4")
    assert refused.status == "malformed" and "mixed number" in refused.message
    assert status(IMPROPER_ONLY, "7/4") == "correct"


def test_wrong_value_says_what_was_compared() -> None:
    result = check_answer(HALF, "3/8")
    assert result == CheckResult("incorrect", "Not quite: 3/8 is not equal to 1/2.", "3/8")
    assert status(HALF, "-1/2") == "incorrect"
    assert status(HALF, "0") == "incorrect"


@pytest.mark.parametrize(
    ("response", "message"),
    [
        ("3//4", "3//4 is not a fraction: use one slash, like 3/4"),
        ("1/2/3", "1/2/3 is not a fraction: use one slash, like 3/4"),
        ("", "Please enter an answer"),
        ("   ", "Please enter an answer"),
        ("abc", "Please enter a fraction, like 3/4 or a mixed number, like 1 1/2"),
        ("3/", "3/ is missing the bottom number (the denominator), like the 4 in 3/4"),
        ("/4", "/4 is missing the top number (the numerator), like the 3 in 3/4"),
        ("1.5/2", "Use whole numbers above and below the slash, like 3/4"),
        ("1 1/2 cups", "Please enter a fraction, like 3/4 or a mixed number, like 1 1/2"),
        ("9" * 50, "That answer is too long: please enter a short answer, like 3/4"),
    ],
)
def test_malformed_fraction_input_is_not_marked_wrong(response: str, message: str) -> None:
    assert check_answer(HALF, response) == CheckResult("malformed", message, None)


def test_zero_denominator() -> None:
    result = check_answer(HALF, "1/0")
    assert result.status == "malformed" and result.message.startswith("Denominator cannot be 0")
    assert check_answer(THREE_HALVES, "1 1/0").status == "malformed"


def test_numeric_answers() -> None:
    assert status(EIGHT, "8") == "correct"
    assert status(EIGHT, " 8.0 ") == "correct"
    assert check_answer(EIGHT, "7").message == "Not quite: 7 is not equal to 8."
    assert status(POINT_75, "0.750") == "correct"
    assert status(POINT_75, ".75") == "correct"
    assert check_answer(POINT_75, "abc") == CheckResult("malformed", "Please enter a number, like 0.75", None)
    fraction = check_answer(POINT_75, "3/4")
    assert fraction == CheckResult(
        "malformed", "3/4 is a fraction: please enter a whole number or a decimal, like 0.75", None
    )
    slashes = check_answer(EIGHT, "3//4")
    assert slashes.status == "malformed" and slashes.message.startswith("3//4 is not a number")
    comma = check_answer(POINT_75, "0,75")
    assert comma.status == "malformed" and comma.message == "Use a point for decimals: write 0.75, not 0,75"


@pytest.mark.parametrize("response", ["B", "b", "(b)", "B)", "b.", "3/4", " 3 / 4 "])
def test_multiple_choice_by_letter_or_text(response: str) -> None:
    result = check_answer(CHOICE, response)
    assert result.status == "correct" and result.normalized == "3/4"


def test_multiple_choice_wrong_and_malformed() -> None:
    wrong = check_answer(CHOICE, "a")
    assert wrong.status == "incorrect" and wrong.normalized == "2/8"
    assert wrong.message == "Not quite: the answer is 3/4, not 2/8."
    assert status(CHOICE, "6/8") == "malformed"  # not one of the choices, even if equal in value
    assert check_answer(CHOICE, "E").message == "There is no answer E: choose A, B, C or D"
    assert check_answer(CHOICE, "maybe").message == "Please choose one of the answers: A, B, C or D"
    assert status(CHOICE, "") == "malformed"


def test_short_text_is_case_and_space_insensitive() -> None:
    for response in (">", " > ", "Greater Than", "greaterthan", "BIGGER THAN.", "bigger  than"):
        assert status(SYMBOL, response) == "correct", response
    wrong = check_answer(SYMBOL, "<")
    assert wrong.status == "incorrect" and wrong.message == "Not quite: the answer is >."
    assert status(SYMBOL, "less than") == "incorrect" and status(SYMBOL, "3/4 < 1/2") == "incorrect"
    not_a_comparison = check_answer(SYMBOL, "three quarters")  # not marked wrong: asked again
    assert not_a_comparison.status == "malformed" and "Type <, > or =" in not_a_comparison.message
    assert status(SYMBOL, " ") == "malformed"


def test_parse_rational() -> None:
    assert parse_rational("1 1/2", allow_decimal=False, allow_mixed=True) == Fraction(3, 2)
    assert parse_rational("-3/4", allow_decimal=False, allow_mixed=False) == Fraction(-3, 4)
    assert parse_rational("0.125", allow_decimal=True, allow_mixed=False) == Fraction(1, 8)
    assert parse_rational("12", allow_decimal=False, allow_mixed=False) == 12
    with pytest.raises(MalformedAnswer, match="not as a decimal"):
        parse_rational("0.5", allow_decimal=False, allow_mixed=True)
    with pytest.raises(ValueError, match="Denominator cannot be 0"):
        parse_rational("3/0", allow_decimal=True, allow_mixed=True)


def test_answer_spec_round_trip() -> None:
    for spec in (HALF, HALF_SIMPLEST, HALF_OR_DECIMAL, IMPROPER_ONLY, EIGHT, CHOICE, SYMBOL):
        data = spec.to_dict()
        assert AnswerSpec.from_dict(data) == spec
        assert isinstance(data["choices"], list) and isinstance(data["alternatives"], list)
    assert AnswerSpec.from_dict({"kind": "fraction", "correct": "1/2"}) == HALF


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "essay", "correct": "1"}, "kind"),
        ({"kind": "fraction"}, "correct"),
        ({"kind": "fraction", "correct": "1/2", "allow_decimal": "yes"}, "allow_decimal"),
        ({"kind": "short_text", "correct": "x", "alternatives": "y"}, "alternatives"),
        ({"kind": "fraction", "correct": "1/2", "choises": []}, "choises"),
        ({"kind": "multiple_choice", "correct": "1/2", "choices": ["1/3", "1/4"]}, "correct"),
        ({"kind": "multiple_choice", "correct": "1/2", "choices": ["1/2", " 1/2"]}, "choices"),
        ({"kind": "fraction", "correct": "2/4", "require_simplest": True}, "correct"),
        ({"kind": "fraction", "correct": "1 1/2", "allow_mixed": False}, "correct"),
        ({"kind": "numeric", "correct": "3/4"}, "correct"),
        ({"kind": "fraction", "correct": "1/2", "choices": ["1/2", "1/3"]}, "choices"),
    ],
)
def test_bad_answer_specs_name_the_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=f"^{field}:"):
        AnswerSpec.from_dict(data)


# ---------------------------------------------------------------------------------------------- new kinds

SELECT = AnswerSpec(
    "multiple_select", "1/2; 2/4", choices=("1/2", "1/3", "2/4", "3/4"), correct_choices=("1/2", "2/4")
)
ORDER = AnswerSpec(
    "ordering",
    "small; medium; large",
    choices=("large", "small", "medium"),
    correct_choices=("small", "medium", "large"),
)
ESSAY = AnswerSpec("open_response", "A full answer names both quantities and keeps their order.")
RATIO = AnswerSpec("short_text", "3:2", patterns=(r"3\s*(?::|to)\s*2",))
FORMULA = AnswerSpec("short_text", "NaCl", case_sensitive=True, alternatives=("Na Cl",))


@pytest.mark.parametrize(
    "response", ["A, C", "a;c", "1/2\n2/4", "c, a", "AC", "a c", "(a), (c)", " 2/4 ; 1/2 "]
)
def test_multiple_select_right_set_by_letters_or_texts(response: str) -> None:
    result = check_answer(SELECT, response)
    assert result == CheckResult("correct", "Correct!", "1/2; 2/4")  # normalized in display order


@pytest.mark.parametrize("response", ["A", "A, B, C", "B, D", "1/2, 3/4", "A, B, C, D"])
def test_multiple_select_needs_exactly_the_right_set(response: str) -> None:
    result = check_answer(SELECT, response)
    assert result.status == "incorrect" and result.message == "Not quite: the right choices are 1/2; 2/4."


@pytest.mark.parametrize("response", ["A, E", "zebra", "A, A", "1/2, 6/8", "AZ", "", " ; "])
def test_multiple_select_unknown_or_repeated_choices_are_malformed(response: str) -> None:
    result = check_answer(SELECT, response)
    assert result.status == "malformed" and result.normalized is None


def test_multiple_select_messages() -> None:
    assert check_answer(SELECT, "A, E").message.startswith("E is not one of the answers: name them by letter")
    assert check_answer(SELECT, "A, A").message == "You named 1/2 twice: name each answer once"


def test_choices_with_commas_can_be_named_with_semicolons() -> None:
    spec = AnswerSpec(
        "multiple_select",
        "1,000; 2,000",
        choices=("1,000", "2,000", "3,000"),
        correct_choices=("1,000", "2,000"),
    )
    assert check_answer(spec, "1,000; 2,000").correct
    assert check_answer(spec, spec.correct).correct
    assert check_answer(spec, "A, B").correct
    assert check_answer(spec, "1,000").status == "incorrect"  # one whole choice, not "1" and "000"
    assert check_answer(spec, "1,000, 2,000").status == "malformed"


@pytest.mark.parametrize(
    "response", ["B, C, A", "bca", "b\nc\na", "small; medium; large", "small, medium, large"]
)
def test_ordering_right_order(response: str) -> None:
    assert check_answer(ORDER, response) == CheckResult("correct", "Correct!", "small; medium; large")


def test_ordering_wrong_order_and_malformed() -> None:
    wrong = check_answer(ORDER, "A, B, C")
    assert wrong == CheckResult(
        "incorrect", "Not quite: the right order is small; medium; large.", "large; small; medium"
    )
    for response in ("A, B", "A, B, C, D", "A, A, B", "small, large", "tiny, small, large"):
        assert status(ORDER, response) == "malformed", response
    assert check_answer(ORDER, "A, B").message == "Put all 3 answers in order, each once, like A, B, C"


def test_open_response_is_not_scored_automatically() -> None:
    assert not ESSAY.auto_scored and SELECT.auto_scored and HALF.auto_scored
    with pytest.raises(ValueError, match="not scored automatically"):
        check_answer(ESSAY, "The ratio is 3:2.")


def test_short_text_patterns() -> None:
    for response in ("3:2", "3 : 2", "3 to 2", "3 TO 2", "3:2."):
        assert status(RATIO, response) == "correct", response
    assert status(RATIO, "2:3") == "incorrect" and status(RATIO, "3:20") == "incorrect"
    assert check_answer(RATIO, "3:2" * 200).status == "malformed"  # too long to match


def test_short_text_case_sensitivity() -> None:
    assert status(FORMULA, "NaCl") == "correct" and status(FORMULA, "na cl") == "incorrect"
    assert status(FORMULA, "Na Cl") == "correct"
    assert status(AnswerSpec("short_text", "NaCl"), "nacl") == "correct"
    sensitive = AnswerSpec("short_text", "x", patterns=("[A-Z]+",), case_sensitive=True)
    assert status(sensitive, "ABC") == "correct" and status(sensitive, "abc") == "incorrect"


def test_lettered_choices_in_display_order() -> None:
    assert ORDER.lettered_choices == (("A", "large"), ("B", "small"), ("C", "medium"))
    many = AnswerSpec("multiple_choice", "l", choices=tuple("abcdefghijkl"))  # up to 12 choices
    assert many.lettered_choices[-1] == ("L", "l") and check_answer(many, "L").correct


def test_new_kinds_round_trip_and_old_dicts_still_read() -> None:
    for spec in (SELECT, ORDER, ESSAY, RATIO, FORMULA):
        data = spec.to_dict()
        assert AnswerSpec.from_dict(data) == spec
        assert set(data) >= {"correct_choices", "patterns", "case_sensitive"}
    old = {"kind": "short_text", "correct": ">", "allow_decimal": False, "allow_mixed": True,
           "require_simplest": False, "alternatives": ["greater than"], "choices": []}  # fmt: skip
    assert AnswerSpec.from_dict(old) == AnswerSpec("short_text", ">", alternatives=("greater than",))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {"kind": "multiple_select", "correct": "a", "choices": ["a", "b"], "correct_choices": []},
            "correct_choices",
        ),
        (
            {"kind": "multiple_select", "correct": "c", "choices": ["a", "b"], "correct_choices": ["c"]},
            "correct_choices",
        ),
        (
            {
                "kind": "multiple_select",
                "correct": "a, b",
                "choices": ["a", "b"],
                "correct_choices": ["a", "b"],
            },
            "correct",
        ),
        (
            {"kind": "multiple_select", "correct": "a", "choices": ["a", "b;c"], "correct_choices": ["a"]},
            "choices",
        ),
        ({"kind": "multiple_select", "correct": "a", "choices": ["a"], "correct_choices": ["a"]}, "choices"),
        (
            {
                "kind": "multiple_select",
                "correct": "a; a",
                "choices": ["a", "b"],
                "correct_choices": ["a", "a"],
            },
            "correct_choices",
        ),
        (
            {
                "kind": "ordering",
                "correct": "a; b",
                "choices": ["a", "b", "c"],
                "correct_choices": ["a", "b"],
            },
            "correct_choices",
        ),
        ({"kind": "multiple_choice", "correct": "a", "choices": list("abcdefghijklm")}, "choices"),
        (
            {"kind": "multiple_choice", "correct": "a", "choices": ["a", "b"], "correct_choices": ["a"]},
            "correct_choices",
        ),
        ({"kind": "short_text", "correct": "a", "patterns": ["a("]}, "patterns[0]"),
        ({"kind": "fraction", "correct": "1/2", "patterns": ["1/2"]}, "patterns"),
        ({"kind": "fraction", "correct": "1/2", "case_sensitive": True}, "case_sensitive"),
        ({"kind": "short_text", "correct": "a", "case_sensitive": "yes"}, "case_sensitive"),
        ({"kind": "short_text", "correct": "a", "patterns": "a+"}, "patterns"),
        ({"kind": "open_response", "correct": " "}, "correct"),
    ],
)
def test_bad_new_answer_specs_name_the_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(field)}:"):
        AnswerSpec.from_dict(data)


def test_bad_pattern_error_names_the_pattern() -> None:
    with pytest.raises(ValueError, match=r"patterns\[1\]: '\(x' is not a valid regular expression"):
        AnswerSpec("short_text", "x", patterns=("x", "(x"))
