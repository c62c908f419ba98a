"""Reading untrusted XML and zip packages safely.

XML goes through defusedxml: entity declarations are refused (no entity-expansion bombs, no external
entities reading local files or the network) and external DTDs are never fetched. Zip packages are
read in memory only, never extracted: every entry name is checked (no absolute paths, drive letters
or ``..``), only the XML files an import needs are decompressed, each with a hard size limit that
does not trust the sizes the archive declares.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from urllib.parse import unquote
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException

from atpace.interop.items.text import local_name

__all__ = [
    "MAX_INPUT_BYTES",
    "Manifest",
    "Package",
    "Resource",
    "UnsafeInput",
    "attr",
    "children",
    "find_all",
    "first",
    "is_zip",
    "parse_xml",
    "qti_name",
    "read_manifest",
]

MAX_INPUT_BYTES = 32 * 1024 * 1024  # one uploaded file
MAX_ENTRIES = 10_000  # entries in a package
MAX_MEMBER_BYTES = 16 * 1024 * 1024  # one decompressed XML file
MAX_READ_BYTES = 64 * 1024 * 1024  # everything decompressed from one package


_POSITION = re.compile(r": line \d+, column \d+$")


class UnsafeInput(ValueError):
    """Input refused before or while parsing; ``where`` is a line/column or a package path."""

    def __init__(self, message: str, where: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.where = where
        self.line = line


def parse_xml(data: bytes) -> Element:
    """Parse XML with entity declarations refused; raises :class:`UnsafeInput` with the position."""
    if len(data) > MAX_INPUT_BYTES:
        raise UnsafeInput(f"the XML file is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
    try:
        root: Element = DefusedET.fromstring(
            data, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as error:
        raise UnsafeInput(
            "XML that declares entities is refused: they can expand without end or read files "
            f"({type(error).__name__})"
        ) from error
    except ParseError as error:
        line, column = error.position
        reason = _POSITION.sub("", str(error))
        raise UnsafeInput(f"not well-formed XML: {reason}", f"column {column + 1}", line) from error
    return root


def qti_name(element: Element) -> str:
    """Element name in QTI 2 spelling for both versions: ``qti-choice-interaction`` -> ``choiceInteraction``."""
    name = local_name(element.tag) if isinstance(element.tag, str) else ""
    if name.startswith("qti-"):
        head, *rest = name[4:].split("-")
        return head + "".join(part.capitalize() for part in rest)
    return name


def attr(element: Element, name: str, default: str = "") -> str:
    """A QTI attribute by its QTI 2 name, also found under its QTI 3 kebab-case name."""
    value = element.get(name)
    if value is None:
        value = element.get(re.sub(r"([A-Z])", lambda m: "-" + m[1].lower(), name))
    return default if value is None else value


def children(element: Element, name: str) -> list[Element]:
    return [child for child in element if qti_name(child) == name]


def first(element: Element, name: str) -> Element | None:
    """The first descendant (or the element itself) with this QTI name."""
    return next((e for e in element.iter() if qti_name(e) == name), None)


def find_all(element: Element, name: str) -> list[Element]:
    return [e for e in element.iter() if qti_name(e) == name]


def is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def _safe_name(name: str) -> str | None:
    """The entry's path with / separators, or None when it could point outside the package."""
    path = name.replace("\\", "/")
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path) or "\x00" in path:
        return None
    if any(part == ".." for part in path.split("/")):
        return None
    return path


class Package:
    """A zip held in memory; files are read by path, each decompression bounded."""

    def __init__(self, data: bytes) -> None:
        if len(data) > MAX_INPUT_BYTES:
            raise UnsafeInput(f"the package is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
            raise UnsafeInput(f"not a readable zip file: {error}") from error
        if len(infos) > MAX_ENTRIES:
            raise UnsafeInput(f"the package has more than {MAX_ENTRIES} files")
        self._infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            path = _safe_name(info.filename)
            if path is None:
                raise UnsafeInput("a file in the package has an absolute path or '..'", info.filename)
            if not info.is_dir():
                self._infos[path] = info
        self._read = 0

    @property
    def names(self) -> list[str]:
        return list(self._infos)

    def __contains__(self, path: str) -> bool:
        return path in self._infos

    def read(self, path: str) -> bytes:
        info = self._infos.get(path)
        if info is None:
            raise UnsafeInput("the package has no such file", path)
        if info.flag_bits & 0x1:
            raise UnsafeInput("encrypted files are not read", path)
        try:
            with self._zip.open(info) as stream:
                data = stream.read(MAX_MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError, EOFError) as error:
            raise UnsafeInput(f"the file cannot be read from the zip: {error}", path) from error
        if len(data) > MAX_MEMBER_BYTES:
            raise UnsafeInput(
                f"the file is larger than {MAX_MEMBER_BYTES // (1024 * 1024)} MiB unpacked", path
            )
        self._read += len(data)
        if self._read > MAX_READ_BYTES:
            raise UnsafeInput(f"the package unpacks to more than {MAX_READ_BYTES // (1024 * 1024)} MiB", path)
        return data

    def resolve(self, base: str, href: str) -> str | None:
        """A manifest or item href as a package path; None when it leaves the package or is a URL."""
        href = unquote(href.split("#", 1)[0].split("?", 1)[0]).replace("\\", "/")
        if not href or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href) or href.startswith("/"):
            return None
        path = posixpath.normpath(posixpath.join(base, href))
        return None if path.startswith("../") or path == ".." else path.removeprefix("./")


@dataclass(frozen=True)
class Resource:
    identifier: str
    type: str
    href: str  # package path ("" when none)
    files: tuple[str, ...]  # package paths
    dependencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Manifest:
    path: str
    resources: tuple[Resource, ...] = field(default_factory=tuple)


def read_manifest(package: Package) -> Manifest | None:
    """The package's imsmanifest.xml (at the root, else the shallowest one); None when it has none."""
    candidates = sorted(
        (name for name in package.names if posixpath.basename(name).lower() == "imsmanifest.xml"),
        key=lambda name: (name.count("/"), name),
    )
    if not candidates:
        return None
    path = candidates[0]
    try:
        root = parse_xml(package.read(path))
    except UnsafeInput as error:
        raise UnsafeInput(str(error), f"{path} {error.where}".strip(), error.line) from error
    base = posixpath.dirname(path)
    resources = []
    for element in root.iter():
        if local_name(str(element.tag)) != "resource":
            continue
        href = package.resolve(base, element.get("href", "")) or ""
        files = [
            package.resolve(base, f.get("href", "")) for f in element if local_name(str(f.tag)) == "file"
        ]
        resources.append(
            Resource(
                identifier=element.get("identifier", ""),
                type=element.get("type", ""),
                href=href,
                files=tuple(f for f in files if f),
                dependencies=tuple(
                    d.get("identifierref", "") for d in element if local_name(str(d.tag)) == "dependency"
                ),
            )
        )
    return Manifest(path, tuple(resources))
