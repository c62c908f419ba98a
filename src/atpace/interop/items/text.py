"""Readable plain text from the HTML, XHTML and Markdown that item formats carry.

Paragraphs and line breaks become newlines, tags go, entities are unescaped. What plain text cannot
hold is never dropped silently: an image becomes ``[image]`` (with its alt text), audio and video
``[media]``, and MathML is written out linearly (``3/4``, ``x^2``) or, when too complex, ``[math]``.
:class:`Rendered` counts those so the importer can warn about them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from xml.etree.ElementTree import Element

__all__ = [
    "Rendered",
    "TextWriter",
    "html_to_text",
    "local_name",
    "markdown_to_text",
    "math_text",
    "plain_text",
    "write_children",
]

_BLOCKS = frozenset(
    [
        "p",
        "div",
        "blockquote",
        "ul",
        "ol",
        "dl",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "header",
        "footer",
        "figure",
        "figcaption",
        "address",
        "hr",
        "center",
        "form",
        "fieldset",
        "main",
        "nav",
        "aside",
        "details",
        "summary",
    ]
)
_LINES = frozenset(["br", "li", "tr", "dt", "dd", "caption"])
_CELLS = frozenset(["td", "th"])
_DROPPED = frozenset(["script", "style", "head", "title", "template", "noscript"])
_MEDIA = frozenset(["video", "audio", "object", "embed", "iframe", "applet", "canvas"])
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
_OPERATORS = frozenset(["+", "-", "−", "=", "×", "÷", "<", ">", "≤", "≥", "≠", "±", "·", "≈"])
_WORD = re.compile(r"[\w.,]+")


def local_name(tag: str) -> str:
    """``{namespace}name`` -> ``name``."""
    return tag.rsplit("}", 1)[-1]


@dataclass(frozen=True)
class Rendered:
    text: str
    images: int = 0
    media: int = 0
    math: int = 0  # MathML written out as text (or as [math] when it could not be)

    def __str__(self) -> str:
        return self.text


class TextWriter:
    """Accumulates text with HTML whitespace rules; ``block``/``line`` mark breaks."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.images = 0
        self.media = 0
        self.math = 0
        self._lists: list[list[int]] = []  # one counter per open list; [0] marks an unordered list
        self.preformatted = 0

    def text(self, text: str) -> None:
        if not text:
            return
        if self.preformatted:
            self._parts.append(text)
        else:
            self._parts.append(re.sub(r"[ \t\r\n\f]+", " ", text))

    def block(self) -> None:
        self._parts.append("\n")

    def line(self) -> None:
        self._parts.append("\n")

    def placeholder(self, text: str) -> None:
        self._parts.append(f" {text} ")

    def image(self, alt: str) -> None:
        self.images += 1
        alt = " ".join(alt.split())
        self.placeholder(f"[image: {alt}]" if alt else "[image]")

    def media_object(self) -> None:
        self.media += 1
        self.placeholder("[media]")

    def formula(self, element: Element) -> None:
        self.math += 1
        self._parts.append(math_text(element))  # the source's own spacing around it is kept

    def open_list(self, ordered: bool) -> None:
        self.block()
        self._lists.append([1] if ordered else [0])

    def close_list(self) -> None:
        if self._lists:
            self._lists.pop()
        self.block()

    def list_item(self) -> None:
        self.line()
        if self._lists and self._lists[-1][0]:
            self._parts.append(f"{self._lists[-1][0]}. ")
            self._lists[-1][0] += 1
        elif self._lists:
            self._parts.append("- ")

    def result(self) -> Rendered:
        lines = (re.sub(r"[ \t]+", " ", line).strip() for line in "".join(self._parts).split("\n"))
        return Rendered("\n".join(line for line in lines if line), self.images, self.media, self.math)


def _start(writer: TextWriter, name: str, attrs: dict[str, str]) -> None:
    """What an opening tag adds (shared by the HTML and the XML readers)."""
    if name in ("ul", "ol"):
        writer.open_list(name == "ol")
    elif name == "li":
        writer.list_item()
    elif name in _BLOCKS or name in _LINES:
        writer.block()
        if name == "pre":
            writer.preformatted += 1
    elif name in _CELLS:
        writer.text(" ")
    elif name == "img" or name == "svg":
        writer.image(attrs.get("alt", "") or attrs.get("title", ""))
    elif name in _MEDIA:
        writer.media_object()


def _end(writer: TextWriter, name: str) -> None:
    if name in ("ul", "ol"):
        writer.close_list()
    elif name in _BLOCKS:
        if name == "pre" and writer.preformatted:
            writer.preformatted -= 1
        writer.block()


class _HtmlReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.writer = TextWriter()
        self._skip_depth = 0  # inside script/style, or inside media/svg whose content is not text
        self._skip_tag = ""
        self._math: list[Element] = []  # open MathML elements, rebuilt as a tree

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if self._math:
            child = Element(tag, values)
            self._math[-1].append(child)
            if tag not in _VOID:
                self._math.append(child)
            return
        if self._skip_depth:
            if tag == self._skip_tag:
                self._skip_depth += 1
            return
        if tag == "math":
            self._math.append(Element("math", values))
            return
        _start(self.writer, tag, values)
        if (tag in _DROPPED or tag in _MEDIA or tag == "svg") and tag not in _VOID:
            self._skip_tag, self._skip_depth = tag, 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if (self._math and tag not in _VOID) or (self._skip_depth and tag == self._skip_tag):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._math:
            if self._math[-1].tag == tag:
                finished = self._math.pop()
                if not self._math:
                    self.writer.formula(finished)
            return
        if self._skip_depth:
            if tag == self._skip_tag:
                self._skip_depth -= 1
            return
        _end(self.writer, tag)

    def handle_data(self, data: str) -> None:
        if self._math:
            current = self._math[-1]
            if len(current):
                current[-1].tail = (current[-1].tail or "") + data
            else:
                current.text = (current.text or "") + data
        elif not self._skip_depth:
            self.writer.text(data)

    def close_math(self) -> None:
        if self._math:  # an unclosed <math>: write what there is
            self.writer.formula(self._math[0])
            self._math = []


def html_to_text(markup: str) -> Rendered:
    reader = _HtmlReader()
    reader.feed(markup)
    reader.close()
    reader.close_math()
    return reader.writer.result()


_LOOKS_HTML = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*[\s/>]|/[a-zA-Z])|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")


def plain_text(text: str, *, html_allowed: bool = True) -> Rendered:
    """Text that may or may not be HTML (Moodle's default format): HTML only when it looks like it,
    so that ``2 < 3`` in a plain question survives. Newlines of plain text are kept."""
    if html_allowed and _LOOKS_HTML.search(text):
        return html_to_text(text.replace("\n", "<br>"))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return Rendered("\n".join(line for line in lines if line))


def markdown_to_text(text: str) -> Rendered:
    """The common Markdown marks removed; single newlines join lines as Markdown does."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = []
        for raw in block.splitlines():
            line = re.sub(r"^\s{0,3}#{1,6}\s+", "", raw)  # headings
            line = re.sub(r"^\s*[-*+]\s+", "- ", line)  # bullets kept readable
            lines.append(line.strip())
        joined = " ".join(line for line in lines if line)
        if any(re.match(r"- |\d+[.)] ", line) for line in lines):  # lists keep their lines
            joined = "\n".join(line for line in lines if line)
        paragraphs.append(joined)
    result = "\n".join(p for p in paragraphs if p)
    images = len(re.findall(r"!\[[^\]]*\]\([^)]*\)", result))
    result = re.sub(r"!\[([^\]]*)\]\([^)]*\)", lambda m: f"[image: {m[1]}]" if m[1] else "[image]", result)
    result = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", result)  # links keep their text
    result = re.sub(r"(\*\*|__)(.+?)\1", r"\2", result)
    result = re.sub(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])", r"\2", result)
    result = re.sub(r"`([^`]+)`", r"\1", result)
    rendered = html_to_text(result.replace("\n", "<br>")) if _LOOKS_HTML.search(result) else None
    if rendered is not None:
        return Rendered(rendered.text, rendered.images + images, rendered.media, rendered.math)
    return Rendered(html.unescape(result), images)


# -- MathML ------------------------------------------------------------------------------------------


class _TooComplex(Exception):
    pass


def math_text(element: Element) -> str:
    """Linear text for a MathML ``<math>``: fractions as ``a/b``, powers as ``a^b``, a table one row a
    line; ``[math]`` (with the alttext or TeX annotation, if any) for what does not read linearly."""
    try:
        lines = (" ".join(line.split()) for line in _math(element).split("\n"))
        text = "\n".join(line for line in lines if line)
    except _TooComplex:
        text = ""
    if text:
        return text
    tex = next((a for a in element.iter() if "tex" in a.get("encoding", "").lower()), None)
    alt = " ".join((element.get("alttext") or ("".join(tex.itertext()) if tex is not None else "")).split())
    return f"[math: {alt}]" if alt else "[math]"


_CLOSING = {"(": ")", "[": "]", "{": "}"}


def _bracketed(text: str) -> bool:
    """Whether one pair of brackets encloses all of ``text``: ``(1/2)`` but not ``(a)+(b)``."""
    opening = text[:1]
    closing = _CLOSING.get(opening)
    if closing is None or not text.endswith(closing):
        return False
    depth = 0
    for position, char in enumerate(text):
        depth += (char == opening) - (char == closing)
        if depth == 0:
            return position == len(text) - 1
    return False


def _wrap(text: str) -> str:
    return text if _WORD.fullmatch(text) or _bracketed(text) else f"({text})"


def _math(element: Element) -> str:
    name = local_name(element.tag)
    if name in ("mi", "mn", "mtext", "ms"):
        return " ".join("".join(element.itertext()).split())
    if name == "mo":
        op = "".join(element.itertext()).strip()
        return f" {op} " if op in _OPERATORS else op
    if name == "mspace":
        return " "
    children = [c for c in element if local_name(c.tag) not in ("annotation", "annotation-xml", "none")]
    if name == "semantics":
        return _math(children[0]) if children else ""
    parts = [_math(child).strip() for child in children]
    arity = {"mfrac": 2, "msup": 2, "msub": 2, "msubsup": 3, "mroot": 2}
    if name in arity and len(parts) != arity[name]:
        raise _TooComplex(name)
    if name == "mfrac":
        return f"{_wrap(parts[0])}/{_wrap(parts[1])}"
    if name == "msup":
        return f"{_wrap(parts[0])}^{_wrap(parts[1])}"
    if name == "msub":
        return f"{_wrap(parts[0])}_{_wrap(parts[1])}"
    if name == "msubsup":
        return f"{_wrap(parts[0])}_{_wrap(parts[1])}^{_wrap(parts[2])}"
    if name == "mroot":
        return f"root{_wrap(parts[1])}({parts[0]})"
    if name == "msqrt":
        return f"√({' '.join(parts)})"
    if name == "mfenced":
        separator = (element.get("separators", ",").strip() or ",")[0]
        return element.get("open", "(") + separator.join(parts) + element.get("close", ")")
    if name == "mtable":  # aligned equations: one row a line
        return "\n".join(_math(row) for row in children)
    if name in ("mtr", "mlabeledtr"):
        return " ".join(parts)
    if name in ("math", "mrow", "mstyle", "mpadded", "mphantom", "menclose", "merror", "mtd"):
        return "".join(_math(child) for child in children)
    raise _TooComplex(name)


# -- XML (QTI item bodies: XHTML elements, MathML, and the format's own elements) -----------------------

# ``handle(element, writer)`` writes an element itself and returns True, or returns False for the
# default XHTML rules; the QTI reader uses it for interactions and feedback.
Handler = Callable[[Element, TextWriter], bool]


def write_children(element: Element, writer: TextWriter, handle: Handler | None = None) -> None:
    writer.text(element.text or "")
    for child in element:
        _write_element(child, writer, handle)
        writer.text(child.tail or "")


def _write_element(element: Element, writer: TextWriter, handle: Handler | None) -> None:
    if not isinstance(element.tag, str):  # comments and processing instructions
        return
    name = local_name(element.tag)
    if handle is not None and handle(element, writer):
        return
    if name == "math":
        writer.formula(element)
        return
    if name in _DROPPED:
        return
    _start(writer, name, {local_name(k): v for k, v in element.attrib.items()})
    if name not in _MEDIA and name not in ("img", "svg"):
        write_children(element, writer, handle)
    _end(writer, name)
