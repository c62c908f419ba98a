"""CASE competency frameworks (1EdTech CASE 1.0 and 1.1, a CFPackage in JSON): a lenient reader and the
queries that "start a course from a framework" needs.

**What is read.** A CFPackage, bare (``{"CFDocument": ..., "CFItems": [...], "CFAssociations": [...]}``, the shape
of the API and of most exports) or wrapped (``{"CFPackage": {...}}``); the lower-case keys ``document``, ``items``
and ``associations`` of the OpenCASE package schema, and the ``CFItemSet``/``CFAssociationSet`` wrappers of some
1.0 tools, are accepted too. UTF-8 with or without a byte order mark (UTF-16/32 with a BOM also work). From the CFDocument:
identifier, uri, title, creator, version, adoptionStatus, subject (a string or a list; else the titles of
subjectURI), language, lastChangeDateTime. From each CFItem: identifier, uri, humanCodingScheme, fullStatement,
abbreviatedStatement, the item type (CFItemType as a string or an object, else CFItemTypeURI's title),
educationLevel (a list or a comma-separated string; ``educationalLevel`` is read as well), listEnumeration,
language. From each CFAssociation: identifier, uri, associationType (any capitalisation or punctuation of the
ten CASE types), origin and destination (a LinkGenURI object or a bare URI string) and sequenceNumber (an integer
or a numeric string). ``sourcedId`` stands in for a missing ``identifier``. Dates may be any ISO 8601 form;
a date without a zone is taken as UTC. Every field that is not read into an attribute, or that could not be
read, is kept verbatim in the record's ``extra`` (CFDefinitions, CFRubrics and other package keys in
``Framework.extra``), so nothing in the file is lost.

**What is refused** (:class:`CaseError`, each problem named with its JSON path): text that is not JSON or not
UTF-8; no CFDocument; a missing, empty or non-string identifier, CFDocument title, CFItem fullStatement,
associationType, origin or destination; CFItems or CFAssociations that are not lists or hold non-objects; two
different records with one identifier, or an item with the document's identifier.

**What is tolerated with a warning** (``Framework.warnings``): fields CASE requires that the reader can do without
(uri, creator, lastChangeDateTime); optional fields of the wrong type (kept in ``extra``); dates that do not parse;
association types outside CASE's vocabulary (extensions, ``isParentOf``...), kept as written; repeated
humanCodingSchemes; exact duplicate records (dropped); isChildOf and precedes associations with an end outside the
package (ignored for the hierarchy and for prerequisites; an end that another framework's item stands for through
an exactMatchOf of a local item is read as that local item); cycles among isChildOf or precedes.

**What is ignored**: CFDefinitions (item types, subjects, concepts, licences, association groupings), CFRubrics,
licences, notes, alternative labels and concept keywords are kept in ``extra`` but not interpreted; isChildOf is
the only hierarchy and precedes the only source of prerequisites (isPartOf, isPeerOf, exactMatchOf and the rest are
kept as associations, not acted on); associations are not followed to other frameworks.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Final, TypeVar

from atpace.engine.graph import CycleError, SkillGraph

__all__ = [
    "ASSOCIATION_TYPES",
    "Association",
    "CaseError",
    "Document",
    "Framework",
    "FrameworkItem",
    "TreeNode",
    "read_framework",
]

ASSOCIATION_TYPES: Final[tuple[str, ...]] = (
    "isChildOf",
    "precedes",
    "isPartOf",
    "exactMatchOf",
    "isRelatedTo",
    "isPeerOf",
    "replacedBy",
    "exemplar",
    "hasSkillLevel",
    "isTranslationOf",
)
# Real exports write "IsChildOf", "is_child_of", "Is Child Of": fold to letters only.
_TYPE_BY_FOLDED: Final = {re.sub("[^a-z]", "", name.lower()): name for name in ASSOCIATION_TYPES}

SKILL_KEY_MAX: Final = 64
_SHOWN_PROBLEMS: Final = 20
_SHOWN_PATHS: Final = 3


class CaseError(ValueError):
    """A file that cannot be read as a CASE framework; ``problems`` names each error with its JSON path."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:_SHOWN_PROBLEMS])
        more = f"; and {len(problems) - _SHOWN_PROBLEMS} more" if len(problems) > _SHOWN_PROBLEMS else ""
        count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        super().__init__(f"not a readable CASE framework ({count}): {shown}{more}")


@dataclass(frozen=True, kw_only=True)
class Document:
    """The CFDocument: the framework as a whole."""

    identifier: str
    uri: str | None = None
    title: str
    creator: str | None = None
    version: str | None = None
    adoption_status: str | None = None
    subject: list[str] = field(default_factory=list)
    language: str | None = None
    last_change_date_time: datetime | None = None
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class FrameworkItem:
    """One CFItem: a standard, cluster, domain... as the framework states it."""

    identifier: str
    uri: str | None = None
    human_coding_scheme: str | None = None
    full_statement: str
    abbreviated_statement: str | None = None
    item_type: str | None = None
    education_level: list[str] = field(default_factory=list)
    list_enumeration: str | None = None
    language: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def short_name(self, limit: int = 200) -> str:
        """The abbreviated statement, else the full statement, cut at a word boundary to ``limit`` characters."""
        text = " ".join((self.abbreviated_statement or self.full_statement).split())
        if len(text) <= limit:
            return text
        cut = text[: limit - 1]
        if text[limit - 1] != " " and " " in cut:
            cut = cut.rsplit(" ", 1)[0]  # do not end in half a word
        return cut.rstrip(" ,;:.") + "…"


@dataclass(frozen=True, kw_only=True)
class Association:
    """One CFAssociation: ``origin`` *association_type* ``destination`` (e.g. A precedes B, A isChildOf B)."""

    identifier: str
    uri: str | None = None
    association_type: str
    origin_identifier: str
    origin_uri: str | None = None
    origin_title: str | None = None
    destination_identifier: str
    destination_uri: str | None = None
    destination_title: str | None = None
    sequence_number: int | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def is_standard_type(self) -> bool:
        return self.association_type in ASSOCIATION_TYPES


@dataclass(frozen=True)
class TreeNode:
    item: FrameworkItem
    children: list[TreeNode] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Framework:
    """A read framework. Treat it as read-only: the indexes behind the queries are built once, at construction."""

    document: Document
    items: list[FrameworkItem]
    associations: list[Association] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)
    _index: _Index = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", _Index(self))

    def item(self, identifier: str) -> FrameworkItem:
        """The item with this identifier; KeyError if there is none."""
        return self._index.items[identifier]

    def item_by_code(self, code: str) -> FrameworkItem | None:
        """The item whose humanCodingScheme is ``code`` (exact, else ignoring case and surrounding space)."""
        return self._index.by_code.get(code) or self._index.by_folded_code.get(code.strip().casefold())

    def children(self, identifier: str) -> list[FrameworkItem]:
        """Items that are isChildOf this item (or of the document: the top level, less the parentless items that
        :meth:`tree` adds), in framework order.

        Order: the isChildOf's sequenceNumber, then listEnumeration, then humanCodingScheme (numbers compared as
        numbers, so 1.10 follows 1.9), then the order of the file. KeyError for an unknown identifier.
        """
        index = self._index
        if identifier != self.document.identifier and identifier not in index.items:
            raise KeyError(identifier)
        return [index.items[child] for child in index.children.get(identifier, [])]

    def tree(self) -> list[TreeNode]:
        """The isChildOf hierarchy from the top, each item once (under its first parent in framework order).

        Items without a parent in this package, and items caught in an isChildOf cycle, follow the document's
        own children at the top level, so every item appears.
        """
        return self._index.build_tree()

    def outline(self) -> list[tuple[int, FrameworkItem]]:
        """The tree flattened in reading order as (depth, item), depth 0 at the top: what a picker shows."""
        return list(_outline(self.tree()))

    def precedes_edges(
        self, chosen_identifiers: Iterable[str], *, through_unchosen: bool = True
    ) -> list[tuple[str, str]]:
        """Prerequisite edges ``(before, after)`` among the chosen items, from precedes associations.

        With ``through_unchosen`` (the default), precedence passes through items that were not chosen: if A
        precedes B precedes C and only A and C are chosen, A comes before C, so leaving B out does not lose the
        order. A search stops at the first chosen item on each path, so an edge is added only where no chosen
        item lies between. Edges come in outline order of (before, after). Raises KeyError for an identifier
        that is not an item, and :class:`~atpace.engine.graph.CycleError` (its ``cycle`` given as item codes,
        else short names) when the chosen items' precedence is circular: a course cannot be built from them.
        """
        index = self._index
        chosen = list(dict.fromkeys(chosen_identifiers))
        for identifier in chosen:
            if identifier not in index.items:
                raise KeyError(identifier)
        wanted = set(chosen)
        edges: set[tuple[str, str]] = set()
        for start in chosen:
            seen: set[str] = set()
            stack = list(index.precedes.get(start, []))
            while stack:
                current = stack.pop()
                if current in seen:
                    continue
                seen.add(current)
                if current in wanted:
                    edges.add((start, current))
                elif through_unchosen:
                    stack.extend(index.precedes.get(current, []))
        try:
            SkillGraph.build(chosen, edges)
        except CycleError as error:
            raise CycleError([index.label(identifier) for identifier in error.cycle]) from error
        return sorted(edges, key=lambda edge: (index.position[edge[0]], index.position[edge[1]]))

    def skill_key_for(self, item: FrameworkItem | str) -> str:
        """A skill key for the item: a slug of its humanCodingScheme ("CCSS.Math.Content.6.RP.A.1" gives
        "ccss-math-content-6-rp-a-1"), else of its abbreviated or full statement, at most 64 characters, unique
        within this framework (items whose slugs clash, or that had to be shortened, end in a short hash of
        their identifier), and the same on every read of the same file."""
        identifier = item if isinstance(item, str) else item.identifier
        return self._index.skill_keys[identifier]


def read_framework(data: bytes | bytearray | str) -> Framework:
    """Read a CFPackage (CASE 1.0 or 1.1, JSON). Raises :class:`CaseError` listing every real error."""
    report = _Report()
    package, prefix = _package(_decode_json(data))
    raw_document = _first_key(package, ("CFDocument", "document"))
    if raw_document is None:
        hint = "; this is a list of documents, not a package" if "CFDocuments" in package else ""
        raise CaseError([f"{prefix}CFDocument: missing (not a CASE CFPackage){hint}"])
    document_key, raw = raw_document
    document = _read_document(raw, prefix + document_key, report)

    items: list[FrameworkItem] = []
    item_paths: list[str] = []
    for path, record in _records(package, prefix, ("CFItems", "items"), "CFItemSet", report):
        parsed = _read_item(record, path, report)
        if parsed is not None:
            items.append(parsed)
            item_paths.append(path)
    associations: list[Association] = []
    association_paths: list[str] = []
    for path, record in _records(
        package, prefix, ("CFAssociations", "associations"), "CFAssociationSet", report
    ):
        parsed_association = _read_association(record, path, report)
        if parsed_association is not None:
            associations.append(parsed_association)
            association_paths.append(path)

    items, item_paths = _drop_duplicates(items, item_paths, "CFItem", report)
    associations, association_paths = _drop_duplicates(
        associations, association_paths, "CFAssociation", report
    )
    if document is not None:
        for item, path in zip(items, item_paths, strict=True):
            if item.identifier == document.identifier:
                report.error(f"{path}.identifier", f"{item.identifier!r} is the identifier of the CFDocument")
    if report.errors or document is None:
        raise CaseError(report.errors)

    codes: dict[str, str] = {}
    for item, path in zip(items, item_paths, strict=True):
        code = item.human_coding_scheme
        if code is not None and code in codes:
            report.warn(f"{path}.humanCodingScheme", f"{code!r} is also the code of {codes[code]}")
        elif code is not None:
            codes[code] = path

    skipped = {"CFPackage", "CFDocument", "document", "CFItems", "items", "CFItemSet"}
    skipped |= {"CFAssociations", "associations", "CFAssociationSet"}
    extra = {key: value for key, value in package.items() if key not in skipped}
    framework = Framework(document=document, items=items, associations=associations, extra=extra)
    for position, message in framework._index.notes:
        report.warn(association_paths[position], message)
    for message in framework._index.cycle_warnings():
        report.warn(prefix + "CFAssociations", message)
    framework.warnings.extend(report.warnings())
    return framework


# --- reading --------------------------------------------------------------------------------------------------


class _Report:
    """Errors in file order; warnings grouped so that a thousand items lacking a uri make one line."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self._warnings: dict[str, tuple[str, list[str]]] = {}

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def warn(self, path: str, message: str) -> None:
        pattern = re.sub(r"\[\d+\]", "[*]", path)
        self._warnings.setdefault(f"{pattern}: {message}", (message, []))[1].append(path)

    def warnings(self) -> list[str]:
        lines = []
        for group, (message, paths) in self._warnings.items():
            if len(paths) == 1:
                lines.append(f"{paths[0]}: {message}")
            else:
                more = f", … {len(paths) - _SHOWN_PATHS} more" if len(paths) > _SHOWN_PATHS else ""
                lines.append(f"{group} ({len(paths)} times: {', '.join(paths[:_SHOWN_PATHS])}{more})")
        return lines


def _decode_json(data: bytes | bytearray | str) -> object:
    if isinstance(data, bytes | bytearray):
        raw = bytes(data)
        # Exports from Windows tools often start with a BOM; json.loads refuses a UTF-8 one.
        encoding = "utf-8-sig"
        if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            encoding = "utf-32"
        elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise CaseError(
                [f"not UTF-8 text: byte {raw[error.start]:#04x} at offset {error.start}"]
            ) from None
    else:
        text = data.removeprefix("\ufeff")
    if not text.strip():
        raise CaseError(["not JSON: the file is empty"])

    def refuse_constant(name: str) -> object:
        raise ValueError(f"{name} is not JSON")

    try:
        return json.loads(text, parse_constant=refuse_constant)
    except json.JSONDecodeError as error:
        raise CaseError([f"not JSON: {error.msg} at line {error.lineno} column {error.colno}"]) from None
    except ValueError as error:
        raise CaseError([f"not JSON: {error}"]) from None
    except RecursionError:
        raise CaseError(["not JSON: nested too deeply"]) from None


def _package(value: object) -> tuple[dict[str, object], str]:
    if not isinstance(value, dict):
        raise CaseError([f"top level: expected an object with a CFDocument, got {_kind(value)}"])
    if "CFPackage" in value and "CFDocument" not in value:
        inner = value["CFPackage"]
        if not isinstance(inner, dict):
            raise CaseError([f"CFPackage: expected an object, got {_kind(inner)}"])
        return inner, "CFPackage."
    return value, ""


def _first_key(container: dict[str, object], keys: tuple[str, ...]) -> tuple[str, object] | None:
    for key in keys:
        if key in container:
            return key, container[key]
    return None


def _records(
    package: dict[str, object], prefix: str, keys: tuple[str, ...], set_key: str, report: _Report
) -> Iterator[tuple[str, dict[str, object]]]:
    found = _first_key(package, keys)
    wrapper = package.get(set_key)  # CASE 1.0 drafts: {"CFItemSet": {"CFItems": [...]}}
    if found is None and isinstance(wrapper, dict) and keys[0] in wrapper:
        found = (f"{set_key}.{keys[0]}", wrapper[keys[0]])
    if found is None:
        report.warn(prefix + keys[0], "missing; read as none")
        return
    key, value = found
    if value is None:
        return
    if not isinstance(value, list):
        report.error(prefix + key, f"expected a list, got {_kind(value)}")
        return
    for position, record in enumerate(value):
        path = f"{prefix}{key}[{position}]"
        if isinstance(record, dict):
            yield path, record
        else:
            report.error(path, f"expected an object, got {_kind(record)}")


def _read_document(raw: object, path: str, report: _Report) -> Document | None:
    if not isinstance(raw, dict):
        report.error(path, f"expected an object, got {_kind(raw)}")
        return None
    rest = dict(raw)
    identifier = _take_identifier(rest, path, report)
    title = _take_required(rest, "title", path, report)
    uri = _take_text(rest, "uri", path, report, case_requires=True)
    creator = _take_text(rest, "creator", path, report, case_requires=True)
    version = _take_text(rest, "version", path, report)
    adoption_status = _take_text(rest, "adoptionStatus", path, report)
    language = _take_text(rest, "language", path, report)
    subject = _take_subject(rest, path, report)
    changed = _take_datetime(rest, "lastChangeDateTime", path, report)
    if identifier is None or title is None:
        return None
    return Document(
        identifier=identifier,
        uri=uri,
        title=title,
        creator=creator,
        version=version,
        adoption_status=adoption_status,
        subject=subject,
        language=language,
        last_change_date_time=changed,
        extra=rest,
    )


def _read_item(raw: dict[str, object], path: str, report: _Report) -> FrameworkItem | None:
    rest = dict(raw)
    identifier = _take_identifier(rest, path, report)
    full_statement = _take_required(rest, "fullStatement", path, report)
    uri = _take_text(rest, "uri", path, report, case_requires=True)
    code = _take_text(rest, "humanCodingScheme", path, report)
    abbreviated = _take_text(rest, "abbreviatedStatement", path, report)
    list_enumeration = _take_text(rest, "listEnumeration", path, report)
    language = _take_text(rest, "language", path, report)
    item_type = _take_item_type(rest, path, report)
    levels = _take_education_level(rest, path, report)
    if "lastChangeDateTime" not in raw:
        report.warn(f"{path}.lastChangeDateTime", "missing (CASE requires it)")
    if identifier is None or full_statement is None:
        return None
    return FrameworkItem(
        identifier=identifier,
        uri=uri,
        human_coding_scheme=code,
        full_statement=full_statement,
        abbreviated_statement=abbreviated,
        item_type=item_type,
        education_level=levels,
        list_enumeration=list_enumeration,
        language=language,
        extra=rest,
    )


def _read_association(raw: dict[str, object], path: str, report: _Report) -> Association | None:
    rest = dict(raw)
    identifier = _take_identifier(rest, path, report)
    written_type = _take_required(rest, "associationType", path, report)
    origin = _take_node(rest, "originNodeURI", path, report)
    destination = _take_node(rest, "destinationNodeURI", path, report)
    uri = _take_text(rest, "uri", path, report, case_requires=True)
    sequence = _take_sequence_number(rest, path, report)
    if "lastChangeDateTime" not in raw:
        report.warn(f"{path}.lastChangeDateTime", "missing (CASE requires it)")
    if identifier is None or written_type is None or origin is None or destination is None:
        return None
    association_type = _TYPE_BY_FOLDED.get(re.sub("[^a-z]", "", written_type.lower()), written_type)
    if association_type not in ASSOCIATION_TYPES:
        report.warn(
            f"{path}.associationType", f"{written_type!r} is not a CASE association type; kept as written"
        )
    return Association(
        identifier=identifier,
        uri=uri,
        association_type=association_type,
        origin_identifier=origin[0],
        origin_uri=origin[1],
        origin_title=origin[2],
        destination_identifier=destination[0],
        destination_uri=destination[1],
        destination_title=destination[2],
        sequence_number=sequence,
        extra=rest,
    )


_Record = TypeVar("_Record", FrameworkItem, Association)


def _drop_duplicates(
    records: list[_Record], paths: list[str], kind: str, report: _Report
) -> tuple[list[_Record], list[str]]:
    """Identical copies of a record are dropped with a warning; different records sharing an id are errors."""
    first: dict[str, tuple[_Record, str]] = {}
    kept: list[_Record] = []
    kept_paths: list[str] = []
    for record, path in zip(records, paths, strict=True):
        earlier = first.get(record.identifier)
        if earlier is None:
            first[record.identifier] = (record, path)
            kept.append(record)
            kept_paths.append(path)
        elif earlier[0] == record:
            report.warn(path, f"an exact copy of {earlier[1]}; dropped")
        else:
            report.error(
                f"{path}.identifier", f"{record.identifier!r} is also the identifier of {kind} {earlier[1]}"
            )
    return kept, kept_paths


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _take_required(rest: dict[str, object], key: str, path: str, report: _Report) -> str | None:
    value = rest.get(key)
    if value is None:
        report.error(f"{path}.{key}", "missing")
        return None
    if not isinstance(value, str):
        report.error(f"{path}.{key}", f"expected a string, got {_kind(value)}")
        return None
    if not value.strip():
        report.error(f"{path}.{key}", "empty")
        return None
    del rest[key]
    return value.strip()


def _take_identifier(rest: dict[str, object], path: str, report: _Report) -> str | None:
    # CASE 1.0 exports built on OneRoster habits sometimes say sourcedId.
    key = (
        "sourcedId" if rest.get("identifier") is None and rest.get("sourcedId") is not None else "identifier"
    )
    return _take_required(rest, key, path, report)


def _take_text(
    rest: dict[str, object], key: str, path: str, report: _Report, *, case_requires: bool = False
) -> str | None:
    """An optional string: a number is read as its text, anything else stays in ``extra`` with a warning."""
    value = rest.get(key)
    if value is None:
        if case_requires:
            report.warn(f"{path}.{key}", "missing (CASE requires it)")
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        report.warn(f"{path}.{key}", "a number where CASE has a string; read as its text")
        del rest[key]
        return str(value)
    if not isinstance(value, str):
        report.warn(f"{path}.{key}", f"expected a string, got {_kind(value)}; kept unread")
        return None
    del rest[key]
    return value.strip() or None


def _take_subject(rest: dict[str, object], path: str, report: _Report) -> list[str]:
    value = rest.get("subject")
    if isinstance(value, str):
        del rest["subject"]
        return [value.strip()] if value.strip() else []
    if isinstance(value, list) and all(isinstance(entry, str) for entry in value):
        del rest["subject"]
        return [entry.strip() for entry in value if isinstance(entry, str) and entry.strip()]
    if value is not None:
        report.warn(
            f"{path}.subject", f"expected a string or a list of strings, got {_kind(value)}; kept unread"
        )
        return []
    # subjectURI stays in extra: its identifiers and URIs are not represented by the titles.
    links = rest.get("subjectURI")
    if isinstance(links, list):
        return [
            link["title"].strip()
            for link in links
            if isinstance(link, dict) and isinstance(link.get("title"), str) and link["title"].strip()
        ]
    return []


def _take_item_type(rest: dict[str, object], path: str, report: _Report) -> str | None:
    value = rest.get("CFItemType")
    if isinstance(value, str) and value.strip():
        del rest["CFItemType"]
        return value.strip()
    if isinstance(value, dict):
        # Some exports put the LinkURI object here; it stays in extra for its identifier and uri.
        title = value.get("title") or value.get("typeCode")
        if isinstance(title, str) and title.strip():
            return title.strip()
    elif value is not None and not isinstance(value, str):
        report.warn(f"{path}.CFItemType", f"expected a string or an object, got {_kind(value)}; kept unread")
    link = rest.get("CFItemTypeURI")
    if isinstance(link, dict) and isinstance(link.get("title"), str) and link["title"].strip():
        return str(link["title"]).strip()
    return None


def _take_education_level(rest: dict[str, object], path: str, report: _Report) -> list[str]:
    # CASE says educationLevel; OpenSALT's own sample export says educationalLevel.
    key = "educationLevel" if "educationLevel" in rest else "educationalLevel"
    value = rest.get(key)
    if value is None:
        return []
    entries: list[object] = list(value) if isinstance(value, list) else [value]
    levels: list[str] = []
    for entry in entries:
        if isinstance(entry, str):
            levels.extend(part.strip() for part in entry.split(",") if part.strip())
        elif isinstance(entry, int) and not isinstance(entry, bool):
            levels.append(f"{entry:02d}")  # CEDS grade codes are two digits: 06, not 6
        else:
            report.warn(f"{path}.{key}", f"expected strings, got {_kind(entry)}; kept unread")
            return []
    del rest[key]
    return levels


def _take_sequence_number(rest: dict[str, object], path: str, report: _Report) -> int | None:
    value = rest.get("sequenceNumber")
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        number = int(value)  # OpenSALT's exports write "1"
    elif value is not None:
        report.warn(f"{path}.sequenceNumber", f"expected an integer, got {_kind(value)}; kept unread")
    if number is not None:
        del rest["sequenceNumber"]
    return number


def _take_datetime(rest: dict[str, object], key: str, path: str, report: _Report) -> datetime | None:
    value = rest.get(key)
    if value is None:
        report.warn(f"{path}.{key}", "missing (CASE requires it)")
        return None
    parsed = _parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        report.warn(f"{path}.{key}", f"not an ISO 8601 date-time: {value!r}; kept unread")
        return None
    del rest[key]
    return parsed


def _parse_datetime(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _take_node(
    rest: dict[str, object], key: str, path: str, report: _Report
) -> tuple[str, str | None, str | None] | None:
    """(identifier, uri, title) of an association's end: a LinkGenURI object, or a bare URI string (CASE 1.0)."""
    value = rest.get(key)
    where = f"{path}.{key}"
    if value is None:
        report.error(where, "missing")
        return None
    if isinstance(value, str):
        if not value.strip():
            report.error(where, "empty")
            return None
        del rest[key]
        return value.strip().rstrip("/").rsplit("/", 1)[-1], value.strip(), None
    if not isinstance(value, dict):
        report.error(where, f"expected an object, got {_kind(value)}")
        return None
    fields: dict[str, str | None] = {}
    for name in ("identifier", "sourcedId", "uri", "title"):
        entry = value.get(name)
        if entry is not None and not isinstance(entry, str):
            report.error(f"{where}.{name}", f"expected a string, got {_kind(entry)}")
            return None
        fields[name] = entry.strip() if isinstance(entry, str) and entry.strip() else None
    uri = fields["uri"]
    identifier = (
        fields["identifier"] or fields["sourcedId"] or (uri.rstrip("/").rsplit("/", 1)[-1] if uri else None)
    )
    if identifier is None:
        report.error(where, "neither identifier nor uri")
        return None
    if not set(value) - {"identifier", "uri", "title"}:
        del rest[key]  # fully represented; a targetType or other key keeps the whole link in extra
    return identifier, uri, fields["title"]


# --- queries ----------------------------------------------------------------------------------------------------


_Natural = tuple[tuple[int, int, str], ...]


def _natural(text: str | None) -> _Natural:
    """Sort key that compares runs of digits as numbers: 1.9 < 1.10, b < c."""
    if text is None:
        return ()
    return tuple(
        (0, int(part), "") if part[0] in "0123456789" else (1, 0, part.casefold())
        for part in re.findall(r"[0-9]+|[^0-9]+", text)
    )


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _digest(identifier: str, length: int) -> str:
    return hashlib.sha256(identifier.encode("utf-8")).hexdigest()[:length]


class _Index:
    """Lookups and the resolved hierarchy and precedence, built once per framework."""

    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        self.document_id = framework.document.identifier
        self.items: dict[str, FrameworkItem] = {}
        for item in framework.items:
            self.items.setdefault(item.identifier, item)
        self.file_order = {identifier: position for position, identifier in enumerate(self.items)}
        self.by_code: dict[str, FrameworkItem] = {}
        self.by_folded_code: dict[str, FrameworkItem] = {}
        for item in self.items.values():
            if item.human_coding_scheme:
                self.by_code.setdefault(item.human_coding_scheme, item)
                self.by_folded_code.setdefault(item.human_coding_scheme.strip().casefold(), item)
        self._by_folded_id = {identifier.casefold(): identifier for identifier in self.items}
        self._by_folded_id.setdefault(self.document_id.casefold(), self.document_id)
        self._by_uri: dict[str, str] = {}
        if framework.document.uri:
            self._by_uri[framework.document.uri] = self.document_id
        for item in self.items.values():
            if item.uri:
                self._by_uri.setdefault(item.uri, item.identifier)
        self._aliases = self._exact_match_aliases()
        self.notes: list[tuple[int, str]] = []  # (association position, warning) for read_framework
        self.children: dict[str, list[str]] = {}
        self.parents: dict[str, list[str]] = {}
        self.precedes: dict[str, list[str]] = {}
        self._resolve_structure()
        self.position = {
            item.identifier: order for order, (_, item) in enumerate(_outline(self.build_tree()))
        }
        self.skill_keys = self._make_skill_keys()

    def label(self, identifier: str) -> str:
        item = self.items.get(identifier)
        if item is None:
            return identifier
        return item.human_coding_scheme or item.short_name(60)

    def _local(self, identifier: str, uri: str | None) -> str | None:
        """The document or item of this package that an association end names, by identifier, else by uri."""
        if identifier in self.items or identifier == self.document_id:
            return identifier
        if identifier.casefold() in self._by_folded_id:
            return self._by_folded_id[identifier.casefold()]
        return self._by_uri.get(uri) if uri else None

    def _exact_match_aliases(self) -> dict[str, str]:
        """Other frameworks' ids and URIs that exactly one local item is exactMatchOf, mapped to that item."""
        candidates: dict[str, set[str]] = {}
        for association in self.framework.associations:
            if association.association_type != "exactMatchOf":
                continue
            origin = self._local(association.origin_identifier, association.origin_uri)
            destination = self._local(association.destination_identifier, association.destination_uri)
            if origin in self.items and destination is None:
                local, outside = origin, (association.destination_identifier, association.destination_uri)
            elif destination in self.items and origin is None:
                local, outside = destination, (association.origin_identifier, association.origin_uri)
            else:
                continue
            for key in outside:
                if key:
                    candidates.setdefault(key, set()).add(local)
        return {key: next(iter(locals_)) for key, locals_ in candidates.items() if len(locals_) == 1}

    def _end(self, position: int, association: Association, which: str) -> str | None:
        if which == "origin":
            identifier, uri = association.origin_identifier, association.origin_uri
        else:
            identifier, uri = association.destination_identifier, association.destination_uri
        local = self._local(identifier, uri)
        if local is not None:
            return local
        alias = self._aliases.get(identifier) or (self._aliases.get(uri) if uri else None)
        if alias is not None:
            self.notes.append(
                (
                    position,
                    f"{association.association_type} {which} {identifier} is outside the package; read as "
                    f"{self.label(alias)}, which is exactMatchOf it",
                )
            )
            return alias
        self.notes.append(
            (position, f"{association.association_type} {which} is not in this package; ignored")
        )
        return None

    def _resolve_structure(self) -> None:
        sequence: dict[tuple[str, str], int | None] = {}
        for position, association in enumerate(self.framework.associations):
            kind = association.association_type
            if kind not in ("isChildOf", "precedes"):
                continue
            origin = self._end(position, association, "origin")
            destination = self._end(position, association, "destination")
            if origin is None or destination is None:
                continue
            if origin == self.document_id or (kind == "precedes" and destination == self.document_id):
                self.notes.append((position, f"{kind} with the CFDocument where an item belongs; ignored"))
                continue
            if kind == "precedes":
                successors = self.precedes.setdefault(origin, [])
                if destination not in successors:
                    successors.append(destination)
                continue
            pair = (destination, origin)
            if pair in sequence:
                known = sequence[pair]
                if association.sequence_number is not None and (
                    known is None or association.sequence_number < known
                ):
                    sequence[pair] = association.sequence_number
                continue
            sequence[pair] = association.sequence_number
            self.children.setdefault(destination, []).append(origin)
            self.parents.setdefault(origin, []).append(destination)

        def order(parent: str, child: str) -> tuple[bool, int, bool, _Natural, bool, _Natural, int]:
            item = self.items[child]
            number = sequence[(parent, child)]
            return (
                number is None,
                number or 0,
                item.list_enumeration is None,
                _natural(item.list_enumeration),
                item.human_coding_scheme is None,
                _natural(item.human_coding_scheme),
                self.file_order[child],
            )

        for parent, children in self.children.items():
            children.sort(key=partial(order, parent))

    def build_tree(self) -> list[TreeNode]:
        placed: set[str] = set()

        def grow(root: str) -> TreeNode:
            node = TreeNode(self.items[root])
            placed.add(root)
            stack = [(node, iter(self.children.get(root, [])))]
            while stack:
                parent, pending = stack[-1]
                following = next((child for child in pending if child not in placed), None)
                if following is None:
                    stack.pop()
                    continue
                child_node = TreeNode(self.items[following])
                placed.add(following)
                parent.children.append(child_node)
                stack.append((child_node, iter(self.children.get(following, []))))
            return node

        roots = [grow(child) for child in self.children.get(self.document_id, []) if child not in placed]
        for identifier in self.items:  # items without a parent here, then those only in an isChildOf cycle
            if identifier not in placed and not self.parents.get(identifier):
                roots.append(grow(identifier))
        roots.extend(grow(identifier) for identifier in list(self.items) if identifier not in placed)
        return roots

    def cycle_warnings(self) -> list[str]:
        warnings = []
        hierarchy = [(child, parent) for child, parents in self.parents.items() for parent in parents]
        checks = (
            (
                "isChildOf",
                [edge for edge in hierarchy if edge[1] != self.document_id],
                "shown at the top level",
            ),
            (
                "precedes",
                [(a, b) for a, successors in self.precedes.items() for b in successors],
                "refused together",
            ),
        )
        for kind, edges, consequence in checks:
            try:
                SkillGraph.build(list(self.items), edges)
            except CycleError as error:
                loop = " -> ".join(self.label(identifier) for identifier in error.cycle)
                warnings.append(f"{kind} associations form a cycle: {loop}; these items are {consequence}")
        return warnings

    def _make_skill_keys(self) -> dict[str, str]:
        bases = {identifier: _key_base(item) for identifier, item in self.items.items()}
        counts: dict[str, int] = {}
        for base in bases.values():
            counts[base] = counts.get(base, 0) + 1
        length = 8
        keys = {
            identifier: base if base and counts[base] == 1 and len(base) <= SKILL_KEY_MAX else ""
            for identifier, base in bases.items()
        }
        # Clashing, over-long or empty slugs get a hash of the identifier; lengthen it in the (unlikely) event
        # that a hashed key meets another item's plain one.
        while True:
            for identifier, key in keys.items():
                if not key:
                    head = bases[identifier][: SKILL_KEY_MAX - length - 1].rstrip("-") or "item"
                    keys[identifier] = f"{head}-{_digest(identifier, length)}"
            taken: set[str] = set()
            for identifier in sorted(keys, key=self.file_order.__getitem__):
                if keys[identifier] in taken and length < 40:
                    keys[identifier] = ""
                taken.add(keys[identifier])
            if all(keys.values()):
                return keys
            length += 8


def _key_base(item: FrameworkItem) -> str:
    code = _slug(item.human_coding_scheme or "")
    if code:
        return code
    # A statement makes a long slug: keep its first words, up to 48 characters.
    statement = _slug(item.abbreviated_statement or "") or _slug(item.full_statement)
    if len(statement) > 48:
        statement = statement[:49].rsplit("-", 1)[0] if "-" in statement[:49] else statement[:48]
    return statement


def _outline(roots: list[TreeNode]) -> Iterator[tuple[int, FrameworkItem]]:
    stack = [(0, node) for node in reversed(roots)]
    while stack:
        depth, node = stack.pop()
        yield depth, node.item
        stack.extend((depth + 1, child) for child in reversed(node.children))
