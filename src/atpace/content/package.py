"""Course packages: a course, its skills and its items as data, in a folder or a .zip file.

The format is documented in docs/course-package.md; its JSON Schema (``SCHEMA``) is published as
docs/course-package.schema.json. Reading checks the schema and then the meaning (unknown or cyclic
prerequisites, duplicate keys, answer keys, skills without auto-scored items) and reports every problem
at once, each naming the file and the place in it. Pure: no database, no web.
"""

from __future__ import annotations

import functools
import io
import json
import stat
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal

import yaml

from atpace.content.answers import check_answer
from atpace.content.spec import (
    DIFFICULTY_RANGE,
    ITEM_KINDS,
    MAX_CHOICES,
    SELECTION_KINDS,
    SELECTION_SEPARATOR,
    AnswerSpec,
    CourseSpec,
    ItemKind,
    ItemSpec,
    SkillSpec,
    Standard,
    TemplateSpec,
    check_mastery_threshold,
)
from atpace.content.templating import MAX_COUNT, ItemTemplate, TemplateError, TemplateErrors
from atpace.engine.graph import CycleError, SkillGraph

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

try:  # libyaml's loader is several times faster; both construct plain data only (safe_load)
    from yaml import CSafeDumper as _Dumper
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

__all__ = [
    "BUILTIN_COURSES_DIR",
    "FORMAT",
    "FORMAT_VERSION",
    "SCHEMA",
    "PackageError",
    "builtin_courses",
    "load_builtin_course",
    "read_package",
    "schema_json",
    "validate_package",
    "write_package",
]

FORMAT = "atpace-course"
FORMAT_VERSION = 1
ItemsFormat = Literal["yaml", "json"]
COURSE_FILES = ("course.yaml", "course.yml", "course.json")
DATA_SUFFIXES = (".yaml", ".yml", ".json")
BUILTIN_COURSES_DIR = Path(__file__).with_name("courses")
# Limits: a package is read whole into memory, so it must stay small, zipped or not.
MAX_FILES = 1000
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 32  # nesting of the data in one file
MAX_PROBLEMS = 200  # listed in one PackageError

_KEY = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_TEMPLATE_KEY = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
_ITEM_KEY = r"^[A-Za-z0-9][A-Za-z0-9._+-]*$"  # inside its template: the full key is template/key
_NAME = r"^[a-z_][a-z0-9_]*$"
_PATH = r"^(?![/\\])(?!.*(^|/)\.\.?(/|$))[^\\:*?\"<>|]+$"  # relative, no . or .. parts, portable characters


_PATTERN_HELP = {
    _KEY: "must be lowercase words and digits joined by single hyphens, like 'unit-rates'",
    _TEMPLATE_KEY: "must start with a letter or digit and use only letters, digits, '.', '_' and '-'",
    _ITEM_KEY: "must start with a letter or digit and use only letters, digits, '.', '_', '+' and '-'",
    _NAME: "must be a name of lowercase letters, digits and '_', like 'price' or 'n_2'",
    _PATH: "must be a relative path inside the package (no '..', no leading '/')",
}


class PackageError(ValueError):
    """A course package that cannot be read; ``problems`` lists every problem found, each with its place."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        listed = "\n".join(f"- {problem}" for problem in problems)
        super().__init__(f"the course package has {len(problems)} problem(s):\n{listed}")


# ---------------------------------------------------------------------------------------------- schema


def _text(max_length: int) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": max_length}


def _texts(max_items: int, max_length: int) -> dict[str, Any]:
    return {"type": "array", "items": _text(max_length), "maxItems": max_items}


def _answer_properties() -> dict[str, Any]:
    return {
        "kind": {"enum": list(ITEM_KINDS), "description": "Optional; must equal the template's kind."},
        "correct": {
            **_text(4000),
            "description": "The answer in standard form; for multiple_select and ordering it may be left "
            "out (it is the correct choices joined by '; '); for open_response a model answer or guidance.",
        },
        "choices": {**_texts(MAX_CHOICES, 500), "description": "Choice texts in display order."},
        "correct_choices": {
            **_texts(MAX_CHOICES, 500),
            "description": "multiple_select: the choices to select; ordering: all of them, in order.",
        },
        "alternatives": {**_texts(50, 500), "description": "short_text: other accepted answers."},
        "patterns": {
            **_texts(20, 500),
            "description": "short_text: accepted Python regular expressions (full match).",
        },
        "allow_decimal": {"type": "boolean", "default": False},
        "allow_mixed": {"type": "boolean", "default": True},
        "require_simplest": {"type": "boolean", "default": False},
        "case_sensitive": {"type": "boolean", "default": False},
    }


_GENERATED_ONLY = ("count", "variables", "computed", "constraints", "slug", "prompt", "answer")

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:atpace:course-package:1",
    "title": "atpace course package, format_version 1: the course file (course.yaml or course.json)",
    "description": "Items files listed in item_files follow $defs/items_file. See docs/course-package.md.",
    "type": "object",
    "additionalProperties": False,
    "required": ["format", "format_version", "key", "title", "skills"],
    "properties": {
        "format": {"const": FORMAT},
        "format_version": {"const": FORMAT_VERSION},
        "key": {"type": "string", "pattern": _KEY, "maxLength": 64},
        "title": _text(200),
        "description": {"type": "string", "maxLength": 2000},
        "grades": {"type": ["string", "integer"], "maxLength": 20, "description": "e.g. '3-6'"},
        "mastery_threshold": {
            "type": "number",
            "minimum": 0.5,
            "exclusiveMaximum": 1,
            "default": 0.95,
            "description": "P(learned) at which a skill counts as mastered.",
        },
        "version": {**_text(40), "description": "The content's own version, e.g. '1.2'."},
        "skills": {"type": "array", "minItems": 1, "maxItems": 1000, "items": {"$ref": "#/$defs/skill"}},
        "item_files": {
            "type": "array",
            "uniqueItems": True,
            "maxItems": MAX_FILES,
            "items": {"type": "string", "pattern": _PATH, "maxLength": 200},
            "description": "Items files, relative to the course file, read in this order.",
        },
        "templates": {"type": "array", "items": {"$ref": "#/$defs/template"}},
    },
    "$defs": {
        "items_file": {
            "type": "object",
            "additionalProperties": False,
            "required": ["templates"],
            "properties": {"templates": {"type": "array", "items": {"$ref": "#/$defs/template"}}},
        },
        "standard": {
            "type": "object",
            "additionalProperties": False,
            "required": ["code", "statement"],
            "properties": {
                "code": _text(100),
                "statement": _text(4000),
                "framework": _text(200),
                "identifier": {**_text(200), "description": "The CASE CFItem identifier, when known."},
                "uri": {**_text(500), "description": "The CASE CFItem URI, when known."},
            },
        },
        "skill": {
            "type": "object",
            "additionalProperties": False,
            "required": ["key", "name", "grade"],
            "properties": {
                "key": {"type": "string", "pattern": _KEY, "maxLength": 64},
                "name": _text(200),
                "description": {"type": "string", "maxLength": 1000},
                "grade": {"type": "integer", "minimum": 0, "maximum": 13},
                "prerequisites": {
                    "type": "array",
                    "uniqueItems": True,
                    "items": {"type": "string", "pattern": _KEY},
                },
                "standards": {"type": "array", "items": {"$ref": "#/$defs/standard"}},
            },
        },
        "answer": {"type": "object", "additionalProperties": False, "properties": _answer_properties()},
        "template_answer": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                **_answer_properties(),
                "shuffle": {
                    "type": "boolean",
                    "default": False,
                    "description": "Show the choices in an order drawn for each variant.",
                },
            },
        },
        "item": {
            "type": "object",
            "additionalProperties": False,
            "required": ["key", "prompt", "answer"],
            "properties": {
                "key": {"type": "string", "pattern": _ITEM_KEY, "maxLength": 100},
                "prompt": _text(4000),
                "answer": {"$ref": "#/$defs/answer"},
                "hints": _texts(10, 2000),
                "worked_solution": _texts(20, 2000),
                "difficulty": {
                    "type": "number",
                    "minimum": DIFFICULTY_RANGE[0],
                    "maximum": DIFFICULTY_RANGE[1],
                    "default": 0,
                },
            },
        },
        "variable": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "min": {"type": "integer", "minimum": -(10**9), "maximum": 10**9},
                "max": {"type": "integer", "minimum": -(10**9), "maximum": 10**9},
                "step": {"type": "integer", "minimum": 1, "default": 1},
                "choice": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 1000,
                    "items": {
                        "type": ["string", "number", "object"],
                        "propertyNames": {"pattern": _NAME},
                        "additionalProperties": {"type": ["string", "number"]},
                    },
                },
            },
            "if": {"required": ["choice"]},
            "then": {"properties": {"min": False, "max": False, "step": False}},
            "else": {"required": ["min", "max"]},
        },
        "template": {
            "type": "object",
            "additionalProperties": False,
            "required": ["key", "skills", "kind"],
            "properties": {
                "key": {"type": "string", "pattern": _TEMPLATE_KEY, "maxLength": 100},
                "skills": {
                    "type": "array",
                    "minItems": 1,
                    "uniqueItems": True,
                    "items": {"type": "string", "pattern": _KEY},
                },
                "kind": {"enum": list(ITEM_KINDS)},
                "description": {"type": "string", "maxLength": 1000},
                "items": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 5000,
                    "items": {"$ref": "#/$defs/item"},
                },
                "count": {"type": "integer", "minimum": 1, "maximum": MAX_COUNT},
                "variables": {
                    "type": "object",
                    "maxProperties": 30,
                    "propertyNames": {"pattern": _NAME},
                    "additionalProperties": {"$ref": "#/$defs/variable"},
                },
                "computed": {
                    "type": "object",
                    "maxProperties": 60,
                    "propertyNames": {"pattern": _NAME},
                    "additionalProperties": {"type": ["string", "integer"], "maxLength": 500},
                },
                "constraints": _texts(30, 500),
                "slug": _text(200),
                "prompt": _text(4000),
                "answer": {"$ref": "#/$defs/template_answer"},
                "hints": _texts(10, 2000),
                "worked_solution": _texts(20, 2000),
                "difficulty": {"type": ["number", "string"], "default": 0},
            },
            "if": {"required": ["items"]},
            "then": {"properties": dict.fromkeys(_GENERATED_ONLY, False)},
            "else": {"required": ["count", "prompt", "answer"]},
        },
    },
}


def schema_json() -> str:
    """The JSON Schema as published in docs/course-package.schema.json."""
    return json.dumps(SCHEMA, indent=2, ensure_ascii=False) + "\n"


@functools.cache
def _validators() -> tuple[Draft202012Validator, Draft202012Validator]:
    from jsonschema import Draft202012Validator  # lazily: only reading a package needs it

    course = Draft202012Validator(SCHEMA)
    items_file = Draft202012Validator(
        {"$schema": SCHEMA["$schema"], "$defs": SCHEMA["$defs"], "$ref": "#/$defs/items_file"}
    )
    return course, items_file


def _place(path: Sequence[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _schema_problems(validator: Draft202012Validator, data: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """(path, message) for each schema error, deepest first within a place, in document order."""
    found = []
    for error in validator.iter_errors(data):
        path = tuple(error.absolute_path)
        message = error.message
        if error.validator is False or (error.validator == "false"):
            message = "not allowed here"
        if error.validator == "pattern" and error.validator_value in _PATTERN_HELP:
            message = f"{error.instance!r} {_PATTERN_HELP[error.validator_value]}"
        if error.validator == "const" and path == ("format_version",):
            message = (
                f"{error.instance!r} is not a format version this atpace reads (it reads {FORMAT_VERSION})"
            )
        found.append((path, message))
    return sorted(found, key=lambda pair: [str(p).zfill(8) if isinstance(p, int) else p for p in pair[0]])


# ---------------------------------------------------------------------------------------------- sources


class _Source(ABC):
    """The files of a package (a folder or a zip): names are POSIX paths relative to the course file's folder."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.total = 0

    @abstractmethod
    def read(self, name: str) -> bytes: ...

    @abstractmethod
    def exists(self, name: str) -> bool: ...

    def _count(self, size: int, name: str) -> None:
        if size > MAX_FILE_BYTES:
            raise PackageError([f"{name}: larger than {MAX_FILE_BYTES // 2**20} MiB"])
        self.total += size
        if self.total > MAX_TOTAL_BYTES:
            raise PackageError([f"{self.label}: more than {MAX_TOTAL_BYTES // 2**20} MiB of data"])


class _Folder(_Source):
    def __init__(self, root: Path) -> None:
        super().__init__(str(root))
        self.root = root.resolve()

    def _path(self, name: str) -> Path:
        parts = PurePosixPath(name).parts
        if not parts or PurePosixPath(name).is_absolute() or ".." in parts or "\\" in name:
            raise PackageError([f"{name}: only paths inside the package are read"])
        path = self.root.joinpath(*parts)
        for part in (path, *path.parents):
            if part == self.root:
                break
            if part.is_symlink():
                raise PackageError([f"{name}: symbolic links are not read"])
        return path

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def read(self, name: str) -> bytes:
        path = self._path(name)
        self._count(path.stat().st_size, name)
        return path.read_bytes()


class _Zip(_Source):
    def __init__(self, archive: zipfile.ZipFile, label: str) -> None:
        super().__init__(label)
        self.archive = archive
        infos = archive.infolist()
        problems = []
        if len(infos) > MAX_FILES:
            problems.append(f"{label}: more than {MAX_FILES} entries")
        declared = 0
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            parts = PurePosixPath(name).parts
            if name.startswith(("/", "\\")) or "\\" in name or ":" in name or ".." in parts:
                problems.append(f"{label}: {name!r}: absolute paths, '..' and backslashes are refused")
            elif stat.S_ISLNK(info.external_attr >> 16):
                problems.append(f"{label}: {name!r}: symbolic links are refused")
            elif info.flag_bits & 0x1:
                problems.append(f"{label}: {name!r}: encrypted entries are refused")
            elif not info.is_dir():
                self.members[name] = info
            declared += info.file_size
        if declared > MAX_TOTAL_BYTES:
            problems.append(f"{label}: unpacks to more than {MAX_TOTAL_BYTES // 2**20} MiB")
        if problems:
            raise PackageError(problems)
        self.prefix = ""
        if not any(name in self.members for name in COURSE_FILES):
            tops = {PurePosixPath(name).parts[0] for name in self.members}
            if len(tops) == 1 and any(f"{next(iter(tops))}/{c}" in self.members for c in COURSE_FILES):
                self.prefix = next(iter(tops)) + "/"  # a zipped folder

    def exists(self, name: str) -> bool:
        return self.prefix + name in self.members

    def read(self, name: str) -> bytes:
        info = self.members[self.prefix + name]
        self._count(info.file_size, name)
        with self.archive.open(info) as stream:
            data = stream.read(MAX_FILE_BYTES + 1)  # the declared size may lie (zip bombs)
        self._count(max(0, len(data) - info.file_size), name)
        return data


@contextmanager
def _open(path: str | Path) -> Iterator[_Source]:
    location = Path(path)
    if location.is_dir():
        yield _Folder(location)
    elif location.is_file() and location.name in COURSE_FILES:
        yield _Folder(location.parent)
    elif location.is_file() and zipfile.is_zipfile(location):
        with zipfile.ZipFile(location) as archive:
            yield _Zip(archive, location.name)
    elif location.exists():
        raise PackageError([f"{location}: neither a folder, a course file nor a .zip file"])
    else:
        raise PackageError([f"{location}: no such folder or file"])


def _load(source: _Source, name: str) -> Any:
    """The data in one file (YAML or JSON), or PackageError naming the file and the line."""
    raw = source.read(name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PackageError([f"{name}: not UTF-8 text ({error.reason} at byte {error.start})"]) from None
    try:
        if name.endswith(".json"):
            return json.loads(text)  # JSON has no aliases
        data = yaml.load(text, Loader=_Loader)
    except json.JSONDecodeError as error:
        raise PackageError([f"{name}: line {error.lineno}: {error.msg}"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        reason = getattr(error, "problem", None) or str(error)
        raise PackageError([f"{name}: {where}{reason}"]) from None
    _check_tree(data, name)
    return data


def _check_tree(data: Any, name: str) -> None:
    """Refuse YAML aliases (shared nodes could multiply the work) and deep nesting."""
    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if id(node) in seen:
                raise PackageError([f"{name}: YAML aliases (*name) are not supported: write the data out"])
            if depth > MAX_DEPTH:
                raise PackageError([f"{name}: data nested more than {MAX_DEPTH} levels deep"])
            seen.add(id(node))
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)


# ---------------------------------------------------------------------------------------------- reading


@dataclass
class _Reader:
    """Reads one package, collecting problems instead of stopping at the first."""

    source: _Source
    problems: list[str]
    check_schema: bool = True  # off only for the built-in courses, which the test suite validates

    def problem(self, file: str, place: str, message: str) -> None:
        self.problems.append(f"{file}: {place}: {message}" if place else f"{file}: {message}")

    def course(self) -> CourseSpec | None:
        present = [name for name in COURSE_FILES if self.source.exists(name)]
        if not present:
            self.problem(self.source.label, "", f"no course file ({', '.join(COURSE_FILES)})")
            return None
        if len(present) > 1:
            self.problem(self.source.label, "", f"two course files: {' and '.join(present)}; keep one")
            return None
        name = present[0]
        data = _load(self.source, name)
        if not isinstance(data, dict):
            self.problem(name, "", "must hold a mapping with format, format_version, key, title and skills")
            return None
        if data.get("format") != FORMAT:
            self.problem(name, "format", f"must be {FORMAT!r}: is this an atpace course package?")
            return None
        version = data.get("format_version")
        if version != FORMAT_VERSION:
            newer = isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION
            hint = ": upgrade atpace to read it" if newer else ""
            self.problem(
                name, "format_version", f"{version!r} is not {FORMAT_VERSION}, the version read here{hint}"
            )
            return None
        course_validator, _ = _validators()
        schema_errors = _schema_problems(course_validator, data) if self.check_schema else []
        for path, message in schema_errors:
            self.problem(name, _place(path), message)
        bad_templates = {path[1] for path, _ in schema_errors if path[:1] == ("templates",) and len(path) > 1}
        skills = (
            self.skills(name, data)
            if not any(p[:1] == ("skills",) or not p for p, _ in schema_errors)
            else None
        )
        threshold = data.get("mastery_threshold", 0.95)
        try:
            threshold = check_mastery_threshold(threshold)
        except ValueError as error:
            if not any(p == ("mastery_threshold",) for p, _ in schema_errors):
                self.problem(name, "mastery_threshold", str(error).removeprefix("mastery_threshold: "))
        skill_keys = {skill.key for skill in skills or ()}
        templates: list[TemplateSpec] = []
        owners: dict[str, str] = {}  # template and item keys -> where first seen
        inline = data.get("templates", [])
        if isinstance(inline, list):
            for index, template in enumerate(inline):
                if index not in bad_templates:
                    self.template(name, index, template, skill_keys, owners, templates)
        files = data.get("item_files", [])
        for index, file in enumerate(files if isinstance(files, list) else []):
            if not any(path[:2] == ("item_files", index) for path, _ in schema_errors):
                self.items_file(name, index, file, skill_keys, owners, templates)
        if skills is None or self.problems:
            return None
        course = CourseSpec(
            key=data["key"],
            title=data["title"],
            description=data.get("description", ""),
            grades=str(data.get("grades", "")),
            skills=skills,
            templates=tuple(templates),
            mastery_threshold=float(threshold),
            version=data.get("version", ""),
        )
        self.coverage(name, course)
        return None if self.problems else course

    def skills(self, file: str, data: Mapping[str, Any]) -> tuple[SkillSpec, ...]:
        skills: list[SkillSpec] = []
        seen: set[str] = set()
        for index, raw in enumerate(data["skills"]):
            place = f"skills[{index}]"
            if raw["key"] in seen:
                self.problem(file, f"{place}.key", f"{raw['key']!r} is used by another skill")
            seen.add(raw["key"])
            skills.append(
                SkillSpec(
                    key=raw["key"],
                    name=raw["name"],
                    description=raw.get("description", ""),
                    grade=raw["grade"],
                    prerequisites=tuple(raw.get("prerequisites", ())),
                    standards=tuple(Standard(**standard) for standard in raw.get("standards", ())),
                )
            )
        edges = []
        for index, skill in enumerate(skills):
            for position, before in enumerate(skill.prerequisites):
                if before not in seen:
                    self.problem(
                        file, f"skills[{index}].prerequisites[{position}]", f"unknown skill {before!r}"
                    )
                elif before == skill.key:
                    self.problem(
                        file, f"skills[{index}].prerequisites[{position}]", "a skill cannot need itself"
                    )
                else:
                    edges.append((before, skill.key))
        try:
            SkillGraph.build([skill.key for skill in skills], edges)
        except CycleError as error:
            self.problem(file, "skills", str(error))
        return tuple(skills)

    def items_file(
        self,
        course_file: str,
        index: int,
        name: str,
        skill_keys: set[str],
        owners: dict[str, str],
        templates: list[TemplateSpec],
    ) -> None:
        if not name.endswith(DATA_SUFFIXES):
            self.problem(course_file, f"item_files[{index}]", f"{name!r}: use a .yaml, .yml or .json file")
            return
        if not self.source.exists(name):
            self.problem(course_file, f"item_files[{index}]", f"no file {name!r} in the package")
            return
        try:
            data = _load(self.source, name)
        except PackageError as error:
            self.problems.extend(error.problems)
            return
        _, validator = _validators()
        schema_errors = _schema_problems(validator, data) if self.check_schema else []
        for path, message in schema_errors:
            self.problem(name, _place(path), message)
        if any(len(path) < 2 for path, _ in schema_errors):
            return
        bad = {path[1] for path, _ in schema_errors}
        for position, template in enumerate(data["templates"]):
            if position not in bad:
                self.template(name, position, template, skill_keys, owners, templates)

    def template(
        self,
        file: str,
        index: int,
        data: Mapping[str, Any],
        skill_keys: set[str],
        owners: dict[str, str],
        templates: list[TemplateSpec],
    ) -> None:
        place = f"templates[{index}]"
        key: str = data["key"]
        if key in owners:
            self.problem(file, f"{place}.key", f"{key!r} is also the key of {owners[key]}")
            return
        owners[key] = f"{file}: {place}"
        skills = tuple(data["skills"])
        for position, skill in enumerate(skills):
            if skill_keys and skill not in skill_keys:
                self.problem(file, f"{place}.skills[{position}]", f"unknown skill {skill!r}")
        kind: ItemKind = data["kind"]
        before = len(self.problems)
        if "items" in data:
            items = [
                self.item(file, f"{place}.items[{i}]", key, skills, kind, raw)
                for i, raw in enumerate(data["items"])
            ]
        else:
            items = self.generated(file, place, data, skills, kind)
        if len(self.problems) > before:
            return
        for item in items:
            if item is None:
                continue
            if item.key in owners:
                self.problem(file, place, f"item key {item.key!r} is also used in {owners[item.key]}")
            owners[item.key] = f"{file}: {place}"
        found = tuple(item for item in items if item is not None)
        templates.append(
            TemplateSpec(
                key=key,
                skill_keys=skills,
                kind=kind,
                description=data.get("description", ""),
                generator=found.__iter__,
            )
        )

    def item(
        self,
        file: str,
        place: str,
        template: str,
        skills: tuple[str, ...],
        kind: ItemKind,
        raw: Mapping[str, Any],
    ) -> ItemSpec | None:
        answer_data = dict(raw["answer"])
        if answer_data.pop("kind", kind) != kind:
            self.problem(file, f"{place}.answer.kind", f"must be the template's kind, {kind}")
            return None
        if "correct" not in answer_data:
            if kind not in SELECTION_KINDS:
                self.problem(file, f"{place}.answer", "'correct' is a required property")
                return None
            answer_data["correct"] = SELECTION_SEPARATOR.join(answer_data.get("correct_choices", ()))
        try:
            answer = AnswerSpec.from_dict({"kind": kind, **answer_data})
        except ValueError as error:
            field, _, message = str(error).partition(": ")
            self.problem(file, f"{place}.answer.{field}", message)
            return None
        try:
            item = ItemSpec(
                key=f"{template}/{raw['key']}",
                skill_keys=skills,
                template_key=template,
                prompt=raw["prompt"],
                answer=answer,
                hints=tuple(raw.get("hints", ())),
                worked_solution=tuple(raw.get("worked_solution", ())),
                difficulty=float(raw.get("difficulty", 0)),
            )
        except ValueError as error:
            self.problem(file, place, str(error))
            return None
        return item if self.sound(file, place, item) else None

    def sound(self, file: str, place: str, item: ItemSpec) -> bool:
        """Checks a spec cannot make alone: the key answers its own item; an ordering is not pre-solved."""
        answer = item.answer
        if answer.kind == "ordering" and answer.choices == answer.correct_choices:
            self.problem(file, f"{place}.answer.choices", "already in the right order: list them mixed up")
            return False
        if answer.auto_scored and not check_answer(answer, answer.correct).correct:
            self.problem(
                file, f"{place}.answer.correct", f"{answer.correct!r} is not accepted by its own item"
            )
            return False
        return True

    def generated(
        self, file: str, place: str, data: Mapping[str, Any], skills: tuple[str, ...], kind: ItemKind
    ) -> list[ItemSpec | None]:
        try:
            template = ItemTemplate.parse(data, skills, kind)
            items = template.generate()
        except TemplateErrors as errors:
            for error in errors.errors:
                self.problem(file, f"{place}.{error.where}", error.message)
            return []
        except TemplateError as error:
            where = (
                f"{place} ({error.where})" if error.where.startswith("variant") else f"{place}.{error.where}"
            )
            self.problem(file, where, error.message)
            return []
        return [item if self.sound(file, f"{place} (item {item.key})", item) else None for item in items]

    def coverage(self, file: str, course: CourseSpec) -> None:
        scored = {key for item in course.items() if item.answer.auto_scored for key in item.skill_keys}
        for index, skill in enumerate(course.skills):
            if skill.key not in scored:
                self.problem(file, f"skills[{index}]", f"no auto-scored items practise {skill.key!r}")


def _read(path: str | Path, *, check_schema: bool = True) -> tuple[CourseSpec | None, list[str]]:
    problems: list[str] = []
    try:
        with _open(path) as source:
            course = _Reader(source, problems, check_schema).course()
    except PackageError as error:
        problems.extend(error.problems)
        course = None
    except zipfile.BadZipFile as error:
        problems.append(f"{path}: not a readable zip file: {error}")
        course = None
    if len(problems) > MAX_PROBLEMS:
        problems[MAX_PROBLEMS:] = [f"... and {len(problems) - MAX_PROBLEMS} more problems"]
    return course, problems


def read_package(path: str | Path) -> CourseSpec:
    """The course in a package folder, a course file or a .zip; ``PackageError`` lists every problem."""
    course, problems = _read(path)
    if problems or course is None:
        raise PackageError(problems or [f"{path}: no course"])
    return course


def validate_package(path: str | Path) -> list[str]:
    """Every problem in a package (each naming its file and place); empty when the package is valid."""
    return _read(path)[1]


@functools.cache
def load_builtin_course(key: str) -> CourseSpec:
    """A course shipped with atpace (``courses/<key>/``), read once per process.

    The JSON Schema pass is skipped (it is most of the reading time, and tests/unit/test_package.py
    validates every built-in package in full); every semantic check still runs.
    """
    folder = BUILTIN_COURSES_DIR / key
    if not key or key != Path(key).name or not (folder / "course.yaml").is_file():
        raise KeyError(f"no built-in course {key!r}; there are: {', '.join(builtin_courses())}")
    course, problems = _read(folder, check_schema=False)
    if problems or course is None:
        raise PackageError(problems or [f"{folder}: no course"])
    return course


def builtin_courses() -> list[str]:
    return sorted(p.name for p in BUILTIN_COURSES_DIR.iterdir() if (p / "course.yaml").is_file())


# ---------------------------------------------------------------------------------------------- writing


class _Dump(_Dumper):
    """Block style, texts with line breaks as literal blocks, keys in the order written."""


def _represent_text(dumper: _Dump, text: str) -> yaml.Node:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dump.add_representer(str, _represent_text)


def _dump(data: Mapping[str, Any]) -> bytes:
    text = yaml.dump(
        data, Dumper=_Dump, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
    return text.encode("utf-8")


_ANSWER_DEFAULTS: dict[str, object] = {
    "allow_decimal": False,
    "allow_mixed": True,
    "require_simplest": False,
    "case_sensitive": False,
}


def _answer_data(answer: AnswerSpec) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, value in answer.to_dict().items():
        if name == "kind" or value == [] or _ANSWER_DEFAULTS.get(name, not value) == value:
            continue
        if name == "correct" and answer.kind in SELECTION_KINDS:
            continue  # the correct choices joined: written once
        data[name] = value
    return data


def _template_data(template: TemplateSpec) -> dict[str, Any]:
    items = []
    for item in template.generate():
        prefix = template.key + "/"
        if not item.key.startswith(prefix) or item.skill_keys != template.skill_keys:
            raise ValueError(
                f"item {item.key!r}: a package item's key starts {prefix!r} and has its template's skills"
            )
        entry: dict[str, Any] = {"key": item.key.removeprefix(prefix), "prompt": item.prompt}
        entry["answer"] = _answer_data(item.answer)
        if item.hints:
            entry["hints"] = list(item.hints)
        if item.worked_solution:
            entry["worked_solution"] = list(item.worked_solution)
        entry["difficulty"] = item.difficulty
        items.append(entry)
    data: dict[str, Any] = {"key": template.key, "skills": list(template.skill_keys), "kind": template.kind}
    if template.description:
        data["description"] = template.description
    data["items"] = items
    return data


def _skill_data(skill: SkillSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"key": skill.key, "name": skill.name, "description": skill.description}
    data["grade"] = skill.grade
    if skill.prerequisites:
        data["prerequisites"] = list(skill.prerequisites)
    if skill.standards:
        data["standards"] = [
            {name: value for name, value in vars(standard).items() if value} for standard in skill.standards
        ]
    return data


def package_files(spec: CourseSpec, *, items_format: ItemsFormat = "yaml") -> dict[str, bytes]:
    """The files of ``spec``'s package by name: course.yaml and one items file per run of templates that
    practise the same first skill (in the course's template order, so reading gives the same order).
    JSON items files read about 30 times faster than YAML ones; YAML is easier to edit by hand."""
    groups: list[tuple[str, list[TemplateSpec]]] = []
    for template in spec.templates:
        first = template.skill_keys[0]
        if groups and groups[-1][1][0].skill_keys[0] == first:
            groups[-1][1].append(template)
        else:
            groups.append((first, [template]))
    files: dict[str, bytes] = {}
    names: list[str] = []
    for skill, members in groups:
        name = f"items/{skill}.{items_format}"
        counter = 2
        while name in names:
            name = f"items/{skill}-{counter}.{items_format}"
            counter += 1
        names.append(name)
        data = {"templates": [_template_data(t) for t in members]}
        if items_format == "json":
            files[name] = (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
        else:
            files[name] = _dump(data)
    course: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "key": spec.key,
        "title": spec.title,
        "description": spec.description,
        "grades": spec.grades,
        "mastery_threshold": spec.mastery_threshold,
    }
    if spec.version:
        course["version"] = spec.version
    course["skills"] = [_skill_data(skill) for skill in spec.skills]
    course["item_files"] = names
    return {"course.yaml": _dump(course), **files}


def write_package(
    spec: CourseSpec, path: str | Path, *, zip: bool = False, items_format: ItemsFormat = "yaml"
) -> Path:
    """Write ``spec`` as a package: a folder (its course file and items/*.yaml|yml|json are replaced)
    or, with ``zip``, a .zip file. Items are written out (templates expanded). Returns ``path``."""
    files = package_files(spec, items_format=items_format)
    target = Path(path)
    if zip:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # same bytes on every run
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        target.write_bytes(buffer.getvalue())
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        (target / name).unlink(missing_ok=True)
    (target / "items").mkdir(exist_ok=True)
    for old in (target / "items").iterdir():
        if old.is_file() and old.suffix in DATA_SUFFIXES:
            old.unlink()  # items files of an earlier version; other files stay
    for name, data in files.items():
        (target / name).write_bytes(data)
    return target
