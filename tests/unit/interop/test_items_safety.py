"""Hostile and broken input: entity bombs, external entities, zip traversal and bombs, sizes, encodings.

Every case ends in a problem (the import is refused) and nothing outside the upload is read.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from atpace.interop.items import parse_items
from atpace.interop.items.safe import MAX_INPUT_BYTES, MAX_MEMBER_BYTES
from tests.unit.interop.helpers import ITEM_XML, fixture, parse, zip_files

MANIFEST = (
    '<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"><resources>'
    '<resource identifier="i" type="imsqti_item_xmlv2p1" href="{href}"/></resources></manifest>'
)
REFUSED = (
    "XML that declares entities is refused: they can expand without end or read files (EntitiesForbidden)"
)


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.perf_counter()
    result = parse(fixture("hostile/billion_laughs.xml"), "laughs.xml")
    assert time.perf_counter() - started < 1.0
    assert [p.message for p in result.problems] == [REFUSED]
    assert result.items == []


def test_external_entity_reads_nothing(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    xml = fixture("hostile/xxe_item.xml").replace(b"file:///etc/passwd", secret.as_uri().encode())
    result = parse(xml, "xxe.xml")
    assert [p.message for p in result.problems] == [REFUSED]
    assert "TOP-SECRET" not in repr(result)


def test_parameter_entity_with_remote_dtd_is_refused() -> None:
    result = parse(fixture("hostile/xxe_parameter_entity.xml"), "evil.xml")
    assert [p.message for p in result.problems] == [REFUSED]


def test_not_well_formed_xml_names_the_position() -> None:
    result = parse(fixture("hostile/not_well_formed.xml"), "broken.xml")
    assert [(p.line, p.where, p.message) for p in result.problems] == [
        (3, "column 36", "not well-formed XML: mismatched tag")
    ]


def test_entity_bomb_inside_a_package_names_the_file() -> None:
    package = zip_files(
        {
            "imsmanifest.xml": MANIFEST.format(href="items/a.xml").encode(),
            "items/a.xml": fixture("hostile/billion_laughs.xml"),
        }
    )
    result = parse(package, "pkg.zip")
    assert [(p.source, p.message) for p in result.problems] == [("pkg.zip:items/a.xml", REFUSED)]


@pytest.mark.parametrize(
    "name", ["../evil.xml", "/etc/evil.xml", "a/../../evil.xml", "C:\\evil.xml", "..\\evil.xml"]
)
def test_paths_leaving_the_package_are_refused(name: str) -> None:
    package = zip_files(
        {"imsmanifest.xml": MANIFEST.format(href="a.xml").encode(), "a.xml": ITEM_XML, name: b"x"}
    )
    result = parse(package, "pkg.zip", "qti")
    assert [(p.where, p.message) for p in result.problems] == [
        (name, "a file in the package has an absolute path or '..'")
    ]
    assert result.items == []


def test_zip_bomb_member_is_not_unpacked_past_the_limit() -> None:
    bomb = b"<assessmentItem>" + b" " * MAX_MEMBER_BYTES + b"</assessmentItem>"
    package = zip_files({"imsmanifest.xml": MANIFEST.format(href="big.xml").encode(), "big.xml": bomb})
    assert len(package) < 100_000  # compresses about 1000:1
    result = parse(package, "pkg.zip")
    assert [(p.where, p.message) for p in result.problems] == [
        ("big.xml", "the file is larger than 16 MiB unpacked")
    ]


def test_broken_zip() -> None:
    result = parse(b"PK\x03\x04" + b"\x00" * 100, "broken.zip", "qti")
    assert result.problems[0].message.startswith("not a readable zip file")


def test_upload_size_limit() -> None:
    result = parse(b" " * (MAX_INPUT_BYTES + 1), "huge.gift")
    assert [p.message for p in result.problems] == ["the file is larger than 32 MiB"]


def test_binary_and_unknown_content() -> None:
    assert [p.message for p in parse(b"\x00\x01\x02", "x.bin").problems] == [
        "cannot tell the format from the content: name it (gift, qti, qti12, aiken, csv)"
    ]
    assert (
        parse(b"a\x00b {T}", "x.gift", "gift").problems[0].message.startswith("the file holds NUL characters")
    )
    assert (
        parse(b"\xff\xfe{T}", "x.gift", "gift").problems[0].message
        == "the file is not UTF-8 text (save it as UTF-8)"
    )
    assert [p.message for p in parse(b"", "empty.csv", "csv").problems] == [
        "the file is empty: the first row names the columns"
    ]
    assert [p.message for p in parse(b"\n\n", "empty.gift", "gift").problems] == [
        "the file holds no questions"
    ]


def test_unknown_format_name() -> None:
    result = parse_items(b"{T}", "x.txt", skill_key="s", format="docx")
    assert [p.message for p in result.problems] == [
        "unknown format 'docx': use one of gift, qti, qti12, aiken, csv"
    ]
