"""Shared helpers of the item import tests: fixture files, zips built from fixture folders."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from atpace.content.spec import ItemSpec
from atpace.interop.items import ItemImport, parse_items

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "items"
SKILL = "skill-a"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def zip_files(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_folder(name: str, prefix: str = "") -> bytes:
    """A package built from a fixture folder (packages are kept unzipped in the repository)."""
    folder = FIXTURES / name
    files = {
        prefix + p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
    return zip_files(files)


def parse(data: bytes, filename: str, fmt: str | None = None) -> ItemImport:
    return parse_items(data, filename, skill_key=SKILL, format=fmt)


def by_prompt_start(result: ItemImport, start: str) -> ItemSpec:
    matches = [item for item in result.items if item.prompt.startswith(start)]
    assert len(matches) == 1, [item.prompt for item in result.items]
    return matches[0]


def skipped_types(result: ItemImport) -> list[tuple[str, str]]:
    return [(s.identifier, s.interaction) for s in result.skipped]


ITEM_XML = b"""<?xml version="1.0"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="small" title="Small"
    adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="integer">
    <correctResponse><value>4</value></correctResponse>
  </responseDeclaration>
  <itemBody><p>2 + 2 = <textEntryInteraction responseIdentifier="RESPONSE"/></p></itemBody>
</assessmentItem>"""
