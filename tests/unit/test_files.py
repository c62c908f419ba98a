"""Uploads are checked by their content and their name before anything is stored."""

from __future__ import annotations

import io
import zipfile

import pytest

from atpace.errors import InvalidInput
from atpace.services import limits
from atpace.services.files import check_upload, safe_name

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_accepted_types_keep_their_name_and_get_the_media_type_of_their_content() -> None:
    assert check_upload("Essay draft.pdf", PDF).media_type == "application/pdf"
    assert check_upload("diagram.PNG", PNG).media_type == "image/png"
    assert check_upload("notes.txt", "fractions ½ are fun\n".encode()).media_type == "text/plain"
    word = check_upload("report.docx", docx_bytes())
    assert word.name == "report.docx" and word.media_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("essay.pdf", PNG, "its content is a PNG file"),
        ("picture.png", PDF, "its content is a PDF file"),
        ("notes.txt", PNG, "not plain text"),
        ("program.exe", b"MZ" + b"\x00" * 100, "atpace accepts"),
        ("essay.pdf", b"", "is empty"),
        ("../essay.pdf", PDF, "holds a path"),
        ("a/b.pdf", PDF, "holds a path"),
        ("C:\\work\\b.pdf", PDF, "holds a path"),
        (".htaccess", b"x", "starts with a dot"),
        ("bad\x07name.pdf", PDF, "control characters"),
        ("", PDF, "choose a file"),
    ],
)
def test_refused_uploads_say_why_naming_the_field(name: str, data: bytes, says: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_upload(name, data, field="files")
    assert refused.value.field == "files"
    assert says in refused.value.message


def test_an_oversized_file_is_refused_with_its_size() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_upload("big.pdf", PDF + b"0" * limits.UPLOAD_MAX_BYTES)
    assert "MB" in refused.value.message and "at most 10 MB" in refused.value.message


def test_a_long_name_is_refused_and_unicode_names_are_kept() -> None:
    with pytest.raises(InvalidInput):
        safe_name("x" * (limits.FILE_NAME_MAX + 1) + ".pdf")
    assert safe_name("  Élodie — fractions.pdf ") == "Élodie — fractions.pdf"
