"""The CASE fixture files, and small packages built in code for the edge cases."""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "case"
CCSS_RP = FIXTURES / "opensalt-framework-20c5134f-423d-4097-a971-3dd5152bf507.json"
SMART_LEVEL = FIXTURES / "SmartLevelFramework.json"
SEQUENCE_NUMBER = FIXTURES / "SequenceNumberFramework.json"
ITEM_TYPE = FIXTURES / "ItemTypeTestFramework.json"
OWN = FIXTURES / "atpace-fractions-1p1.json"

DOC = "d0000000-0000-4000-8000-000000000000"


def own_package() -> dict[str, Any]:
    """The unwrapped package of atpace-fractions-1p1.json, a fresh copy to change."""
    wrapped: dict[str, Any] = json.loads(OWN.read_text(encoding="utf-8"))
    return copy.deepcopy(wrapped["CFPackage"])


def dump(package: dict[str, Any]) -> bytes:
    return json.dumps(package).encode("utf-8")


def item_id(n: int) -> str:
    return f"10000000-0000-4000-8000-{n:012d}"


def minimal(codes: list[str], precedes: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    """A bare package with only what the reader needs: items F.1.. under the document, precedes between codes."""
    ids = {code: item_id(n) for n, code in enumerate(codes, start=1)}
    associations: list[dict[str, Any]] = []

    def link(identifier: str) -> dict[str, str]:
        return {"identifier": identifier, "uri": f"https://example.org/{identifier}", "title": identifier}

    for code in codes:
        associations.append(
            {
                "associationType": "isChildOf",
                "originNodeURI": link(ids[code]),
                "destinationNodeURI": link(DOC),
            }
        )
    for before, after in precedes:
        associations.append(
            {
                "associationType": "precedes",
                "originNodeURI": link(ids[before]),
                "destinationNodeURI": link(ids[after]),
            }
        )
    for n, association in enumerate(associations, start=1):
        association["identifier"] = f"20000000-0000-4000-8000-{n:012d}"
    return {
        "CFDocument": {"identifier": DOC, "title": "Minimal"},
        "CFItems": [
            {"identifier": ids[code], "humanCodingScheme": code, "fullStatement": f"Statement of {code}."}
            for code in codes
        ],
        "CFAssociations": associations,
    }
