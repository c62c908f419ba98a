"""HTML, XHTML and MathML to readable plain text."""

from __future__ import annotations

from xml.etree.ElementTree import fromstring

from atpace.interop.items.text import html_to_text, markdown_to_text, math_text, plain_text


def test_html_paragraphs_lists_and_entities() -> None:
    rendered = html_to_text(
        "<div><p>Which is <b>bigger</b> &amp; why?</p><ol><li>1/2</li><li>2/3</li></ol>"
        "<ul><li>first</li></ul>line<br/>break<script>alert(1)</script><style>p{}</style></div>"
    )
    assert rendered.text == "Which is bigger & why?\n1. 1/2\n2. 2/3\n- first\nline\nbreak"
    assert (rendered.images, rendered.media, rendered.math) == (0, 0, 0)


def test_images_media_and_math_are_never_silently_dropped() -> None:
    rendered = html_to_text(
        '<p>See <img src="a.png" alt="a pie cut in 4"> and <img src="b.png"></p>'
        '<video src="v.mp4">fallback text</video><p><math><mfrac><mn>1</mn><mn>4</mn></mfrac></math> of it</p>'
    )
    assert rendered.text == "See [image: a pie cut in 4] and [image]\n[media]\n1/4 of it"
    assert (rendered.images, rendered.media, rendered.math) == (2, 1, 1)


def test_mathml_linear_forms() -> None:
    ns = 'xmlns="http://www.w3.org/1998/Math/MathML"'
    cases = {
        f"<math {ns}><mfrac><mrow><mi>x</mi><mo>+</mo><mn>1</mn></mrow><mn>2</mn></mfrac></math>": "(x + 1)/2",
        f"<math {ns}><msqrt><mn>9</mn></msqrt><mo>=</mo><mn>3</mn></math>": "√(9) = 3",
        f"<math {ns}><msub><mi>a</mi><mn>1</mn></msub></math>": "a_1",
        f'<math {ns} alttext="a tensor"><mmultiscripts><mi>R</mi><mi>i</mi><none/></mmultiscripts></math>': (
            "[math: a tensor]"
        ),
        f"<math {ns}><mtable/></math>": "[math]",
    }
    for source, expected in cases.items():
        assert math_text(fromstring(source)) == expected


def test_plain_text_keeps_comparisons_and_lines() -> None:
    assert plain_text("Is 2 < 3 and 5 > 4?\nYes.").text == "Is 2 < 3 and 5 > 4?\nYes."
    assert plain_text("A <b>bold</b> move").text == "A bold move"
    assert plain_text("A <b>bold</b> move", html_allowed=False).text == "A <b>bold</b> move"


def test_markdown() -> None:
    rendered = markdown_to_text(
        "# Title\nSome **bold** and *em* text\nwith [a link](http://x) and ![pie](p.png)\n\n- one\n- two"
    )
    assert rendered.text == "Title Some bold and em text with a link and [image: pie]\n- one\n- two"
    assert rendered.images == 1


def test_mathml_table_reads_one_row_a_line() -> None:
    source = (
        '<math xmlns="http://www.w3.org/1998/Math/MathML"><semantics><mtable>'
        "<mtr><mtd><msup><mi>e</mi><mn>2</mn></msup></mtd><mtd><mo>=</mo></mtd><mtd><mi>exp</mi>"
        '<mfenced open="(" close=")"><mn>2</mn></mfenced></mtd></mtr>'
        "<mtr><mtd/><mtd><mo>≈</mo></mtd><mtd><mn>7.389</mn></mtd></mtr>"
        '</mtable><annotation encoding="LaTeX">e^2</annotation></semantics></math>'
    )
    assert math_text(fromstring(source)) == "e^2 = exp(2)\n≈ 7.389"
    tex_only = '<math xmlns="http://www.w3.org/1998/Math/MathML"><semantics><mglyph/><annotation encoding="application/x-tex">x^2</annotation></semantics></math>'
    assert math_text(fromstring(tex_only)) == "[math: x^2]"


def test_mathml_brackets_already_there_are_not_doubled() -> None:
    def math(body: str) -> str:
        return math_text(fromstring(f'<math xmlns="http://www.w3.org/1998/Math/MathML">{body}</math>'))

    half = "<mfrac><mn>1</mn><mn>2</mn></mfrac>"
    assert math(f"<msup><mrow><mo>(</mo>{half}<mo>)</mo></mrow><mn>3</mn></msup>") == "(1/2)^3"
    assert math(f'<msup><mfenced open="[" close="]">{half}</mfenced><mn>2</mn></msup>') == "[1/2]^2"
    # two bracketed groups side by side are not one: the whole is wrapped
    pair = "<mrow><mo>(</mo><mi>a</mi><mo>)</mo><mo>+</mo><mo>(</mo><mi>b</mi><mo>)</mo></mrow>"
    assert math(f"<msup>{pair}<mn>2</mn></msup>") == "((a) + (b))^2"
    assert math("<msup><mrow><mi>x</mi><mo>+</mo><mn>1</mn></mrow><mn>2</mn></msup>") == "(x + 1)^2"
