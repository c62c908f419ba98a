"""Which item format a file is, from its content (the file name only breaks ties).

- a zip: its imsmanifest.xml decides: QTI 1.2 resources (``imsqti_xmlv1p2...``, Canvas) -> ``qti12``,
  anything else -> ``qti``; without a manifest, a ``questestinterop`` file inside -> ``qti12``;
- XML: the root element: ``questestinterop`` -> ``qti12``; ``assessmentItem``, ``qti-assessment-item``
  (and tests, which the QTI reader then explains) -> ``qti``;
- text: a header row naming ``kind``, ``prompt`` and ``answer`` -> ``csv``; ``ANSWER: X`` lines after
  ``A)`` choices -> ``aiken``; an answer block ``{...}``, ``::name::`` or ``$CATEGORY:`` -> ``gift``.
"""

from __future__ import annotations

import re

from atpace.interop.items.safe import Package, UnsafeInput, is_zip, read_manifest
from atpace.interop.items.text import local_name

__all__ = ["detect_format", "root_element"]

_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_XML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<")
_AIKEN_ANSWER = re.compile(r"^ANSWER\s*:\s*[A-Za-z]\s*$", re.M)
_AIKEN_CHOICE = re.compile(r"^[A-Z][.)]", re.M)
_GIFT = re.compile(r"(^|\n)\s*(::.*?::|\$CATEGORY:)|\{[^{}]*\}", re.S)
_QTI_ROOTS = frozenset(
    ("assessmentItem", "qti-assessment-item", "assessmentTest", "qti-assessment-test", "assessmentSection")
)


def root_element(data: bytes) -> str | None:
    """Local name of the first element, skipping the prolog, comments, doctype and processing instructions."""
    head = data[:65536]
    head = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", b"", head, flags=re.S)
    match = _ROOT.search(head)
    return local_name(match[1].decode("ascii", "replace")).split(":")[-1] if match else None


def _zip_format(data: bytes) -> str | None:
    try:
        package = Package(data)
        manifest = read_manifest(package)
    except UnsafeInput:
        return "qti"  # the QTI reader reports why it cannot be read
    if manifest is None:
        for name in package.names:
            if name.lower().endswith((".xml", ".qti")):
                try:
                    if root_element(package.read(name)) == "questestinterop":
                        return "qti12"
                except UnsafeInput:
                    continue
        return "qti"
    if any(r.type.lower().startswith("imsqti_xmlv1p2") for r in manifest.resources):
        return "qti12"
    return "qti"


def _header_names(line: str) -> set[str]:
    return {cell.strip().strip('"').strip().lower() for cell in re.split(r"[,;\t]", line)}


def detect_format(data: bytes, filename: str = "") -> str | None:
    """``gift``, ``qti``, ``qti12``, ``aiken``, ``csv``, or None when the content does not say."""
    if is_zip(data):
        return _zip_format(data)
    if _XML_START.match(data[:1024]):
        root = root_element(data)
        if root == "questestinterop":
            return "qti12"
        if root in _QTI_ROOTS:
            return "qti"
        return "qti" if root else None
    text = data[:262144].decode("utf-8", "replace").lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    if {"kind", "prompt", "answer"} <= _header_names(first_line):
        return "csv"
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    aiken = bool(_AIKEN_ANSWER.search(text) and _AIKEN_CHOICE.search(text))
    gift = bool(_GIFT.search(text))
    if aiken and gift:
        return (
            "gift"
            if suffix == "gift"
            else "aiken"
            if suffix == "aiken"
            else "aiken"
            if "{" not in text
            else "gift"
        )
    if aiken:
        return "aiken"
    if gift:
        return "gift"
    return {"gift": "gift", "csv": "csv", "aiken": "aiken"}.get(suffix)
