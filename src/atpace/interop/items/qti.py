"""QTI 2.1 (2.0-2.2) and QTI 3.0 items, alone or in IMS content packages (a zip with imsmanifest.xml).

Both versions are read by one reader: QTI 3's ``qti-choice-interaction`` and ``response-identifier``
are looked up under their QTI 2 names (``choiceInteraction``, ``responseIdentifier``). An item maps
to one atpace item when it has exactly one interaction atpace can score:

- ``choiceInteraction``: single cardinality -> ``multiple_choice``, multiple -> ``multiple_select``;
- ``inlineChoiceInteraction`` -> ``multiple_choice`` (the prompt shows ``_____`` in its place);
- ``textEntryInteraction``: string -> ``short_text`` (the correct response and every full-credit
  mapping entry are accepted), integer or float -> ``numeric`` (one exact value);
- ``extendedTextInteraction`` -> ``open_response`` (correct response or scorer rubric as guidance);
- ``orderInteraction`` -> ``ordering``.

Everything else (match, gap match, hotspot, hottext, graphic, slider, upload, drawing, custom...),
items with several interactions, template (randomised) items and items with no correct response are
listed as skipped with their type and identifier. The correct response (or, without one, the
full-credit mapping entries) decides what is right; partial credit is left out with a warning.
Feedback whose identifier says hint becomes a hint; one that says solution the worked solution.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from atpace.content.spec import SELECTION_SEPARATOR
from atpace.interop.items.report import NO_MODEL_ANSWER, ImportBuilder, slug
from atpace.interop.items.safe import (
    Package,
    UnsafeInput,
    attr,
    children,
    find_all,
    first,
    is_zip,
    parse_xml,
    qti_name,
    read_manifest,
)
from atpace.interop.items.text import Rendered, TextWriter, local_name, write_children

__all__ = ["parse_qti", "parse_qti_package"]

SCORED = (
    "choiceInteraction",
    "inlineChoiceInteraction",
    "textEntryInteraction",
    "extendedTextInteraction",
    "orderInteraction",
)
# elements that are not part of what the student reads before answering
_NOT_PROMPT = frozenset(
    [
        "feedbackBlock",
        "feedbackInline",
        "modalFeedback",
        "templateBlock",
        "templateInline",
        "endAttemptInteraction",
        "printedVariable",
        "stylesheet",
        "catalogInfo",
        "companionMaterialsInfo",
    ]
)
_FEEDBACK_WARNING = "feedback on particular answers is not imported (atpace gives its own)"


@dataclass
class _Declaration:
    identifier: str
    cardinality: str
    base_type: str
    correct: list[str] = field(default_factory=list)
    mapping: list[tuple[str, float, str]] = field(default_factory=list)  # key, value, caseSensitive

    def full_credit(self) -> list[str]:
        """Keys of the highest positive mapping value."""
        best = max((value for _, value, _ in self.mapping), default=0.0)
        return [key for key, value, _ in self.mapping if value == best and value > 0]

    def partial(self) -> list[tuple[str, float]]:
        best = max((value for _, value, _ in self.mapping), default=0.0)
        return [(key, value) for key, value, _ in self.mapping if 0 < value < best]


def _value(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


_COMPARISONS = frozenset(
    [
        "equal",
        "equalRounded",
        "patternMatch",
        "stringMatch",
        "substring",
        "inside",
        "customOperator",
        "lt",
        "gt",
        "lte",
        "gte",
    ]
)


def _compares_response(processing: Element, response: str) -> bool:
    """Whether response processing compares the raw response other than by matching the correct
    response (comparing a mapped score, as many items do, is fine)."""
    for element in processing.iter():
        if qti_name(element) in _COMPARISONS and any(
            qti_name(e) == "variable" and attr(e, "identifier") == response for e in element
        ):
            return True
    return False


def _declarations(root: Element) -> dict[str, _Declaration]:
    result = {}
    for element in children(root, "responseDeclaration"):
        declaration = _Declaration(
            attr(element, "identifier"), attr(element, "cardinality", "single"), attr(element, "baseType")
        )
        correct = first(element, "correctResponse")
        if correct is not None:
            declaration.correct = [_value(v) for v in children(correct, "value")]
        mapping = first(element, "mapping")
        if mapping is not None:
            for entry in children(mapping, "mapEntry"):
                try:
                    value = float(attr(entry, "mappedValue", "0"))
                except ValueError:
                    value = 0.0
                declaration.mapping.append(
                    (" ".join(attr(entry, "mapKey").split()), value, attr(entry, "caseSensitive"))
                )
        result[declaration.identifier] = declaration
    return result


class _Item:
    def __init__(self, root: Element, builder: ImportBuilder, fallback_id: str) -> None:
        self.root, self.b = root, builder
        self.ident = attr(root, "identifier") or fallback_id
        self.rendered: list[Rendered] = []
        self.declarations = _declarations(root)

    # -- text -------------------------------------------------------------------------------------
    def _handle(self, element: Element, writer: TextWriter) -> bool:
        name = qti_name(element)
        if name in _NOT_PROMPT:
            return True
        if name == "rubricBlock":  # candidate rubrics are instructions for the student; others are not
            if "candidate" in attr(element, "view"):
                writer.block()
                write_children(element, writer, self._handle)
                writer.block()
            return True
        if name in ("textEntryInteraction", "inlineChoiceInteraction"):
            writer.text(" _____ ")
            return True
        if name.endswith("Interaction"):
            writer.block()
            for prompt in children(element, "prompt"):
                write_children(prompt, writer, self._handle)
            writer.block()
            return True
        if name == "object":  # QTI 2 often shows images as <object type="image/...">
            if attr(element, "type").startswith("image/"):
                writer.image(_value(element))
            else:
                writer.media_object()
            return True
        return False

    def render(self, element: Element) -> str:
        writer = TextWriter()
        write_children(element, writer, self._handle)
        rendered = writer.result()
        self.rendered.append(rendered)
        return rendered.text

    # -- reading ----------------------------------------------------------------------------------
    def build(self) -> None:
        body = first(self.root, "itemBody")
        if body is None:
            self.b.problem("the item has no itemBody", where=self.ident)
            return
        if children(self.root, "templateDeclaration") or children(self.root, "templateProcessing"):
            self.skip("templateDeclaration", "items with random values (templates) cannot be imported")
            return
        interactions = [
            e
            for e in body.iter()
            if qti_name(e).endswith("Interaction") and qti_name(e) != "endAttemptInteraction"
        ]
        if not interactions:
            self.skip("none", "no interaction: text to read, not a question")
            return
        if len(interactions) > 1:
            names = ", ".join(local_name(str(e.tag)) for e in interactions)
            self.skip(names, "several interactions in one item: an atpace item has one answer")
            return
        interaction = interactions[0]
        name = qti_name(interaction)
        if name not in SCORED:
            self.skip(local_name(str(interaction.tag)), "atpace cannot score this interaction")
            return
        response = attr(interaction, "responseIdentifier")
        declaration = self.declarations.get(response)
        if declaration is None:
            self.b.problem(
                f"no responseDeclaration for {response!r}",
                where=f"{self.ident} {local_name(str(interaction.tag))}",
            )
            return
        readers: dict[str, Callable[[], dict[str, object] | None]] = {
            "choiceInteraction": lambda: self.choose(interaction, declaration, "simpleChoice"),
            "inlineChoiceInteraction": lambda: self.choose(interaction, declaration, "inlineChoice"),
            "orderInteraction": lambda: self.order(interaction, declaration),
            "textEntryInteraction": lambda: self.text_entry(interaction, declaration),
            "extendedTextInteraction": lambda: self.extended_text(declaration),
        }
        answer = readers[name]()
        if answer is None:  # skipped or refused, with the reason already reported
            return
        prompt = self.render(body)
        hints, solutions = self.feedback()
        if children(self.root, "assessmentStimulusRef"):
            self.b.group_warning("shared reading passages (stimuli) are not imported", self.ident)
        if attr(self.root, "adaptive") == "true":
            self.b.group_warning("adaptive items are read as one-attempt items", self.ident)
        processing = first(self.root, "responseProcessing")
        if processing is not None and _compares_response(processing, response):
            self.b.group_warning(
                "the file's own scoring compares answers in ways atpace does not (a tolerance, a pattern...): "
                "atpace accepts the declared correct response",
                self.ident,
            )
        self.b.add_item(
            key=f"qti-{slug(self.ident)}",
            identifier=self.ident,
            interaction=local_name(str(interaction.tag)),
            prompt=prompt,
            answer=answer,
            hints=hints,
            worked_solution=solutions,
        )
        self.b.note_rendering(self.rendered, self.ident)

    def skip(self, interaction: str, reason: str) -> None:
        self.b.skip(self.ident, interaction, reason)

    def feedback(self) -> tuple[list[str], list[str]]:
        hints, solutions = [], []
        for element in self.root.iter():
            name = qti_name(element)
            if name not in ("modalFeedback", "feedbackBlock", "feedbackInline"):
                continue
            label = f"{attr(element, 'outcomeIdentifier')} {attr(element, 'identifier')}".lower()
            content = first(element, "contentBody")
            text = self.render(content if content is not None else element)
            if not text:
                continue
            if "hint" in label:
                hints.append(text)
            elif "solution" in label or "explanation" in label:
                solutions.append(text)
            else:
                self.b.group_warning(_FEEDBACK_WARNING, self.ident)
        return hints, solutions

    def partial_warning(self, declaration: _Declaration, texts: dict[str, str] | None = None) -> None:
        partial = declaration.partial()
        if partial:
            listed = ", ".join(f"'{(texts or {}).get(k, k)}' ({v:g})" for k, v in partial)
            self.b.warn(f"partial credit is not imported: {listed} now counts as wrong", where=self.ident)

    def choices(self, interaction: Element, name: str) -> dict[str, str] | None:
        """Choice identifier -> text, in display order; None (after skipping) when a choice is an image."""
        result = {}
        for choice in find_all(interaction, name):
            before = len(self.rendered)
            text = self.render(choice)
            if any(r.images or r.media for r in self.rendered[before:]):
                self.rendered = self.rendered[:before]
                self.skip(local_name(str(interaction.tag)), "its choices are images: atpace choices are text")
                return None
            result[attr(choice, "identifier")] = " ".join(text.split())  # a choice is one line
        return result

    def correct_ids(self, declaration: _Declaration) -> list[str]:
        return declaration.correct or declaration.full_credit()

    # -- interactions -----------------------------------------------------------------------------
    def choose(
        self, interaction: Element, declaration: _Declaration, choice_name: str
    ) -> dict[str, object] | None:
        texts = self.choices(interaction, choice_name)
        if texts is None:
            return None
        multiple = declaration.cardinality == "multiple"
        if multiple and declaration.correct:
            right = declaration.correct
        elif multiple:
            right = [key for key, value, _ in declaration.mapping if value > 0]
        else:
            right = self.correct_ids(declaration)
        if not right:
            self.skip(local_name(str(interaction.tag)), "no correct response is declared")
            return None
        unknown = [r for r in right if r not in texts]
        if unknown:
            self.b.problem(f"the correct response {unknown[0]!r} is not one of the choices", where=self.ident)
            return None
        if not multiple:
            if len(right) > 1:
                self.skip(
                    local_name(str(interaction.tag)),
                    "several fully correct choices for a one-choice question",
                )
                return None
            self.partial_warning(declaration, texts)
            return {"kind": "multiple_choice", "correct": texts[right[0]], "choices": list(texts.values())}
        picked = [texts[r] for r in texts if r in right]
        return {
            "kind": "multiple_select",
            "correct": SELECTION_SEPARATOR.join(picked),
            "choices": list(texts.values()),
            "correct_choices": picked,
        }

    def order(self, interaction: Element, declaration: _Declaration) -> dict[str, object] | None:
        texts = self.choices(interaction, "simpleChoice")
        if texts is None:
            return None
        if not declaration.correct:
            self.skip(local_name(str(interaction.tag)), "no correct order is declared")
            return None
        if sorted(declaration.correct) != sorted(texts):
            self.skip(local_name(str(interaction.tag)), "the correct order leaves out some choices")
            return None
        order = [texts[r] for r in declaration.correct]
        return {
            "kind": "ordering",
            "correct": SELECTION_SEPARATOR.join(order),
            "choices": list(texts.values()),
            "correct_choices": order,
        }

    def text_entry(self, interaction: Element, declaration: _Declaration) -> dict[str, object] | None:
        accepted = list(dict.fromkeys([*declaration.correct, *declaration.full_credit()]))
        accepted = [a for a in accepted if a]
        if not accepted:
            self.skip(local_name(str(interaction.tag)), "no correct response is declared")
            return None
        self.partial_warning(declaration)
        if declaration.base_type in ("integer", "float"):
            try:
                values = {Decimal(a) for a in accepted}
            except InvalidOperation:
                self.b.problem(f"{accepted[0]!r} is not a number", where=self.ident)
                return None
            if len(values) > 1:
                self.skip(
                    local_name(str(interaction.tag)),
                    "several different numbers are right: atpace accepts one",
                )
                return None
            return {"kind": "numeric", "correct": accepted[0]}
        if declaration.base_type not in ("string", ""):
            self.skip(
                local_name(str(interaction.tag)), f"answers of type {declaration.base_type} cannot be checked"
            )
            return None
        answer: dict[str, object] = {"kind": "short_text", "correct": accepted[0]}
        if accepted[1:]:
            answer["alternatives"] = accepted[1:]
        # QTI compares strings case-sensitively by default, but few teachers mean that: only an explicit
        # caseSensitive="true" is kept, otherwise atpace's case-insensitive check applies
        if any(flag == "true" for _, _, flag in declaration.mapping):
            answer["case_sensitive"] = True
        return answer

    def extended_text(self, declaration: _Declaration) -> dict[str, object]:
        guidance = " ".join(declaration.correct)
        if not guidance:
            rubrics = [r for r in find_all(self.root, "rubricBlock") if "candidate" not in attr(r, "view")]
            guidance = "\n".join(t for t in (self.render(r) for r in rubrics) if t)
        return {"kind": "open_response", "correct": guidance or NO_MODEL_ANSWER}


def _read_item(data: bytes, builder: ImportBuilder, fallback_id: str, *, in_package: bool) -> bool:
    """Read one XML file; returns False when it is not an item (a test, a stimulus...)."""
    try:
        root = parse_xml(data)
    except UnsafeInput as error:
        builder.problem(str(error), line=error.line, where=error.where)
        return True
    name = qti_name(root)
    if name == "assessmentItem":
        _Item(root, builder, fallback_id).build()
        return True
    if in_package:
        return False
    if name in ("assessmentTest", "assessmentSection"):
        builder.problem("this is a QTI test, which refers to item files: import the content package (zip)")
    elif name == "questestinterop":
        builder.problem("this is QTI 1.2 (for example a Canvas quiz export): import it as qti12")
    else:
        builder.problem(f"not a QTI item: the document is <{local_name(str(root.tag))}>")
    return True


def parse_qti_package(package: Package, builder: ImportBuilder) -> None:
    manifest = read_manifest(package)
    if manifest is None:
        builder.problem("the zip has no imsmanifest.xml: it is not an IMS content package")
        return
    builder.source = f"{builder.filename}:{manifest.path}"
    item_paths = []
    for resource in manifest.resources:
        kind = resource.type.lower()
        if kind.startswith("imsqti_xmlv1p2") or kind == "imsqti_xmlv1p1":
            builder.problem(
                "this package holds QTI 1.2 (for example a Canvas quiz export): import it as qti12"
            )
            return
        if kind.startswith("imsqti_item_xml"):
            path = resource.href or next((f for f in resource.files if f.lower().endswith(".xml")), "")
            if not path:
                builder.problem(f"resource {resource.identifier!r} names no file", where=resource.identifier)
            item_paths.append(path)
    explicit = bool(item_paths)
    if not explicit:  # some packages list items only as files of a test resource
        item_paths = [
            path
            for resource in manifest.resources
            for path in (resource.href, *resource.files)
            if path.lower().endswith(".xml") and path != manifest.path
        ]
    found = 0
    for path in dict.fromkeys(p for p in item_paths if p):
        if path not in package:
            builder.problem("the manifest lists this file but the package does not contain it", where=path)
            continue
        builder.source = f"{builder.filename}:{path}"
        try:
            data = package.read(path)
        except UnsafeInput as error:
            builder.problem(str(error), where=error.where)
            continue
        if _read_item(data, builder, posixpath.splitext(posixpath.basename(path))[0], in_package=True):
            found += 1
        elif explicit:
            builder.problem("the manifest lists this file as an item but it is not one", where=path)
    builder.source = builder.filename
    if not found and not builder.has_problems:
        builder.problem("the package lists no QTI items")


def parse_qti(data: bytes, builder: ImportBuilder) -> None:
    if is_zip(data):
        try:
            parse_qti_package(Package(data), builder)
        except UnsafeInput as error:
            builder.problem(str(error), line=error.line, where=error.where)
        return
    _read_item(
        data, builder, posixpath.splitext(posixpath.basename(builder.filename))[0] or "item", in_package=False
    )
