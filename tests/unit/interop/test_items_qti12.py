"""Canvas QTI 1.2 import: Instructure's own Canvas exports, then numeric answers and files without metadata."""

from __future__ import annotations

from atpace.interop.items import ItemImport
from tests.unit.interop.helpers import fixture, parse, zip_folder

QUIZ = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE questestinterop SYSTEM "ims_qtiasiv1p2p1.dtd">
<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2">
  <assessment ident="a1" title="Quiz"><section ident="root_section">{items}</section></assessment>
</questestinterop>"""

NUMERIC = """<item ident="{ident}" title="Numeric">
  <itemmetadata><qtimetadata><qtimetadatafield><fieldlabel>question_type</fieldlabel>
  <fieldentry>numerical_question</fieldentry></qtimetadatafield></qtimetadata></itemmetadata>
  <presentation><material><mattext texttype="text/html">&lt;p&gt;What is 6 &amp;times; 7?&lt;/p&gt;</mattext></material>
    <response_str ident="response1" rcardinality="Single"><render_fib fibtype="Decimal"><response_label ident="answer1"/></render_fib></response_str>
  </presentation>
  <resprocessing><outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>
    {conditions}
  </resprocessing>
</item>"""


def quiz(items: str) -> ItemImport:
    return parse(QUIZ.format(items=items).encode(), "quiz.xml")


def condition(var: str) -> str:
    return f'<respcondition continue="No"><conditionvar>{var}</conditionvar><setvar action="Set" varname="SCORE">100</setvar></respcondition>'


def test_every_canvas_question_type() -> None:
    result = parse(fixture("canvas_all_question_types.xml"), "all_canvas_simple_1.2.xml")
    assert result.format == "qti12" and result.ok
    assert [(i.key, i.kind, i.answer.correct) for i in result.items] == [
        ("qti12-ia4813e41c5505cc0eb7fec982226364e", "multiple_choice", "C"),
        ("qti12-id9d8b63d85a03f2987646622805b61cf", "multiple_choice", "True"),
        ("qti12-ice33989533cca4de7f72a4ec804f9913", "short_text", "Blank"),
        (
            "qti12-ia926602fb1321f38727fa3e2785c71ea",
            "open_response",
            "No model answer was given in the imported file.",
        ),
    ]
    first = result.items[0]
    assert first.prompt == "Question 1, Multiple Choice, Answer is C"
    assert first.answer.choices == ("C", "A", "B", "D")
    assert first.worked_solution == ("Item Feedback, Neutral",)  # Canvas's neutral feedback
    assert result.items[2].answer.alternatives == ("blank",)
    assert [(s.interaction, s.reason) for s in result.skipped] == [
        ("fill_in_multiple_blanks_question", "atpace cannot score this question type"),
        ("multiple_answers_question", "3 choices have no text"),
        ("multiple_dropdowns_question", "atpace cannot score this question type"),
        ("matching_question", "atpace cannot score this question type"),
        ("numerical_question", "accepts 41.5..42.5, 41.995..42.005: atpace checks exact numbers only"),
        ("calculated_question", "atpace cannot score this question type"),
    ]
    assert result.skipped[0].identifier == "Question 4 [i2fcd1e9d01e3b1529bf9bfbe56e513dd]"
    assert any("feedback on particular answers" in w.message for w in result.warnings)


def test_canvas_quiz_export_package() -> None:
    result = parse(zip_folder("canvas_quiz_export"), "quiz_export.zip")
    assert result.format == "qti12" and result.ok and not result.skipped
    assert [(i.kind, i.prompt, i.answer.correct) for i in result.items] == [
        ("multiple_choice", "afsdf", "True"),
        ("multiple_choice", "sdfsdfs", "True"),
        ("multiple_select", "sdfsdfgs", "ssdsd; asdsad"),
        ("open_response", "dsfsdfsdf", "No model answer was given in the imported file."),
    ]
    assert result.items[2].answer.correct_choices == ("ssdsd", "asdsad")


def test_exact_numeric_answers() -> None:
    exact = condition(
        '<or><varequal respident="response1">42.0</varequal><and><vargte respident="response1">42.0</vargte>'
        '<varlte respident="response1">42.0</varlte></and></or>'
    )
    two = condition('<varequal respident="response1">42</varequal>') + condition(
        '<varequal respident="response1">41</varequal>'
    )
    result = quiz(NUMERIC.format(ident="n1", conditions=exact) + NUMERIC.format(ident="n2", conditions=two))
    assert result.ok
    (item,) = result.items
    assert (item.prompt, item.kind, item.answer.correct) == ("What is 6 × 7?", "numeric", "42")
    assert [(s.identifier, s.reason) for s in result.skipped] == [
        ("Numeric [n2]", "several different exact answers: atpace accepts one number")
    ]


def test_items_without_canvas_metadata_are_inferred() -> None:
    choice = """<item ident="c1"><presentation><material><mattext>2 + 2 = ?</mattext></material>
      <response_lid ident="r" rcardinality="Single"><render_choice>
        <response_label ident="x"><material><mattext>3</mattext></material></response_label>
        <response_label ident="y"><material><mattext>4</mattext></material></response_label>
      </render_choice></response_lid></presentation>
      <resprocessing>{c}</resprocessing></item>""".format(c=condition('<varequal respident="r">y</varequal>'))
    text = """<item ident="t1"><presentation><material><mattext>Capital of France?</mattext></material>
      <response_str ident="r"><render_fib/></response_str></presentation>
      <resprocessing>{c}</resprocessing></item>""".format(
        c=condition('<varequal respident="r">Paris</varequal>')
    )
    result = quiz(choice + text)
    assert result.ok  # the DOCTYPE's external DTD is not fetched, and not needed
    assert [(i.kind, i.answer.correct) for i in result.items] == [
        ("multiple_choice", "4"),
        ("short_text", "Paris"),
    ]


def test_not_questestinterop() -> None:
    result = parse(b"<assessmentItem/>", "x.xml", "qti12")
    assert [p.message for p in result.problems] == ["not QTI 1.2: the document is not <questestinterop>"]
