"""Reading leniently: shapes, encodings, optional and mistyped fields; and the errors that refuse a file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from atpace.interop.case import CaseError, read_framework

from .packages import DOC, OWN, dump, item_id, minimal, own_package

F1 = "a1000000-0000-4000-8000-000000000002"


def problems(data: bytes | str) -> list[str]:
    with pytest.raises(CaseError) as caught:
        read_framework(data)
    return caught.value.problems


def test_own_case_1p1_file() -> None:
    framework = read_framework(OWN.read_bytes())
    document = framework.document
    assert (document.title, document.creator, document.version, document.language) == (
        "atpace fractions sample",
        "atpace",
        "1.0",
        "en",
    )
    assert document.subject == ["Mathematics"]
    assert document.last_change_date_time == datetime(2025, 1, 15, 10, 0, tzinfo=UTC)
    assert sorted(document.extra) == ["CFPackageURI", "caseVersion", "frameworkType"]
    assert len(framework.items) == 6
    assert len(framework.associations) == 11
    unit = framework.item(F1)
    assert (unit.human_coding_scheme, unit.abbreviated_statement) == ("F.1", "Unit fractions")
    assert unit.item_type == "Standard"  # CFItemType written as an object...
    assert unit.extra["CFItemType"] == {  # ...which stays in extra for its identifier and uri
        "title": "Standard",
        "identifier": "a3000000-0000-4000-8000-000000000001",
        "uri": "https://case.example.org/ims/case/v1p1/CFItemTypes/a3000000-0000-4000-8000-000000000001",
    }
    assert unit.education_level == ["03", "04"]  # "03, 04"
    assert framework.item_by_code("F.2").extra["x-atpace-minutes"] == 40  # type: ignore[union-attr]
    assert framework.item_by_code("F").item_type == "Domain"  # type: ignore[union-attr]
    types = [a.association_type for a in framework.associations]
    assert types.count("isChildOf") == 6  # one written "IsChildOf"
    assert types[-1] == "ext:isPractisedBy"
    assert framework.associations[-1].extra["notes"] == "An extension type, kept with a warning."
    exact = framework.associations[9]
    assert (exact.destination_identifier, exact.destination_title) == (
        "b0000000-0000-4000-8000-000000000001",
        "3.NF.A.1",
    )
    assert exact.extra["destinationNodeURI"]["targetType"] == "CASE"  # type: ignore[index]
    assert "CFDefinitions" in framework.extra
    assert framework.warnings == [
        "CFPackage.CFAssociations[10].associationType: 'ext:isPractisedBy' is not a CASE association type; kept as "
        "written"
    ]


def test_bare_wrapped_and_lowercase_packages_read_alike() -> None:
    package = own_package()
    wrapped = read_framework(dump({"CFPackage": package}))
    bare = read_framework(dump(package))
    lower = {
        "document": package["CFDocument"],
        "items": package["CFItems"],
        "associations": package["CFAssociations"],
    }
    opencase = read_framework(dump(lower))
    for framework in (bare, opencase):
        assert framework.document == wrapped.document
        assert framework.items == wrapped.items
        assert framework.associations == wrapped.associations
    assert bare.warnings == [w.removeprefix("CFPackage.") for w in wrapped.warnings]
    set_wrapped = {"CFDocument": package["CFDocument"], "CFItemSet": {"CFItems": package["CFItems"]}}
    assert read_framework(dump(set_wrapped)).items == wrapped.items


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf" + OWN.read_bytes(),
        "\ufeff" + OWN.read_text(encoding="utf-8"),
        "\ufeff".encode("utf-16-le") + OWN.read_text(encoding="utf-8").encode("utf-16-le"),
        bytearray(OWN.read_bytes()),
    ],
    ids=["utf8-bom-bytes", "bom-str", "utf16-bom", "bytearray"],
)
def test_byte_order_marks_and_encodings(data: bytes | str) -> None:
    assert read_framework(data).document.title == "atpace fractions sample"


def test_missing_optional_fields_are_accepted_with_grouped_warnings() -> None:
    framework = read_framework(dump(minimal(["F.1", "F.2"])))
    item = framework.items[0]
    assert (item.uri, item.abbreviated_statement, item.item_type, item.education_level) == (
        None,
        None,
        None,
        [],
    )
    assert framework.document.last_change_date_time is None
    assert framework.warnings == [
        "CFDocument.uri: missing (CASE requires it)",
        "CFDocument.creator: missing (CASE requires it)",
        "CFDocument.lastChangeDateTime: missing (CASE requires it)",
        "CFItems[*].uri: missing (CASE requires it) (2 times: CFItems[0].uri, CFItems[1].uri)",
        "CFItems[*].lastChangeDateTime: missing (CASE requires it) "
        "(2 times: CFItems[0].lastChangeDateTime, CFItems[1].lastChangeDateTime)",
        "CFAssociations[*].uri: missing (CASE requires it) "
        "(2 times: CFAssociations[0].uri, CFAssociations[1].uri)",
        "CFAssociations[*].lastChangeDateTime: missing (CASE requires it) "
        "(2 times: CFAssociations[0].lastChangeDateTime, CFAssociations[1].lastChangeDateTime)",
    ]


def test_a_document_alone_is_an_empty_framework() -> None:
    framework = read_framework(json.dumps({"CFDocument": {"identifier": DOC, "title": "Only a document"}}))
    assert framework.items == []
    assert framework.tree() == []
    assert "CFItems: missing; read as none" in framework.warnings


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2017-09-22T23:13:54+00:00", datetime(2017, 9, 22, 23, 13, 54, tzinfo=UTC)),
        ("2017-09-22T23:13:54Z", datetime(2017, 9, 22, 23, 13, 54, tzinfo=UTC)),
        ("2017-09-22T23:13:54.250Z", datetime(2017, 9, 22, 23, 13, 54, 250000, tzinfo=UTC)),
        ("2017-09-22T23:13:54", datetime(2017, 9, 22, 23, 13, 54, tzinfo=UTC)),
        ("2017-09-22 23:13:54", datetime(2017, 9, 22, 23, 13, 54, tzinfo=UTC)),
        ("2017-09-23T01:13:54+02:00", datetime(2017, 9, 22, 23, 13, 54, tzinfo=UTC)),
        ("2017-09-22", datetime(2017, 9, 22, tzinfo=UTC)),
    ],
)
def test_dates_in_several_iso_forms(written: str, expected: datetime) -> None:
    package = minimal([])
    package["CFDocument"]["lastChangeDateTime"] = written
    assert read_framework(dump(package)).document.last_change_date_time == expected


def test_a_date_that_does_not_parse_is_kept_with_a_warning() -> None:
    package = minimal([])
    package["CFDocument"]["lastChangeDateTime"] = "22/09/2017"
    framework = read_framework(dump(package))
    assert framework.document.last_change_date_time is None
    assert framework.document.extra["lastChangeDateTime"] == "22/09/2017"
    assert "CFDocument.lastChangeDateTime: not an ISO 8601 date-time: '22/09/2017'; kept unread" in (
        framework.warnings
    )


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (["KG", "01"], ["KG", "01"]),
        ("06,07", ["06", "07"]),
        ("06", ["06"]),
        ([6, "07"], ["06", "07"]),
        ([], []),
    ],
)
def test_education_level_as_list_or_comma_string(written: Any, expected: list[str]) -> None:
    package = minimal(["F.1"])
    package["CFItems"][0]["educationLevel"] = written
    assert read_framework(dump(package)).items[0].education_level == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("isChildOf", "isChildOf"),
        ("IsChildOf", "isChildOf"),
        ("ischildof", "isChildOf"),
        ("is_child_of", "isChildOf"),
        ("Precedes", "precedes"),
        ("exact match of", "exactMatchOf"),
        ("isPartOf", "isPartOf"),
        ("isRelatedTo", "isRelatedTo"),
        ("isPeerOf", "isPeerOf"),
        ("replacedBy", "replacedBy"),
        ("exemplar", "exemplar"),
        ("hasSkillLevel", "hasSkillLevel"),
        ("isTranslationOf", "isTranslationOf"),
    ],
)
def test_association_type_variants(written: str, expected: str) -> None:
    package = minimal(["F.1"])
    package["CFAssociations"][0]["associationType"] = written
    framework = read_framework(dump(package))
    assert framework.associations[0].association_type == expected
    assert not any("association type" in warning for warning in framework.warnings)


def test_unknown_association_types_are_kept_with_one_warning_per_place() -> None:
    package = minimal(["F.1", "F.2"])
    for association in package["CFAssociations"]:
        association["associationType"] = "isParentOf"
    framework = read_framework(dump(package))
    assert [a.association_type for a in framework.associations] == ["isParentOf", "isParentOf"]
    assert not framework.associations[0].is_standard_type
    assert (
        "CFAssociations[*].associationType: 'isParentOf' is not a CASE association type; kept as written "
        "(2 times: CFAssociations[0].associationType, CFAssociations[1].associationType)"
    ) in framework.warnings
    assert [node.item.human_coding_scheme for node in framework.tree()] == [
        "F.1",
        "F.2",
    ]  # no parent: top level


def test_case_1p0_variants_sourced_id_string_links_and_string_sequence_numbers() -> None:
    package = minimal(["F.1"])
    item = package["CFItems"][0]
    item["sourcedId"] = item.pop("identifier")
    association = package["CFAssociations"][0]
    association["originNodeURI"] = f"https://example.org/ims/case/v1p0/CFItems/{item_id(1)}"
    association["sequenceNumber"] = " 3 "
    framework = read_framework(dump(package))
    assert framework.items[0].identifier == item_id(1)
    read = framework.associations[0]
    assert (read.origin_identifier, read.origin_title, read.sequence_number) == (item_id(1), None, 3)
    assert framework.children(DOC) == framework.items


def test_mistyped_optional_fields_are_kept_in_extra_with_a_warning() -> None:
    package = minimal(["F.1"])
    package["CFItems"][0].update(humanCodingScheme=12, language=["en"], CFItemType=7, educationLevel={"a": 1})
    package["CFAssociations"][0]["sequenceNumber"] = "first"
    package["CFDocument"]["subject"] = {"title": "Math"}
    framework = read_framework(dump(package))
    item = framework.items[0]
    assert item.human_coding_scheme == "12"  # a number is read as its text
    assert item.language is None and item.item_type is None and item.education_level == []
    assert item.extra == {"language": ["en"], "CFItemType": 7, "educationLevel": {"a": 1}}
    assert framework.associations[0].sequence_number is None
    assert framework.associations[0].extra["sequenceNumber"] == "first"
    assert framework.document.extra["subject"] == {"title": "Math"}
    for expected in (
        "CFItems[0].humanCodingScheme: a number where CASE has a string; read as its text",
        "CFItems[0].language: expected a string, got a list; kept unread",
        "CFItems[0].CFItemType: expected a string or an object, got a number; kept unread",
        "CFItems[0].educationLevel: expected strings, got an object; kept unread",
        "CFAssociations[0].sequenceNumber: expected an integer, got a string; kept unread",
        "CFDocument.subject: expected a string or a list of strings, got an object; kept unread",
    ):
        assert expected in framework.warnings


def test_associations_outside_the_package_are_ignored_with_a_warning() -> None:
    package = minimal(["F.1", "F.2"], precedes=[("F.1", "F.2")])
    outside = {
        "identifier": "99999999-0000-4000-8000-000000000000",
        "uri": "https://elsewhere.org/x",
        "title": "X",
    }
    package["CFAssociations"][1]["destinationNodeURI"] = outside
    package["CFAssociations"][2]["destinationNodeURI"] = outside
    framework = read_framework(dump(package))
    assert len(framework.associations) == 3  # kept as read
    assert framework.children(DOC) == framework.items[:1]
    assert framework.precedes_edges([item_id(1), item_id(2)]) == []
    assert "CFAssociations[1]: isChildOf destination is not in this package; ignored" in framework.warnings
    assert "CFAssociations[2]: precedes destination is not in this package; ignored" in framework.warnings
    assert [node.item.human_coding_scheme for node in framework.tree()] == ["F.1", "F.2"]


def test_identical_duplicates_are_dropped_with_a_warning() -> None:
    package = minimal(["F.1"])
    package["CFItems"].append(dict(package["CFItems"][0]))
    package["CFAssociations"].append(dict(package["CFAssociations"][0]))
    framework = read_framework(dump(package))
    assert len(framework.items) == 1 and len(framework.associations) == 1
    assert "CFItems[1]: an exact copy of CFItems[0]; dropped" in framework.warnings
    assert "CFAssociations[1]: an exact copy of CFAssociations[0]; dropped" in framework.warnings


def test_repeated_codes_warn_and_the_first_wins() -> None:
    package = minimal(["F.1", "F.2"])
    package["CFItems"][1]["humanCodingScheme"] = "F.1"
    framework = read_framework(dump(package))
    assert framework.item_by_code("F.1") == framework.items[0]
    assert framework.item_by_code(" f.1 ") == framework.items[0]
    assert framework.item_by_code("F.9") is None
    assert "CFItems[1].humanCodingScheme: 'F.1' is also the code of CFItems[0]" in framework.warnings


# --- errors ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "not JSON: the file is empty"),
        (b"CFDocument: x", "not JSON: Expecting value at line 1 column 1"),
        (b'{"CFDocument":\n  {"title": }}', "not JSON: Expecting value at line 2 column 13"),
        (b'{"CFDocument": NaN}', "not JSON: NaN is not JSON"),
        (b'{"a": "caf\xe9"}', "not UTF-8 text: byte 0xe9 at offset 10"),
        (b"[1, 2]", "top level: expected an object with a CFDocument, got a list"),
        (b'{"CFItems": []}', "CFDocument: missing (not a CASE CFPackage)"),
        (
            b'{"CFDocuments": []}',
            "CFDocument: missing (not a CASE CFPackage); this is a list of documents, not a package",
        ),
        (b'{"CFPackage": []}', "CFPackage: expected an object, got a list"),
        (b'{"CFPackage": {"CFItems": []}}', "CFPackage.CFDocument: missing (not a CASE CFPackage)"),
        (b'{"CFDocument": "x"}', "CFDocument: expected an object, got a string"),
        (b"[" * 100_000, "not JSON: nested too deeply"),
    ],
)
def test_files_that_are_not_packages(data: bytes, expected: str) -> None:
    assert problems(data) == [expected]


def test_every_real_error_is_named_with_its_path() -> None:
    package = minimal(["F.1", "F.2", "F.3"])
    del package["CFDocument"]["title"]
    package["CFItems"][0]["fullStatement"] = 12
    del package["CFItems"][1]["identifier"]
    package["CFItems"][2]["fullStatement"] = "   "
    package["CFItems"].append("F.4")
    package["CFAssociations"][0]["associationType"] = None
    package["CFAssociations"][1]["originNodeURI"] = 5
    package["CFAssociations"][2]["destinationNodeURI"] = {"title": "no id"}
    assert problems(dump(package)) == [
        "CFDocument.title: missing",
        "CFItems[0].fullStatement: expected a string, got a number",
        "CFItems[1].identifier: missing",
        "CFItems[2].fullStatement: empty",
        "CFItems[3]: expected an object, got a string",
        "CFAssociations[0].associationType: missing",
        "CFAssociations[1].originNodeURI: expected an object, got a number",
        "CFAssociations[2].destinationNodeURI: neither identifier nor uri",
    ]


def test_paths_start_at_the_wrapper() -> None:
    package = minimal(["F.1"])
    package["CFItems"][0]["identifier"] = 17
    assert problems(dump({"CFPackage": package})) == [
        "CFPackage.CFItems[0].identifier: expected a string, got a number"
    ]


def test_lists_that_are_not_lists() -> None:
    package = minimal([])
    package["CFItems"] = {"F.1": {}}
    package["CFAssociations"] = "none"
    assert problems(dump(package)) == [
        "CFItems: expected a list, got an object",
        "CFAssociations: expected a list, got a string",
    ]


def test_duplicate_identifiers_are_errors() -> None:
    package = minimal(["F.1", "F.2", "F.3"])
    package["CFItems"][1]["identifier"] = item_id(1)
    package["CFItems"][2]["identifier"] = DOC
    package["CFAssociations"][2]["identifier"] = package["CFAssociations"][0]["identifier"]
    assert problems(dump(package)) == [
        f"CFItems[1].identifier: '{item_id(1)}' is also the identifier of CFItem CFItems[0]",
        "CFAssociations[2].identifier: '20000000-0000-4000-8000-000000000001' is also the identifier of "
        "CFAssociation CFAssociations[0]",
        f"CFItems[2].identifier: '{DOC}' is the identifier of the CFDocument",
    ]


def test_the_message_lists_the_first_twenty_problems() -> None:
    package = minimal([f"F.{n}" for n in range(25)])
    for item in package["CFItems"]:
        del item["fullStatement"]
    with pytest.raises(CaseError) as caught:
        read_framework(dump(package))
    assert len(caught.value.problems) == 25
    message = str(caught.value)
    assert message.startswith(
        "not a readable CASE framework (25 problems): CFItems[0].fullStatement: missing; "
    )
    assert message.endswith("CFItems[19].fullStatement: missing; and 5 more")
