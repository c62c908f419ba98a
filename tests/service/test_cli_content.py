"""The content commands: course packages (validate, import, export), item files and CASE frameworks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from atpace.cli import app
from atpace.content.package import builtin_courses
from atpace.services.courses import course_spec
from atpace.store.db import Database
from atpace.store.tables import Course, Item, School, SkillPrerequisite, SkillStandard, StandardItem

runner = CliRunner()
COURSES = Path(__file__).resolve().parents[2] / "src" / "atpace" / "content" / "courses"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'content.db'}"
    for args in (
        ["db", "upgrade"],
        ["schools", "create", "lincoln", "Lincoln Elementary"],
        ["schools", "create", "adams", "Adams Middle"],
    ):
        result = runner.invoke(app, [*args, "--database-url", url])
        assert result.exit_code == 0, result.output
    return url


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())  # rich wraps long lines


def test_the_builtin_packages_validate_and_a_broken_one_names_its_problems(tmp_path: Path) -> None:
    assert set(builtin_courses()) >= {"fractions", "ratios"}
    code, output = run("courses", "validate", str(COURSES / "ratios"))
    assert code == 0 and "valid" in output, output
    broken = tmp_path / "ratios"
    shutil.copytree(COURSES / "ratios", broken)
    course_file = broken / "course.yaml"
    course_file.write_text(
        course_file.read_text().replace(
            "prerequisites: [ratio-language]", "prerequisites: [no-such-skill]", 1
        )
    )
    code, output = run("courses", "validate", str(broken))
    assert code == 2 and "course.yaml" in output and "no-such-skill" in output, output


def test_a_course_exported_then_imported_elsewhere_is_the_same_course(url: str, tmp_path: Path) -> None:
    code, output = run(
        "courses", "import", str(COURSES / "ratios"), "--school", "lincoln", "--database-url", url
    )
    assert code == 0, output
    again = run("courses", "import", str(COURSES / "ratios"), "--school", "lincoln", "--database-url", url)
    assert again[0] == 2 and "already exists" in again[1]
    package = tmp_path / "ratios-export.zip"
    code, output = run("courses", "export", "ratios", "--out", str(package), "--database-url", url)
    assert code == 0 and package.exists(), output
    code, output = run("courses", "import", str(package), "--school", "adams", "--database-url", url)
    assert code == 0, output
    database = Database(url)
    with database.transaction() as session:
        courses = {
            slug: session.scalar(
                select(Course).join(School, School.id == Course.school_id).where(School.slug == slug)
            )
            for slug in ("lincoln", "adams")
        }
        first, second = (course_spec(session, c) for c in courses.values() if c is not None)
        assert first.skills == second.skills and first.mastery_threshold == second.mastery_threshold
        assert first.version == second.version == "1.0"
        assert [i for i in first.items()] == [i for i in second.items()]
        assert len(first.skills) >= 12 and all(s.standards for s in first.skills)
        standards = session.scalar(select(func.count()).select_from(SkillStandard))
        assert standards and standards >= 2 * len(first.skills)
    database.engine.dispose()


def test_items_import_dry_run_then_for_real_and_a_bad_file_writes_nothing(url: str, tmp_path: Path) -> None:
    assert (
        run("courses", "import", str(COURSES / "ratios"), "--school", "lincoln", "--database-url", url)[0]
        == 0
    )
    database = Database(url)

    def count() -> int:
        with database.transaction() as session:
            return session.scalar(select(func.count()).select_from(Item)) or 0

    before = count()
    gift = FIXTURES / "items" / "moodle" / "gift_questions.gift.txt"
    base = [
        "items",
        "import",
        str(gift),
        "--course",
        "ratios",
        "--skill",
        "unit-rates",
        "--database-url",
        url,
    ]
    code, output = run(*base, "--dry-run")
    assert code == 0 and "dry run" in output, output
    assert count() == before
    code, output = run(*base)
    assert code == 0, output
    added = count() - before
    assert added > 0
    assert run(*base)[0] == 0 and count() - before == added  # the same file again: all unchanged
    bad = tmp_path / "bad.csv"
    bad.write_text('kind,prompt,answer\r\nnumeric,"What is 2 + 2?",4\r\nmultiple_choice,"Pick one",C\r\n')
    code, output = run(
        "items", "import", str(bad), "--course", "ratios", "--skill", "unit-rates", "--database-url", url
    )
    assert code == 2 and "line 3" in output and "nothing was imported" in output, output
    assert count() - before == added
    no_skill = run("items", "import", str(gift), "--course", "ratios", "--database-url", url)
    assert no_skill[0] == 2 and "--skill" in no_skill[1]
    database.engine.dispose()


def test_standards_import_replaces_on_reimport_and_refuses_a_broken_file(url: str, tmp_path: Path) -> None:
    framework = FIXTURES / "case" / "opensalt-framework-20c5134f-423d-4097-a971-3dd5152bf507.json"
    code, output = run("standards", "import", str(framework), "--school", "lincoln", "--database-url", url)
    assert code == 0 and "16 standards" in output, output
    code, output = run("standards", "import", str(framework), "--school", "lincoln", "--database-url", url)
    assert code == 0 and "Replaced" in output
    database = Database(url)
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(StandardItem)) == 16
        assert session.scalar(select(func.count()).select_from(SkillPrerequisite)) == 0
    database.engine.dispose()
    broken = tmp_path / "broken.json"
    broken.write_text('{"CFDocument": {"title": "No id"}, "CFItems": [{"fullStatement": "x"}]}')
    code, output = run("standards", "import", str(broken), "--school", "lincoln", "--database-url", url)
    assert code == 2 and "CFDocument.identifier" in output, output
