"""The users CSV reader: what a spreadsheet writes is read, and every problem is named with its place."""

from __future__ import annotations

import pytest

from atpace.services.school.user_csv import CsvRejected, parse_users_csv


def problems(data: bytes | str) -> list[tuple[int, str]]:
    with pytest.raises(CsvRejected) as caught:
        parse_users_csv(data)
    assert caught.value.field == "file"
    return [(p.line, p.column) for p in caught.value.problems]


def test_excel_utf8_with_bom_crlf_and_quoted_fields() -> None:
    data = (
        "\ufeffEmail,Name,Role,Class,Password\r\n"
        'ana@x.example,"Núñez, Ana",Student,"Grade 4, Room 12",\r\n'
        "\r\n"
        'bo@x.example,"Bo ""Bobby"" Li",TEACHER,,"secret, with comma"\r\n'
    ).encode()
    rows = parse_users_csv(data)
    assert [(r.line, r.email, r.name, r.role, r.class_ref) for r in rows] == [
        (2, "ana@x.example", "Núñez, Ana", "student", "Grade 4, Room 12"),
        (4, "bo@x.example", 'Bo "Bobby" Li', "teacher", ""),
    ]
    assert rows[1].password == "secret, with comma"


def test_semicolons_tabs_aliases_and_given_family_names() -> None:
    rows = parse_users_csv("E-mail;First name;Last name\nx@y.example;Ada;Lovelace\n")
    assert rows[0].email == "x@y.example" and (rows[0].given_name, rows[0].family_name) == ("Ada", "Lovelace")
    tabbed = parse_users_csv("email\tname\nz@y.example\tZed\n")
    assert tabbed[0].name == "Zed"


def test_a_quoted_field_over_two_lines_keeps_the_line_numbers_right() -> None:
    rows = parse_users_csv('email,name\na@x.example,"Two\nLines"\nb@x.example,B\n')
    assert [(r.line, r.email) for r in rows] == [(2, "a@x.example"), (4, "b@x.example")]


def test_header_problems_are_all_reported() -> None:
    assert problems("mail address,name,name\nx@y.example,X,X\n") == [
        (1, "mail address"),
        (1, "name"),
        (1, "email"),
    ]
    assert problems("email,role\nx@y.example,student\n") == [(1, "name")]


def test_rows_with_the_wrong_number_of_fields_are_named_by_line() -> None:
    assert problems("email,name\na@x.example,A\nb@x.example\nc@x.example,C,extra\n") == [(3, ""), (4, "")]


def test_empty_files_and_files_without_users() -> None:
    assert problems(b"") == [(1, "")]
    assert problems("email,name\n\n") == [(3, "")]


def test_a_file_that_is_not_utf8_names_the_line() -> None:
    data = b"email,name\na@x.example,Ana\nb@x.example," + "Bérénice".encode("latin-1") + b"\n"
    with pytest.raises(CsvRejected) as caught:
        parse_users_csv(data)
    assert caught.value.problems[0].line == 3 and "UTF-8" in caught.value.problems[0].message


def test_too_many_rows_is_refused() -> None:
    data = "email,name\n" + "".join(f"u{n}@x.example,U{n}\n" for n in range(6))
    with pytest.raises(CsvRejected) as caught:
        parse_users_csv(data, max_rows=5)
    assert caught.value.problems[0].line == 7 and "split" in caught.value.problems[0].message
