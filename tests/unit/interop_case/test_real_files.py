"""Real CASE exports from OpenSALT (tests/fixtures/case/SOURCES.md), read as published."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from atpace.engine.graph import SkillGraph
from atpace.interop.case import Framework, read_framework

from .packages import CCSS_RP, ITEM_TYPE, SEQUENCE_NUMBER, SMART_LEVEL

P = "CCSS.Math.Content."


def ccss() -> Framework:
    return read_framework(CCSS_RP.read_bytes())


def codes(framework: Framework, identifiers: list[str]) -> list[str | None]:
    return [framework.item(identifier).human_coding_scheme for identifier in identifiers]


def test_common_core_excerpt_document_items_and_associations() -> None:
    framework = ccss()
    document = framework.document
    assert document.identifier == "20c5134f-423d-4097-a971-3dd5152bf507"
    assert document.title == "What Standards Could Be"
    assert document.creator == "Brandon Dorman"
    assert document.adoption_status == "Draft"
    assert document.last_change_date_time == datetime(
        2017, 5, 25, 18, 5, 33, tzinfo=UTC
    )  # written without a zone
    assert document.extra == {"CFPackageURI": document.uri}
    assert len(framework.items) == 16
    assert len(framework.associations) == 39
    assert Counter(a.association_type for a in framework.associations) == {
        "exactMatchOf": 16,
        "isChildOf": 16,
        "precedes": 3,
        "exemplar": 2,
        "isRelatedTo": 2,
    }
    assert sorted(framework.extra) == ["CFDefinitions"]


def test_common_core_item_is_read_with_its_quirks() -> None:
    item = ccss().item_by_code(P + "6.RP.A.1")
    assert item is not None
    assert item.identifier == "b6f61076-aa12-450b-8f9d-b86bc071f85e"
    assert item.full_statement == (
        "Understand the concept of a ratio and use ratio language to describe a ratio relationship between two "
        "quantities."
    )
    assert item.item_type == "Standard"
    assert item.education_level == ["06"]  # the export says educationalLevel
    assert item.list_enumeration == "1."
    assert item.language == "en"
    assert sorted(item.extra) == [
        "CFDocumentURI",
        "CFItemAssociationURI",
        "CFItemTypeURI",
        "lastChangeDateTime",
        "notes",
    ]
    assert str(item.extra["notes"]).startswith('For example, "The ratio of wings to beaks')


def test_common_core_tree_follows_sequence_numbers_and_list_enumeration() -> None:
    framework = ccss()
    outline = [(depth, item.human_coding_scheme) for depth, item in framework.outline()]
    assert outline == [
        (0, P + "6.RP.A"),
        (1, P + "6.RP.A.1"),
        (1, P + "6.RP.A.2"),
        (1, P + "6.RP.A.3"),
        (2, P + "6.RP.A.3a"),
        (2, P + "6.RP.A.3b"),
        (2, P + "6.RP.A.3c"),
        (2, P + "6.RP.A.3d"),
        (0, P + "7.RP.A"),
        (1, P + "7.RP.A.1"),
        (1, P + "7.RP.A.2"),
        (2, P + "7.RP.A.2a"),
        (2, P + "7.RP.A.2b"),
        (2, P + "7.RP.A.2c"),
        (2, P + "7.RP.A.2d"),
        (1, P + "7.RP.A.3"),
    ]
    top = framework.children(framework.document.identifier)
    assert [item.human_coding_scheme for item in top] == [P + "6.RP.A", P + "7.RP.A"]
    sequence = {a.origin_identifier: a.sequence_number for a in framework.associations if a.sequence_number}
    assert sequence == {top[0].identifier: 1, top[1].identifier: 2}  # "1" and "2" in the file
    tree = framework.tree()
    assert [node.item.human_coding_scheme for node in tree[0].children[2].children] == [
        P + "6.RP.A.3a",
        P + "6.RP.A.3b",
        P + "6.RP.A.3c",
        P + "6.RP.A.3d",
    ]


def test_common_core_precedes_become_prerequisites() -> None:
    framework = ccss()
    everything = [item.identifier for item in framework.items]
    edges = framework.precedes_edges(everything)
    # 6.RP.A.2 precedes the CCSS framework's own 7.RP.A.1, which the local 7.RP.A.1 is exactMatchOf.
    assert [tuple(codes(framework, list(edge))) for edge in edges] == [
        (P + "6.RP.A.1", P + "6.RP.A.2"),
        (P + "6.RP.A.2", P + "7.RP.A.1"),
        (P + "6.RP.A.3", P + "7.RP.A.3"),
    ]
    assert framework.warnings == [
        "CFAssociations[32]: precedes destination 61a66013-f85c-59c7-bdba-a2c9030e1c21 is outside the package; "
        "read as CCSS.Math.Content.7.RP.A.1, which is exactMatchOf it"
    ]
    keys = {item.identifier: framework.skill_key_for(item) for item in framework.items}
    graph = SkillGraph.build(keys.values(), [(keys[a], keys[b]) for a, b in edges])
    assert graph.prerequisites["ccss-math-content-7-rp-a-1"] == {"ccss-math-content-6-rp-a-2"}


def test_smart_level_framework_tree_without_codes() -> None:
    framework = read_framework(SMART_LEVEL.read_bytes())
    assert framework.document.title == "SmartLevel Test"
    assert len(framework.items) == 14
    assert {a.association_type for a in framework.associations} == {"isChildOf"}
    assert len(framework.associations) == 14
    assert framework.warnings == []
    tree = framework.tree()
    assert [node.item.full_statement for node in tree] == ["Item 1", "Item 2"]
    assert [node.item.full_statement for node in tree[0].children] == [f"Item 1.{n}" for n in range(1, 11)]
    assert [node.item.full_statement for node in tree[1].children] == ["Item 2.1", "Item 2.2"]
    assert [framework.skill_key_for(node.item) for node in tree[0].children][-2:] == ["item-1-9", "item-1-10"]
    assert framework.precedes_edges(item.identifier for item in framework.items) == []


def test_sequence_numbers_override_file_order() -> None:
    framework = read_framework(SEQUENCE_NUMBER.read_bytes())
    top = framework.children(framework.document.identifier)
    assert [item.human_coding_scheme for item in top] == ["SNT.2", "SNT.1"]
    assert top[0].full_statement == "Second added item, but should be first"
    assert framework.extra["CFDefinitions"] == {
        "CFConcepts": [],
        "CFSubjects": [],
        "CFLicenses": [],
        "CFItemTypes": [],
        "CFAssociationGroupings": [],
    }


def test_item_type_framework() -> None:
    framework = read_framework(ITEM_TYPE.read_bytes())
    (item,) = framework.items
    assert item.item_type == "Standard"
    assert item.extra["CFItemTypeURI"] == {
        "title": "Standard",
        "identifier": "b0000000-0000-0000-0000-000000000000",
        "uri": "https://server/ims/case/v1p0/CFDocuments/b0000000-0000-0000-0000-000000000000",
    }
    assert framework.document.adoption_status == "Draft"
    assert framework.skill_key_for(item) == "item-1"
