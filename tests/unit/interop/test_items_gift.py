"""GIFT import: Moodle's own example and test files, then the corners of the syntax and its errors."""

from __future__ import annotations

from collections import Counter

from atpace.content.answers import check_answer
from atpace.interop.items import ItemImport
from tests.unit.interop.helpers import SKILL, by_prompt_start, fixture, parse, skipped_types


def gift(text: str) -> ItemImport:
    return parse(text.encode(), "quiz.gift", "gift")


def test_moodle_test_fixture() -> None:
    result = parse(fixture("moodle/gift_questions.gift.txt"), "questions.gift.txt")
    assert result.format == "gift" and result.ok
    keys = {item.key: item for item in result.items}
    assert list(keys) == [
        "gift-q8",
        "gift-q2",
        "gift-colours",
        "gift-shortanswer",
        "gift-q1",
        "gift-2-08-tsl",
        "gift-2-08-tsl-2",  # the same name twice: keys stay unique
    ]
    assert keys["gift-q8"].kind == "open_response" and keys["gift-q8"].prompt == "How are you?"
    q2 = keys["gift-q2"].answer
    assert (q2.kind, q2.correct, q2.choices) == ("multiple_choice", "yellow", ("yellow", "red", "blue"))
    colours = keys["gift-colours"].answer
    assert colours.kind == "multiple_select"
    assert colours.correct_choices == ("yellow", "off-beige")
    assert colours.choices == ("yellow", "red", "off-beige", "blue")
    animal = keys["gift-shortanswer"].answer
    assert (animal.kind, animal.correct, animal.alternatives, animal.patterns) == (
        "short_text",
        "Frog",
        (),
        (),
    )
    q1 = keys["gift-q1"]
    assert (q1.answer.correct, q1.answer.choices) == ("False", ("True", "False"))
    assert q1.worked_solution == ("This is, of course, a Hitchiker's Guide to the Galaxy reference.",)
    assert q1.hints == ()
    assert keys["gift-2-08-tsl"].answer.correct == "True"
    assert skipped_types(result) == [("Moodle activities", "GIFT matching"), ("Q5", "GIFT numerical")]
    assert "3 ± 2" in result.skipped[1].reason and result.skipped[1].line == 31
    partial = [w for w in result.warnings if "partial credit" in w.message]
    assert len(partial) == 1 and "'Cat' (50%)" in partial[0].message and partial[0].line == 34
    assert all(item.skill_keys == (SKILL,) and item.template_key == "import-gift" for item in result.items)


def test_moodle_category_fixture() -> None:
    result = parse(fixture("moodle/gift_questions_in_category.gift.txt"), "questions_in_category.gift.txt")
    assert result.ok
    assert [item.key for item in result.items] == ["gift-greeting", "gift-moodle-user", "gift-moodle-acronym"]
    greeting = result.items[0]
    # [html] text with escaped '=' and ':' inside tags: the link's text stays, tags go, <br> makes a new line
    assert greeting.prompt == "Listen to this greeting:\nWhat language is being spoken?"
    assert greeting.answer.correct == "French"
    assert result.items[1].answer.correct == "Moodler"  # =%100%Moodler# with an empty feedback
    assert result.items[2].prompt.startswith("Moodle is an acronym for Modular Object-Oriented")
    assert skipped_types(result) == [("Moodle activities", "GIFT matching")]


def test_moodle_examples_file() -> None:
    result = parse(fixture("moodle/gift_examples.txt"), "examples.txt")
    assert result.ok
    assert len(result.items) == 36
    assert len({item.key for item in result.items}) == 36
    assert Counter(item.kind for item in result.items) == {
        "multiple_choice": 21,
        "short_text": 9,
        "numeric": 4,
        "multiple_select": 2,
    }
    assert Counter(s.interaction for s in result.skipped) == {"GIFT numerical": 4, "GIFT matching": 3}
    reasons = [s.reason for s in result.skipped if s.interaction == "GIFT numerical"]
    assert reasons == [
        "accepts 1822 ± 1: atpace checks exact numbers only",
        "accepts 3.1415 ± 0.0005: atpace checks exact numbers only",
        "accepts 3.141..3.142: atpace checks exact numbers only",
        "accepts 1822 ± 5: atpace checks exact numbers only",
    ]
    # missing word: the answer block inside the sentence leaves a blank
    thanksgiving = next(i for i in result.items if i.key == "gift-thanksgiving-date")
    assert (
        thanksgiving.prompt
        == "The American holiday of Thanksgiving is\ncelebrated on the _____ Thursday of November."
    )
    # escaped control characters and a literal backslash
    control = next(i for i in result.items if i.key == "gift-gift-control-characters")
    assert control.answer.choices == ("~", "=", "#", "{", "}", "\\")
    assert control.answer.correct == "\\"
    equals = by_prompt_start(result, "Which answer equals 5?")
    assert equals.answer.correct == "= 2 + 3"
    # [markdown]: the bold marks go
    assert sum(1 for i in result.items if i.prompt == "Who's buried in Grant's tomb?") == 8
    # numerical with =1822:0 (exact) and a partial-credit tolerance
    numerical = next(i for i in result.items if i.key == "gift-numerical-example")
    assert (numerical.kind, numerical.answer.correct) == ("numeric", "1822")
    multi = [i for i in result.items if i.kind == "multiple_select"]
    assert all(i.answer.correct_choices == ("Grant", "Grant's wife") for i in multi)
    short = by_prompt_start(result, "Two plus two equals")
    assert (short.answer.correct, short.answer.alternatives) == ("four", ("4",))
    assert check_answer(short.answer, "4").correct
    assert check_answer(multi[0].answer, "Grant; Grant's wife").correct


def test_escapes_name_format_and_comments() -> None:
    text = (
        "// a comment line\n"
        "$CATEGORY: $course$/Fractions\n"
        "::Half \\: one of two::[html]<p>What is <b>1/2</b> of 10 \\{in whole numbers\\}?</p>{\n"
        "  =5 # right\n"
        "  ~2\n"
        "  ~20\n"
        "####<p>Half of 10 is 10 ÷ 2 = 5.</p>}\n"
    )
    result = gift(text)
    assert result.ok, result.problems
    (item,) = result.items
    assert item.key == "gift-half-one-of-two"
    assert item.prompt == "What is 1/2 of 10 {in whole numbers}?"
    assert (item.answer.correct, item.answer.choices) == ("5", ("5", "2", "20"))
    assert item.worked_solution == ("Half of 10 is 10 ÷ 2 = 5.",)


def test_blank_line_ends_a_question_even_inside_an_answer_block() -> None:
    result = gift("Pick the even number {\n~3\n\n=4\n~5}\n\nNext question {T}\n")
    assert [(p.line, p.message.split(" (")[0]) for p in result.problems] == [
        (1, "'{' without '}'"),
        (5, "'}' without '{' before it"),
    ]
    assert [i.answer.correct for i in result.items] == ["True"]


def test_numerical_exact_forms() -> None:
    text = "\n\n".join(
        [
            "::a::Five? {#5}",
            "::b::Five? {#5:0}",
            "::c::Five? {#5..5}",
            "::d::Five? {#=5 =5.0}",
            "::e::Five or six? {#=5 =6}",
            "::f::Minus two and a half? {#-2.5}",
        ]
    )
    result = gift(text)
    assert result.ok
    assert [(i.key, i.answer.correct) for i in result.items] == [
        ("gift-a", "5"),
        ("gift-b", "5"),
        ("gift-c", "5"),
        ("gift-d", "5"),
        ("gift-f", "-2.5"),
    ]
    assert skipped_types(result) == [("e", "GIFT numerical")]
    assert check_answer(result.items[-1].answer, "-2.5").correct


def test_short_answer_wildcards_become_patterns() -> None:
    result = gift("::colour::Which colour is the sky? {=blue =sky*blue =%0%*#no}")
    (item,) = result.items
    assert (item.answer.correct, item.answer.patterns) == ("blue", (r"sky.*blue",))
    assert check_answer(item.answer, "Sky Blue").correct
    assert not check_answer(item.answer, "green").correct


def test_essay_uses_general_feedback_as_model_answer() -> None:
    result = gift("::why::Explain why 2/4 = 1/2. {####Both are one of two equal parts.}")
    (item,) = result.items
    assert item.kind == "open_response"
    assert item.answer.correct == "Both are one of two equal parts."
    assert item.worked_solution == ("Both are one of two equal parts.",)


def test_questions_atpace_cannot_hold_are_skipped_with_the_reason() -> None:
    result = gift("::two right::Pick one {=a =b ~c}\n\n::text::Just a description.")
    assert result.ok and not result.items
    assert [(s.identifier, s.interaction, s.reason) for s in result.skipped] == [
        ("two right", "GIFT multiple choice", "more than one fully correct answer in a one-answer question"),
        ("text", "GIFT description", "text with no answer"),
    ]


def test_errors_name_the_line() -> None:
    text = (
        "::ok::Fine {T}\n"
        "\n"
        "::open::An answer block\n"
        "that never closes {=a ~b\n"
        "\n"
        "::close::Closes } first {=a}\n"
        "\n"
        "::two::One {=a ~b} and two {=c ~d}\n"
        "\n"
        "::name never closes {T}\n"
        "\n"
        "::one::Only one choice {~a}\n"
        "\n"
        "::none::Nothing right {~a ~b}\n"
        "\n"
        "::nan::Not a number {#twelve}\n"
        "\n"
        "::dup::Same twice {=a ~A}\n"
    )
    result = gift(text)
    assert not result.ok
    assert [(p.line, p.message.split(" (")[0]) for p in result.problems] == [
        (4, "'{' without '}'"),
        (6, "'}' without '{' before it"),
        (8, "more than one answer block: a GIFT question has one {...}"),
        (10, "the question name after '::' has no closing '::'"),
        (12, "a multiple-choice question needs at least two answers"),
        (14, "no answer has a positive weight"),
        (16, "'twelve' is not a number"),
        (18, "the choice 'a' appears twice"),
    ]
    assert [i.key for i in result.items] == ["gift-ok"]
    assert str(result.problems[0]) == "quiz.gift: line 4, 'open': '{' without '}' (write \\{ for a brace)"


def test_markdown_and_plain_formats() -> None:
    result = gift("[markdown]What is **3 × 4**?{=12 ~7}\n\n[plain]Is <b> a tag here?{T}")
    assert [i.prompt for i in result.items] == ["What is 3 × 4?", "Is <b> a tag here?"]
