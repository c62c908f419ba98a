"""QTI 1.2 as Canvas exports quizzes: a zip with imsmanifest.xml and one ``questestinterop`` file per
quiz (resource type ``imsqti_xmlv1p2``), or one such XML file alone. Common Cartridge assessments
(``cc_profile`` metadata) are read the same way.

Each ``item``'s ``question_type`` decides:

- ``multiple_choice_question``, ``true_false_question`` -> ``multiple_choice``;
- ``multiple_answers_question`` -> ``multiple_select`` (choices required by the full-score condition);
- ``short_answer_question`` -> ``short_text`` (every answer of the full-score condition accepted);
- ``numerical_question`` -> ``numeric`` when every full-score answer is the same exact number (an
  exact answer with margin 0 included); ranges, margins and precision answers are skipped;
- ``essay_question`` -> ``open_response``;
- ``text_only_question`` and every other type (matching, fill in multiple blanks, multiple dropdowns,
  calculated, file upload, hot spot...) -> skipped with the type.

The full-score conditions are the ``respcondition`` s that set ``SCORE`` to its highest value. Canvas's
neutral feedback (``general_fb``) becomes the worked solution; other feedback is left out with a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from atpace.content.spec import SELECTION_SEPARATOR
from atpace.interop.items.report import NO_MODEL_ANSWER, ImportBuilder, slug
from atpace.interop.items.safe import Package, UnsafeInput, is_zip, parse_xml, read_manifest
from atpace.interop.items.text import Rendered, html_to_text, local_name, plain_text

__all__ = ["parse_qti12"]

_CC_PROFILES = {
    "cc.multiple_choice.v0p1": "multiple_choice_question",
    "cc.true_false.v0p1": "true_false_question",
    "cc.multiple_response.v0p1": "multiple_answers_question",
    "cc.fib.v0p1": "short_answer_question",
    "cc.essay.v0p1": "essay_question",
}
_FEEDBACK_WARNING = "feedback on particular answers is not imported (atpace gives its own)"
_RESPONSES = frozenset(("response_lid", "response_str", "response_num", "response_xy", "response_grp"))
Interval = tuple[Decimal | None, Decimal | None]  # None: unbounded


def _name(element: Element) -> str:
    return local_name(element.tag) if isinstance(element.tag, str) else ""


def _children(element: Element, name: str) -> list[Element]:
    return [c for c in element if _name(c) == name]


def _all(element: Element, name: str) -> list[Element]:
    return [e for e in element.iter() if _name(e) == name]


def _text(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


class _Item:
    def __init__(self, item: Element, builder: ImportBuilder) -> None:
        self.item, self.b = item, builder
        ident = item.get("ident", "")
        title = item.get("title", "")
        self.ident = f"{title} [{ident}]" if title and ident else title or ident or "item"
        self.key = f"qti12-{slug(ident or title)}"
        self.rendered: list[Rendered] = []
        self.meta = {
            _text(label): _text(entry)
            for field in _all(item, "qtimetadatafield")
            for label in _children(field, "fieldlabel")
            for entry in _children(field, "fieldentry")
        }

    def material(self, element: Element) -> str:
        """Text of the material under ``element``, leaving out response blocks."""
        parts: list[str] = []

        def walk(node: Element) -> None:
            name = _name(node)
            if name in _RESPONSES:
                return
            if name == "mattext":
                raw = "".join(node.itertext())
                kind = node.get("texttype", "text/plain").lower()
                rendered = html_to_text(raw) if "html" in kind else plain_text(raw, html_allowed=False)
                self.rendered.append(rendered)
                parts.append(rendered.text)
            elif name == "matimage":
                self.rendered.append(Rendered("[image]", images=1))
                parts.append("[image]")
            elif name in ("mataudio", "matvideo", "matapplet", "matapplication"):
                self.rendered.append(Rendered("[media]", media=1))
                parts.append("[media]")
            else:
                for child in node:
                    walk(child)

        walk(element)
        return "\n".join(p for p in parts if p)

    def question_type(self) -> str:
        kind = self.meta.get("question_type") or _CC_PROFILES.get(self.meta.get("cc_profile", ""), "")
        if kind:
            return kind
        presentation = next(iter(_all(self.item, "presentation")), None)
        if presentation is None:
            return "unknown"
        lids = _all(presentation, "response_lid")
        if len(lids) == 1:
            cardinality = lids[0].get("rcardinality", "Single").lower()
            return "multiple_answers_question" if cardinality == "multiple" else "multiple_choice_question"
        strings = _all(presentation, "response_str") + _all(presentation, "response_num")
        if len(strings) == 1 and not lids:
            fib = next(iter(_all(strings[0], "render_fib")), None)
            if _name(strings[0]) == "response_num" or (
                fib is not None and fib.get("fibtype") in ("Decimal", "Integer")
            ):
                return "numerical_question"
            return "short_answer_question" if self.full_score() else "essay_question"
        return "unknown"

    def full_score(self) -> list[Element]:
        """The conditionvars of the respconditions that give the highest score."""
        scored: list[tuple[float, Element]] = []
        for condition in _all(self.item, "respcondition"):
            var = next(iter(_children(condition, "conditionvar")), None)
            total = 0.0
            for setvar in _children(condition, "setvar"):
                if setvar.get("varname", "SCORE").upper() not in ("SCORE", "QUE_SCORE"):
                    continue
                try:
                    total = float(_text(setvar) or 0)
                except ValueError:
                    continue
            if var is not None and total > 0:
                scored.append((total, var))
        best = max((score for score, _ in scored), default=0.0)
        return [var for score, var in scored if score == best]

    def choices(self) -> dict[str, str]:
        return {
            label.get("ident", ""): " ".join(self.material(label).split())  # a choice is one line
            for label in _all(self.item, "response_label")
        }

    def build(self) -> None:
        kind = self.question_type()
        presentation = next(iter(_all(self.item, "presentation")), None)
        prompt = self.material(presentation) if presentation is not None else ""
        solutions = []
        for feedback in _all(self.item, "itemfeedback"):
            text = self.material(feedback)
            if feedback.get("ident", "") == "general_fb" and text:
                solutions.append(text)
            elif text:
                self.b.group_warning(_FEEDBACK_WARNING, self.ident)
        readers: dict[str, Callable[[], dict[str, object] | None]] = {
            "multiple_choice_question": self.one_choice,
            "true_false_question": self.one_choice,
            "multiple_answers_question": self.several_choices,
            "short_answer_question": self.short_answer,
            "numerical_question": self.numerical,
            "essay_question": lambda: {"kind": "open_response", "correct": NO_MODEL_ANSWER},
        }
        if kind == "text_only_question":
            self.b.skip(self.ident, kind, "text only: nothing to answer")
            return
        if kind not in readers:
            self.b.skip(self.ident, kind, "atpace cannot score this question type")
            return
        answer = readers[kind]()
        if answer is not None:
            self.b.add_item(
                key=self.key,
                identifier=self.ident,
                interaction=kind,
                prompt=prompt,
                answer=answer,
                worked_solution=solutions,
            )
        self.b.note_rendering(self.rendered, self.ident)

    def required(self) -> list[str]:
        """Values the full-score conditions require (``varequal`` not under ``not``), in order."""
        found: list[str] = []

        def walk(node: Element) -> None:
            if _name(node) == "not":
                return
            if _name(node) == "varequal":
                found.append(_text(node))
            for child in node:
                walk(child)

        for var in self.full_score():
            walk(var)
        return list(dict.fromkeys(found))

    def one_choice(self) -> dict[str, object] | None:
        texts = self.choices()
        right = [r for r in self.required() if r in texts]
        if not right:
            self.b.problem("no choice is marked correct", where=self.ident)
            return None
        if len(right) > 1:
            self.b.skip(
                self.ident,
                "multiple_choice_question",
                "several choices score fully: atpace has one right choice",
            )
            return None
        return {"kind": "multiple_choice", "correct": texts[right[0]], "choices": list(texts.values())}

    def several_choices(self) -> dict[str, object] | None:
        texts = self.choices()
        right = [r for r in self.required() if r in texts]
        if not right:
            self.b.problem("no choice is marked correct", where=self.ident)
            return None
        picked = [text for ident, text in texts.items() if ident in right]
        return {
            "kind": "multiple_select",
            "correct": SELECTION_SEPARATOR.join(picked),
            "choices": list(texts.values()),
            "correct_choices": picked,
        }

    def short_answer(self) -> dict[str, object] | None:
        accepted = [a for a in self.required() if a]
        if not accepted:
            self.b.problem("no answer is marked correct", where=self.ident)
            return None
        answer: dict[str, object] = {"kind": "short_text", "correct": accepted[0]}
        if accepted[1:]:
            answer["alternatives"] = accepted[1:]
        return answer

    def numerical(self) -> dict[str, object] | None:
        intervals: list[Interval] = []
        try:
            for var in self.full_score():
                intervals.extend(_intervals(var))
        except InvalidOperation:
            self.b.problem("a numerical answer is not a number", where=self.ident)
            return None
        if not intervals:
            self.b.problem("no answer is marked correct", where=self.ident)
            return None
        values = {low for low, high in intervals if low is not None and low == high}
        inexact = [iv for iv in intervals if iv[0] is None or iv[0] != iv[1]]
        if inexact:
            shown = ", ".join(f"{'' if lo is None else lo}..{'' if hi is None else hi}" for lo, hi in inexact)
            self.b.skip(
                self.ident, "numerical_question", f"accepts {shown}: atpace checks exact numbers only"
            )
            return None
        if len(values) > 1:
            self.b.skip(
                self.ident, "numerical_question", "several different exact answers: atpace accepts one number"
            )
            return None
        value = values.pop()
        return {"kind": "numeric", "correct": _plain_number(value)}


def _plain_number(value: Decimal) -> str:
    """``42.0`` -> ``42``, ``0.50`` -> ``0.5``: no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _intervals(node: Element) -> list[Interval]:
    """The accepted intervals of a (numerical) condition: ``or`` unites, ``and``/``conditionvar`` intersect."""
    name = _name(node)
    if name == "varequal":
        value = Decimal(_text(node))
        return [(value, value)]
    if name in ("vargte", "vargt"):
        return [(Decimal(_text(node)), None)]
    if name in ("varlte", "varlt"):
        return [(None, Decimal(_text(node)))]
    if name == "or":
        return [iv for child in node for iv in _intervals(child)]
    if name in ("and", "conditionvar"):
        result: list[Interval] = [(None, None)]
        for child in node:
            if _name(child) == "other":
                continue
            result = [_intersect(a, b) for a in result for b in _intervals(child)]
        return [iv for iv in result if iv[0] is None or iv[1] is None or iv[0] <= iv[1]]
    return []


def _intersect(a: Interval, b: Interval) -> Interval:
    lows = [x for x in (a[0], b[0]) if x is not None]
    highs = [x for x in (a[1], b[1]) if x is not None]
    return (max(lows) if lows else None, min(highs) if highs else None)


def _read_file(data: bytes, builder: ImportBuilder) -> bool:
    try:
        root = parse_xml(data)
    except UnsafeInput as error:
        builder.problem(str(error), line=error.line, where=error.where)
        return True
    if _name(root) != "questestinterop":
        return False
    for item in _all(root, "item"):
        _Item(item, builder).build()
    return True


def parse_qti12(data: bytes, builder: ImportBuilder) -> None:
    if not is_zip(data):
        if not _read_file(data, builder):
            builder.problem("not QTI 1.2: the document is not <questestinterop>")
        return
    try:
        package = Package(data)
        manifest = read_manifest(package)
        if manifest is not None:
            paths = [
                path
                for resource in manifest.resources
                if resource.type.lower().startswith("imsqti_xmlv1p2")
                for path in (resource.href, *resource.files)
                if path and not path.lower().endswith("assessment_meta.xml")
            ]
        else:
            paths = [name for name in package.names if name.lower().endswith((".xml", ".qti"))]
        read = 0
        for path in dict.fromkeys(paths):
            builder.source = f"{builder.filename}:{path}"
            if path not in package:
                builder.problem("the manifest lists this file but the package does not contain it")
                continue
            if _read_file(package.read(path), builder):
                read += 1
            elif manifest is not None:
                builder.problem("the manifest lists this file as QTI 1.2 but it is not <questestinterop>")
        builder.source = builder.filename
        if not read and not builder.has_problems:
            builder.problem(
                "the package has no QTI 1.2 quiz (a Canvas export lists one as type imsqti_xmlv1p2)"
                if manifest is not None
                else "the zip has no imsmanifest.xml and no QTI 1.2 file"
            )
    except UnsafeInput as error:
        builder.problem(str(error), line=error.line, where=error.where)
