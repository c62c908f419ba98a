"""QTI 2.x and 3.0 import: items and packages written for these tests and real ones from open-source QTI
tools, then error cases."""

from __future__ import annotations

from atpace.content.answers import check_answer
from atpace.interop.items import ItemImport
from tests.unit.interop.helpers import (
    FIXTURES,
    fixture,
    parse,
    skipped_types,
    zip_files,
    zip_folder,
)

ITEM = """<?xml version="1.0"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="{ident}" title="t"
    adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>A</value></correctResponse>
  </responseDeclaration>
  <itemBody>{body}</itemBody>
</assessmentItem>"""


def qti(text: str, name: str = "item.xml") -> ItemImport:
    return parse(text.encode(), name, "qti")


def test_qti3_choice_with_image_and_feedback() -> None:
    result = parse(fixture("written/qti3_choice_feedback.xml"), "kitchen-scale.xml")
    assert result.format == "qti" and result.ok
    (item,) = result.items
    assert (item.key, item.kind) == ("qti-itm-kitchen-scale", "multiple_choice")
    assert item.prompt == (
        "Sam weighs a bag of flour on a kitchen scale.\n"
        "[image: A kitchen scale whose needle points at 750 g]\n"
        "How heavy is the bag in kilograms?"
    )
    assert item.answer.correct == "0.75 kg"
    assert item.answer.choices == ("0.75 kg", "7.5 kg", "750 kg")
    # "correct" / "incorrect" modal feedback is neither a hint nor a worked solution
    assert item.hints == () and item.worked_solution == ()
    assert [w.message for w in result.warnings] == [
        "feedback on particular answers is not imported (atpace gives its own) (ITM-kitchen-scale)",
        "images are not imported: the text says [image] where one was (ITM-kitchen-scale)",
    ]
    assert check_answer(item.answer, "0.75 kg").correct
    assert not check_answer(item.answer, "7.5 kg").correct


def test_qti3_inline_choice_leaves_a_blank() -> None:
    result = parse(fixture("written/qti3_inline_choice.xml"), "triangles.xml")
    (inline,) = result.items
    assert (inline.key, inline.kind) == ("qti-itm-triangle-names", "multiple_choice")
    assert inline.prompt == (
        "Choose the word that completes the sentence.\n"
        "A triangle whose three sides all have the same length is called an _____ triangle."
    )
    assert (inline.answer.correct, inline.answer.choices) == (
        "equilateral",
        ("isosceles", "equilateral", "scalene"),
    )
    assert result.warnings == []


def test_qti3_text_entry_with_mapping_alternatives() -> None:
    result = parse(fixture("written/qti3_text_entry.xml"), "hypotenuse.xml")
    (entry,) = result.items
    assert (entry.key, entry.kind) == ("qti-itm-hypotenuse", "short_text")
    assert (entry.answer.correct, entry.answer.alternatives, entry.answer.case_sensitive) == (
        "hypotenuse",
        ("hypothenuse", "the hypotenuse"),
        False,  # case-sensitive="false" on every entry
    )
    assert entry.prompt.splitlines() == [
        "In a right-angled triangle, one side lies opposite the right angle.",
        "It is always the longest of the three sides.",
        "What is this side called? _____",
    ]
    assert check_answer(entry.answer, "Hypothenuse").correct
    assert not check_answer(entry.answer, "longest side").correct
    assert [(w.where, w.message) for w in result.warnings] == [
        ("ITM-hypotenuse", "partial credit is not imported: 'longest side' (0.5) now counts as wrong")
    ]


def test_qti3_mathml_is_written_out() -> None:
    result = parse(fixture("written/qti3_mathml.xml"), "power.xml")
    (item,) = result.items
    assert item.prompt == "What is the value of (1/2)^3?"
    assert (item.answer.correct, item.answer.choices) == ("1/8", ("3/2", "1/6", "1/8", "1/9"))
    assert [w.message for w in result.warnings] == [
        "MathML was written as plain text: check it reads right (ITM-power-of-a-half)"
    ]


def test_qti21_items_from_qtiworks() -> None:
    choice = parse(fixture("qti21/choice-feedback.xml"), "choice-feedback.xml")
    (item,) = choice.items
    assert (item.prompt, item.answer.correct) == ("Which of the following colours are blue?", "Blue")
    assert item.answer.choices == ("Blue", "Red", "Yellow", "Green")
    # "Yes, that is correct!" / "No, that is wrong!" feedback is not a hint or a solution
    assert item.hints == () and item.worked_solution == ()
    assert any("feedback on particular answers" in w.message for w in choice.warnings)
    addition = parse(fixture("qti21/addition-feedback.xml"), "addition-feedback.xml").items[0]
    assert (addition.prompt, addition.kind, addition.answer.correct) == (
        "Please calculate the following:\n1+1= _____",
        "short_text",
        "2",
    )


QTI22_ITEMS = [
    ("qti-prime-choice", "multiple_choice"),
    ("qti-four-sides", "multiple_select"),
    ("qti-cycling-speed", "numeric"),
    ("qti-rounding-twice", "open_response"),
    ("qti-order-fractions", "ordering"),
]


def test_qti22_package() -> None:
    result = parse(zip_folder("written/qti22_package"), "number-sense.zip")
    assert result.format == "qti" and result.ok
    assert [(i.key, i.kind) for i in result.items] == QTI22_ITEMS  # the test file is not an item
    prime, shapes, speed, essay, order = result.items
    assert (prime.prompt, prime.answer.correct) == ("Which of these numbers is a prime number?", "29")
    assert prime.answer.choices == ("21", "27", "29", "33")
    assert shapes.answer.choices == ("Square", "Triangle", "Rhombus", "Pentagon", "Trapezium", "Hexagon")
    assert shapes.answer.correct_choices == ("Square", "Rhombus", "Trapezium")
    assert check_answer(shapes.answer, "Square; Rhombus; Trapezium").correct
    assert not check_answer(shapes.answer, "Square; Rhombus").correct
    assert speed.prompt == (
        "Noor cycles 15 km to school in 40 minutes.\n"
        "What is her average speed in kilometres per hour? _____ km/h"
    )
    assert speed.answer.correct == "22.5"
    assert check_answer(speed.answer, "22.50").correct and not check_answer(speed.answer, "0.375").correct
    # the candidate rubric is part of the prompt; the scorer rubric is the marking guidance
    assert essay.prompt == (
        "Answer in two or three sentences.\n"
        "Priya rounds 2.449 to one decimal place in two steps: first to 2.45, then to 2.5.\n"
        "Explain what is wrong with her method."
    )
    assert essay.answer.correct == (
        "Round once, from the original number: 2.449 to one decimal place is 2.4, "
        "because the hundredths digit is 4."
    )
    assert order.answer.choices == ("3/4", "1/2", "2/3", "5/8")
    assert order.answer.correct_choices == ("1/2", "5/8", "2/3", "3/4")
    assert check_answer(order.answer, "1/2; 5/8; 2/3; 3/4").correct
    assert [(s.source, s.identifier, s.interaction, s.reason) for s in result.skipped] == [
        (
            "number-sense.zip:items/si-units-match.xml",
            "si-units-match",
            "matchInteraction",
            "atpace cannot score this interaction",
        )
    ]
    assert [(w.source, w.where, w.message) for w in result.warnings] == [
        (
            "number-sense.zip:items/cycling-speed.xml",
            "cycling-speed",
            "partial credit is not imported: '0.375' (1) now counts as wrong",
        )
    ]


def test_qti22_package_listing_items_only_as_files_of_the_test() -> None:
    """Some tools (Spectatus, for one) list the items only as files of the test resource."""
    folder = FIXTURES / "written" / "qti22_package"
    names = ["test.xml", *(f"items/{p.name}" for p in sorted((folder / "items").glob("*.xml")))]
    files = "".join(f'<file href="{name}"/>' for name in names)
    manifest = (
        '<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="m"><resources>'
        f'<resource identifier="TEST" type="imsqti_test_xmlv2p2" href="test.xml">{files}</resource>'
        "</resources></manifest>"
    )
    package = {name: (folder / name).read_bytes() for name in names}
    result = parse(zip_files({"imsmanifest.xml": manifest.encode(), **package}), "files.zip")
    assert result.ok
    assert sorted((i.key, i.kind) for i in result.items) == sorted(QTI22_ITEMS)
    assert skipped_types(result) == [("si-units-match", "matchInteraction")]


def test_qti3_package_from_kennisnet() -> None:
    result = parse(zip_folder("kennisnet_qti3"), "kennisnet.zip")
    assert result.ok
    assert [(i.key, i.kind) for i in result.items] == [
        ("qti-item007", "multiple_select"),
        ("qti-item008", "open_response"),
        ("qti-item009", "ordering"),
    ]
    roman, essay, order = result.items
    assert roman.answer.choices == ("L", "C", "A", "M", "K", "G")
    assert roman.answer.correct_choices == ("L", "C", "M")
    assert essay.answer.correct.startswith(
        "- De student moet drie specifieke technologische"
    )  # scorer rubric
    assert order.answer.correct_choices == (
        "Opstaan",
        "Aankleden",
        "Ontbijten",
        "Naar school gaan",
        "Naar bed gaan",
    )
    assert check_answer(
        order.answer, "Opstaan; Aankleden; Ontbijten; Naar school gaan; Naar bed gaan"
    ).correct
    assert skipped_types(result) == [
        ("INTRODUCTION", "none"),
        ("ITEM001", "qti-hottext-interaction"),
        ("ITEM002", "qti-match-interaction"),
        ("ITEM003", "qti-match-interaction"),
        ("ITEM004", "qti-gap-match-interaction"),
        ("ITEM005", "qti-select-point-interaction"),
        ("ITEM006", "qti-text-entry-interaction, qti-text-entry-interaction"),
    ]
    assert result.skipped[6].reason == "several interactions in one item: an atpace item has one answer"
    assert result.skipped[1].source == "kennisnet.zip:ITEM001.xml"


def test_package_in_a_folder_of_the_zip() -> None:
    result = parse(zip_folder("kennisnet_qti3", prefix="export/"), "kennisnet.zip")
    assert result.ok and len(result.items) == 3


def test_numeric_entry_hint_and_solution() -> None:
    result = parse(fixture("written/qti21_math_hint_solution.xml"), "half.xml")
    (item,) = result.items
    assert item.prompt == "What is half of 3/4? Write it as a decimal.\n_____"
    assert (item.kind, item.answer.correct) == ("numeric", "0.375")
    assert item.hints == ("Halve the numerator or double the denominator.",)
    assert item.worked_solution == ("Half of 3/4 is 3/8, and 3 ÷ 8 = 0.375.",)


def test_case_sensitive_mapping_without_correct_response() -> None:
    result = parse(fixture("written/qti21_case_sensitive.xml"), "salt.xml")
    (item,) = result.items
    assert (item.answer.correct, item.answer.alternatives, item.answer.case_sensitive) == (
        "NaCl",
        ("ClNa",),
        True,
    )
    assert not check_answer(item.answer, "nacl").correct
    assert check_answer(item.answer, "ClNa").correct


def test_template_item_is_skipped() -> None:
    result = parse(fixture("written/qti21_template.xml"), "random.xml")
    assert result.ok and not result.items
    assert skipped_types(result) == [("random-sum", "templateDeclaration")]


def test_choices_that_are_images_are_skipped() -> None:
    body = (
        '<choiceInteraction responseIdentifier="RESPONSE" maxChoices="1"><prompt>Which?</prompt>'
        '<simpleChoice identifier="A"><img src="a.png" alt=""/></simpleChoice>'
        '<simpleChoice identifier="B"><img src="b.png" alt=""/></simpleChoice></choiceInteraction>'
    )
    result = qti(ITEM.format(ident="pictures", body=body))
    assert [(s.identifier, s.reason) for s in result.skipped] == [
        ("pictures", "its choices are images: atpace choices are text")
    ]


def test_too_many_choices_are_skipped() -> None:
    choices = "".join(f'<simpleChoice identifier="{c}">{c}</simpleChoice>' for c in "ABCDEFGHIJKLM")
    body = f'<choiceInteraction responseIdentifier="RESPONSE" maxChoices="1">{choices}</choiceInteraction>'
    result = qti(ITEM.format(ident="many", body=body))
    assert [s.reason for s in result.skipped] == ["13 choices: atpace shows at most 12"]


def test_errors_in_items() -> None:
    missing = qti(ITEM.format(ident="x", body='<p>Q</p><choiceInteraction responseIdentifier="OTHER"/>'))
    assert [(p.where, p.message) for p in missing.problems] == [
        ("x choiceInteraction", "no responseDeclaration for 'OTHER'")
    ]
    wrong = qti(
        ITEM.format(
            ident="y",
            body='<choiceInteraction responseIdentifier="RESPONSE"><simpleChoice identifier="B">b</simpleChoice>'
            '<simpleChoice identifier="C">c</simpleChoice></choiceInteraction>',
        )
    )
    assert [p.message for p in wrong.problems] == ["the correct response 'A' is not one of the choices"]
    test_file = qti('<assessmentTest xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="t"/>')
    assert [p.message for p in test_file.problems] == [
        "this is a QTI test, which refers to item files: import the content package (zip)"
    ]
    old = qti('<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2"/>')
    assert "import it as qti12" in old.problems[0].message


def test_package_errors() -> None:
    manifest = (
        '<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"><resources>'
        '<resource identifier="a" type="imsqti_item_xmlv2p1" href="items/a.xml"/>'
        '<resource identifier="b" type="imsqti_item_xmlv2p1" href="../../etc/passwd"/>'
        "</resources></manifest>"
    )
    result = parse(zip_files({"imsmanifest.xml": manifest.encode()}), "pkg.zip", "qti")
    assert [(p.where, p.message) for p in result.problems] == [
        ("b", "resource 'b' names no file"),
        ("items/a.xml", "the manifest lists this file but the package does not contain it"),
    ]
    no_manifest = parse(zip_files({"a.xml": ITEM.encode()}), "pkg.zip", "qti")
    assert [p.message for p in no_manifest.problems] == [
        "the zip has no imsmanifest.xml: it is not an IMS content package"
    ]
