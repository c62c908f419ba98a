"""Course packages: the format, its checks, the built-in courses and the template language."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import textwrap
import time
import zipfile
from collections import Counter, defaultdict
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from atpace.content import FRACTIONS_COURSE, check_answer
from atpace.content import package as package_module
from atpace.content.numbers import read
from atpace.content.package import (
    BUILTIN_COURSES_DIR,
    PackageError,
    builtin_courses,
    load_builtin_course,
    package_files,
    read_package,
    schema_json,
    validate_package,
    write_package,
)
from atpace.content.spec import DEFAULT_MASTERY_THRESHOLD, CourseSpec, ItemSpec
from atpace.content.templating import ItemTemplate, TemplateError, TemplateErrors
from atpace.engine.policy import DEFAULT_MASTERY_THRESHOLD as ENGINE_DEFAULT

ROOT = Path(__file__).resolve().parents[2]
RATIOS = load_builtin_course("ratios")


def same_course(a: CourseSpec, b: CourseSpec) -> None:
    assert a == b  # key, title, grades, skills (prerequisites, standards), templates, threshold, version
    assert a.items() == b.items()  # every item spec, in order


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


COURSE = """\
    format: atpace-course
    format_version: 1
    key: tiny
    title: Tiny
    version: "0.1"
    mastery_threshold: 0.9
    item_files: [items/one.yaml]
    skills:
      - {key: first, name: First, grade: 6, standards: [{code: X.1, statement: Know things.}]}
      - {key: second, name: Second, grade: 6, prerequisites: [first]}
"""
ITEMS = """\
    templates:
      - key: add
        skills: [first]
        kind: numeric
        count: 5
        variables: {a: {min: 1, max: 9}, b: {min: 1, max: 9}}
        prompt: "{a} + {b} = ?"
        answer: {correct: "{a + b}"}
        hints: ["Count on from {a}."]
        worked_solution: ["{a} + {b} = {a + b}"]
      - key: pick
        skills: [second]
        kind: multiple_choice
        items:
          - key: one
            prompt: Pick 2.
            answer: {correct: "2", choices: ["1", "2"]}
"""


def tiny(tmp_path: Path, course: str = COURSE, items: str = ITEMS) -> Path:
    return write_tree(tmp_path / "tiny", {"course.yaml": course, "items/one.yaml": items})


# ---------------------------------------------------------------------------------------------- schema


def test_published_schema_equals_the_one_in_code() -> None:
    published = (ROOT / "docs" / "course-package.schema.json").read_text()
    assert published == schema_json(), "run: .venv/bin/python -c 'from atpace.content.package import ...'"
    assert json.loads(published)["$defs"]["template"]["properties"]["kind"]["enum"][-1] == "open_response"


def test_default_threshold_is_the_engines() -> None:
    assert DEFAULT_MASTERY_THRESHOLD == ENGINE_DEFAULT


# ---------------------------------------------------------------------------------------------- fractions


def test_fractions_package_on_disk_is_what_the_build_writes() -> None:
    from atpace.content.build_fractions import build_course, built_files

    folder = BUILTIN_COURSES_DIR / "fractions"
    expected = built_files()
    on_disk = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    stale = sorted(set(on_disk) ^ set(expected))
    assert not stale, f"run: python -m atpace.content.build_fractions ({stale[:3]})"
    changed = [name for name in expected if on_disk[name] != expected[name]]
    assert not changed, f"run: python -m atpace.content.build_fractions ({changed[:3]})"
    same_course(read_package(folder), build_course())


def test_fractions_course_is_read_from_its_package_without_the_templates() -> None:
    assert FRACTIONS_COURSE is load_builtin_course("fractions")
    code = (
        "import sys; from atpace.content import FRACTIONS_COURSE as C; n = len(C.items()); "
        "build = {'atpace.content.' + m for m in ('fractions', 'build', 'build_fractions')}; "
        "print(n, sorted(m for m in sys.modules if 'templates_' in m or m in build))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split(" ", 1) == [str(len(FRACTIONS_COURSE.items())), "[]\n"]


def test_fractions_standards_and_version() -> None:
    assert FRACTIONS_COURSE.version == "1.0" and FRACTIONS_COURSE.mastery_threshold == 0.95
    codes = set()
    for skill in FRACTIONS_COURSE.skills:
        assert skill.standards, skill.key
        for standard in skill.standards:
            assert re.fullmatch(r"[3-6]\.(NF|NS)\.[A-C]\.\d[a-d]?", standard.code), standard.code
            assert standard.statement.endswith((".", "?", ")")) and standard.framework
            codes.add(standard.code)
    expected = {
        "3.NF.A.1",
        "3.NF.A.2",
        "4.NF.A.1",
        "4.NF.A.2",
        "4.NF.C.5",
        "4.NF.C.6",
        "4.NF.C.7",
        "5.NF.A.1",
    }
    expected |= {"5.NF.A.2", "5.NF.B.3", "5.NF.B.6"} | {f"3.NF.A.3{x}" for x in "abcd"}
    expected |= {f"4.NF.B.3{x}" for x in "abcd"} | {f"5.NF.B.7{x}" for x in "abc"}
    assert expected <= codes


def test_builtin_packages_are_valid_in_full() -> None:
    assert builtin_courses() == ["fractions", "ratios"]
    for key in builtin_courses():
        assert validate_package(BUILTIN_COURSES_DIR / key) == [], key
    with pytest.raises(KeyError, match=re.escape("no built-in course '../x'")):
        load_builtin_course("../x")


def test_reading_the_fractions_package_is_fast() -> None:
    folder = BUILTIN_COURSES_DIR / "fractions"
    read_package(folder)  # imports and schema compilation out of the way
    started = time.perf_counter()
    course = read_package(folder)
    elapsed = time.perf_counter() - started
    assert len(course.items()) > 1900 and elapsed < 3.0  # about 0.35 s here; generous for slow CI machines


# ---------------------------------------------------------------------------------------------- ratios


def by_skill(course: CourseSpec) -> dict[str, list[ItemSpec]]:
    result: dict[str, list[ItemSpec]] = defaultdict(list)
    for item in course.items():
        for key in item.skill_keys:
            result[key].append(item)
    return result


def test_ratios_course_shape() -> None:
    assert RATIOS.key == "ratios" and RATIOS.version and len(RATIOS.skills) >= 12
    graph = RATIOS.skill_graph()
    assert graph.find_cycle() is None and [s.key for s in RATIOS.skills if not s.prerequisites] == [
        "ratio-language"
    ]
    assert sum(len(s.prerequisites) for s in RATIOS.skills) >= len(RATIOS.skills)
    for skill in RATIOS.skills:
        assert skill.grade == 6 and skill.description.endswith(".")
        assert skill.standards and all(s.code.startswith("6.RP.A.") for s in skill.standards)
    groups = by_skill(RATIOS)
    assert set(groups) == {s.key for s in RATIOS.skills}
    for key, items in groups.items():
        assert len(items) >= 10, key
        assert len({i.kind for i in items}) >= 2, key
    kinds = Counter(i.kind for i in RATIOS.items())
    assert set(kinds) == {
        "numeric", "fraction", "multiple_choice", "multiple_select", "short_text", "ordering", "open_response"
    }  # fmt: skip
    assert any(i.answer.patterns for i in RATIOS.items())
    written = [t for t in RATIOS.templates if len(t.generate()) <= 3]
    assert len(written) >= 4  # hand-written items beside the generated ones


def test_ratios_items_have_hints_solutions_and_right_keys() -> None:
    prompts = set()
    for item in RATIOS.items():
        assert 2 <= len(item.hints) <= 3 and all(h.strip() for h in item.hints), item.key
        assert len(item.worked_solution) >= 2 and all(s.strip() for s in item.worked_solution), item.key
        assert "{" not in item.prompt + "".join(item.hints + item.worked_solution), item.key
        prompts.add((item.prompt, item.answer.choices))
        if not item.answer.auto_scored:
            continue
        assert check_answer(item.answer, item.answer.correct).correct, item.key
        if item.kind not in ("multiple_select", "ordering", "multiple_choice"):
            assert item.answer.correct in item.worked_solution[-1], item.key
        if item.kind == "ordering":
            assert item.answer.choices != item.answer.correct_choices, item.key
    assert len(prompts) == len(RATIOS.items())


NUMBER = r"(\d+(?:\.\d+)?)"


def test_ratios_arithmetic_is_right() -> None:
    """Recompute generated answers from their prompts, independently of the templates."""

    def value(text: str) -> Fraction:
        return read(text, allow_decimal=True, allow_mixed=True).value

    checks = {
        "scale-up": (r"(\d+):(\d+) = (\d+):\?", lambda a, b, c: b * c / a),
        "scale-down": (r"(\d+):(\d+) = \?:(\d+)", lambda a, b, c: a * c / b),
        "share-total": (r"share (\d+) .* ratio (\d+):(\d+)", lambda t, a, b: t * a / (a + b)),
        "percent-of": (r"What is (\d+)% of (\d+)\?", lambda p, q: p * q / 100),
        "whole-from-part": (r"(\d+) is (\d+)% of what number\?", lambda part, p: part * 100 / p),
        "unit-price": (rf"(\d+) .* cost \${NUMBER}\.", lambda n, total: total / n),
        "speed": (r"goes (\d+) \w+ in (\d+) hours", lambda d, t: d / t),
    }
    seen: Counter[str] = Counter()
    for item in RATIOS.items():
        if item.template_key not in checks:
            continue
        pattern, compute = checks[item.template_key]
        match = re.search(pattern, item.prompt)
        assert match, item.prompt
        numbers = [Fraction(g) for g in match.groups()]
        assert value(item.answer.correct) == compute(*numbers), item.key
        seen[item.template_key] += 1
    assert set(seen) == set(checks) and min(seen.values()) >= 20


def test_ratios_generation_is_the_same_in_another_process() -> None:
    code = (
        "from atpace.content import load_builtin_course as L; import hashlib, json; "
        "print(hashlib.sha256(json.dumps([[i.key, i.prompt, i.answer.to_dict()] for i in "
        "L('ratios').items()]).encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    import hashlib

    here = json.dumps([[i.key, i.prompt, i.answer.to_dict()] for i in RATIOS.items()]).encode()
    assert out.stdout.strip() == hashlib.sha256(here).hexdigest()


# ---------------------------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("items_format", ["yaml", "json"])
@pytest.mark.parametrize("zipped", [False, True])
def test_export_then_import_gives_the_same_course(tmp_path: Path, zipped: bool, items_format: Any) -> None:
    target = tmp_path / ("ratios.zip" if zipped else "ratios")
    write_package(RATIOS, target, zip=zipped, items_format=items_format)
    assert validate_package(target) == []
    same_course(read_package(target), RATIOS)
    assert all(s.standards for s in read_package(target).skills)


def test_export_is_deterministic_and_rewrites_a_folder(tmp_path: Path) -> None:
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    write_package(RATIOS, first, zip=True)
    write_package(RATIOS, second, zip=True)
    assert first.read_bytes() == second.read_bytes()
    folder = tmp_path / "course"
    write_package(RATIOS, folder)
    (folder / "README.md").write_text("kept")
    write_package(RATIOS, folder, items_format="json")
    assert (folder / "README.md").exists() and not list(folder.glob("items/*.yaml"))
    same_course(read_package(folder), RATIOS)


def test_a_zipped_folder_and_a_course_file_path_also_read(tmp_path: Path) -> None:
    folder = tiny(tmp_path)
    archive = tmp_path / "wrapped.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in folder.rglob("*"):
            if path.is_file():
                zipped.write(path, f"tiny/{path.relative_to(folder).as_posix()}")
    same_course(read_package(archive), read_package(folder))
    same_course(read_package(folder / "course.yaml"), read_package(folder))


def test_tiny_package_reads_as_written(tmp_path: Path) -> None:
    course = read_package(tiny(tmp_path))
    assert course.mastery_threshold == 0.9 and course.version == "0.1"
    assert course.skills[0].standards[0].code == "X.1" and course.skills[1].prerequisites == ("first",)
    items = course.items()
    assert [i.key for i in items][-1] == "pick/one" and len(items) == 6
    assert all(i.key.startswith("add/") and i.answer.kind == "numeric" for i in items[:5])


# ---------------------------------------------------------------------------------------------- problems


def problems_of(tmp_path: Path, course: str = COURSE, items: str = ITEMS) -> list[str]:
    found = validate_package(tiny(tmp_path, course, items))
    with pytest.raises(PackageError) as error:
        read_package(tmp_path / "tiny")
    assert error.value.problems == found and str(len(found)) in str(error.value)
    return found


def test_every_problem_is_collected_with_its_file_and_place(tmp_path: Path) -> None:
    course = COURSE.replace("prerequisites: [first]", "prerequisites: [first, nowhere]").replace(
        "mastery_threshold: 0.9", "mastery_threshold: 1.0"
    )
    items = ITEMS.replace(
        'answer: {correct: "2", choices: ["1", "2"]}', 'answer: {correct: "3", choices: ["1", "2"]}'
    )
    items = items.replace("kind: numeric", "kind: numeric\n        promt: typo")
    found = problems_of(tmp_path, course, items)
    assert "course.yaml: mastery_threshold: 1.0 is greater than or equal to the maximum of 1" in found
    assert "course.yaml: skills[1].prerequisites[1]: unknown skill 'nowhere'" in found
    assert any(
        p.startswith("items/one.yaml: templates[0]: Additional properties") and "promt" in p for p in found
    )
    assert "items/one.yaml: templates[1].items[0].answer.correct: '3' is not one of the choices" in found


CYCLE = COURSE.replace("grade: 6, standards", "grade: 6, prerequisites: [second], standards")
ESSAYS = ITEMS.replace("kind: multiple_choice", "kind: open_response").replace(', choices: ["1", "2"]', "")
BAD_PATTERN = ITEMS.replace("kind: multiple_choice", "kind: short_text").replace(
    ', choices: ["1", "2"]', ', patterns: ["(2"]'
)
PRESOLVED = ITEMS.replace("kind: multiple_choice", "kind: ordering").replace(
    '{correct: "2", choices: ["1", "2"]}', '{choices: ["1", "2"], correct_choices: ["1", "2"]}'
)
VARIANT = r"items/one.yaml: templates\[0\] \(variant a=\d, b=\d\): "


@pytest.mark.parametrize(
    ("course", "items", "expected"),
    [
        (CYCLE, ITEMS, "course.yaml: skills: prerequisites form a cycle: first -> second -> first"),
        (COURSE.replace("key: second", "key: first"), ITEMS,
         "course.yaml: skills[1].key: 'first' is used by another skill"),
        (COURSE, ITEMS.replace("key: pick", "key: add"),
         "items/one.yaml: templates[1].key: 'add' is also the key of items/one.yaml: templates[0]"),
        (COURSE, ESSAYS, "course.yaml: skills[1]: no auto-scored items practise 'second'"),
        (COURSE.replace("format_version: 1", "format_version: 2"), ITEMS,
         "course.yaml: format_version: 2 is not 1, the version read here: upgrade atpace to read it"),
        (COURSE.replace("format: atpace-course", "format: other"), ITEMS,
         "course.yaml: format: must be 'atpace-course': is this an atpace course package?"),
        (COURSE.replace("items/one.yaml", "items/two.yaml"), ITEMS,
         "course.yaml: item_files[0]: no file 'items/two.yaml' in the package"),
        (COURSE.replace("items/one.yaml", "../one.yaml"), ITEMS,
         "course.yaml: item_files[0]: '../one.yaml' must be a relative path inside the package"),
        (COURSE, ITEMS.replace("prompt: Pick 2.", "prompt: [Pick 2."),
         "items/one.yaml: line 17: did not find expected ',' or ']'"),
        (COURSE, ITEMS.replace("{a + b}", "{a + c}"), VARIANT + "'a \\+ c': unknown name 'c'"),
        (COURSE, ITEMS.replace("{a + b}", "{a / (b - b)}"), VARIANT + "'a / \\(b - b\\)' divides by zero"),
        (COURSE, ITEMS.replace("count: 5", "count: 5\n        constraints: [a > 100]"),
         "items/one.yaml: templates[0].constraints: only 0 of 5 variants met the constraints"),
        (COURSE, ITEMS.replace("count: 5", "count: 100"),
         "items/one.yaml: templates[0].count: the variables allow only 81 variants, fewer than 100"),
        (COURSE, ITEMS.replace('prompt: "{a} + {b} = ?"', 'prompt: "{a} + {b = ?"'),
         "items/one.yaml: templates[0].prompt: unmatched '{'"),
        (COURSE, ITEMS.replace("{a + b}", "{a.__class__}"), "access to __attributes"),
        (COURSE, ITEMS.replace("prompt: Pick 2.", "prompt: Pick 2.\n            difficulty: 9"),
         "items/one.yaml: templates[1].items[0].difficulty: 9 is greater than the maximum of 3.0"),
        (COURSE, BAD_PATTERN,
         "items/one.yaml: templates[1].items[0].answer.patterns[0]: '(2' is not a valid regular expression"),
        (COURSE, PRESOLVED,
         "items/one.yaml: templates[1].items[0].answer.choices: already in the right order"),
    ],
)  # fmt: skip
def test_problems_name_the_file_and_the_place(tmp_path: Path, course: str, items: str, expected: str) -> None:
    found = problems_of(tmp_path, course, items)
    assert any(expected in problem or re.match(expected, problem) for problem in found), found


def test_yaml_aliases_of_lists_are_refused(tmp_path: Path) -> None:
    items = ITEMS.replace('hints: ["Count on from {a}."]', 'hints: &h ["Count on from {a}."]').replace(
        'worked_solution: ["{a} + {b} = {a + b}"]', "worked_solution: *h"
    )
    assert problems_of(tmp_path, COURSE, items) == [
        "items/one.yaml: YAML aliases (*name) are not supported: write the data out"
    ]


def test_missing_or_foreign_paths(tmp_path: Path) -> None:
    assert validate_package(tmp_path / "nothing") == [f"{tmp_path / 'nothing'}: no such folder or file"]
    (tmp_path / "notes.txt").write_text("hello")
    assert "neither a folder" in validate_package(tmp_path / "notes.txt")[0]
    (tmp_path / "empty").mkdir()
    assert validate_package(tmp_path / "empty")[0].endswith(
        "no course file (course.yaml, course.yml, course.json)"
    )


# ---------------------------------------------------------------------------------------------- zip safety


def zip_with(tmp_path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    archive = tmp_path / "course.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for info, data in entries:
            zipped.writestr(info, data)
    return archive


def course_entries(tmp_path: Path) -> list[tuple[zipfile.ZipInfo | str, bytes]]:
    folder = tiny(tmp_path)
    return [(p.relative_to(folder).as_posix(), p.read_bytes()) for p in folder.rglob("*") if p.is_file()]


@pytest.mark.parametrize("name", ["/etc/passwd", "../evil.yaml", "items/../../evil.yaml", "C:\\evil.yaml"])
def test_zip_paths_that_escape_are_refused(tmp_path: Path, name: str) -> None:
    archive = zip_with(tmp_path, [*course_entries(tmp_path), (name, b"x")])
    found = validate_package(archive)
    assert len(found) == 1 and "refused" in found[0]


def test_zip_symlinks_are_refused(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("items/link.yaml")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = zip_with(tmp_path, [*course_entries(tmp_path), (link, b"/etc/passwd")])
    assert validate_package(archive) == ["course.zip: 'items/link.yaml': symbolic links are refused"]


def test_zip_bombs_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = zip_with(tmp_path, [*course_entries(tmp_path), ("items/big.yaml", b"0" * 5000)])
    assert validate_package(archive) == []  # the big file is not listed, so not read
    monkeypatch.setattr(package_module, "MAX_TOTAL_BYTES", 4000)
    assert validate_package(archive) == ["course.zip: unpacks to more than 0 MiB"]


def test_folder_symlinks_are_not_followed(tmp_path: Path) -> None:
    folder = tiny(tmp_path)
    outside = tmp_path / "outside.yaml"
    outside.write_text((folder / "items" / "one.yaml").read_text())
    (folder / "items" / "one.yaml").unlink()
    (folder / "items" / "one.yaml").symlink_to(outside)
    assert validate_package(folder) == ["items/one.yaml: symbolic links are not read"]


# ---------------------------------------------------------------------------------------------- templates


def template(**fields: Any) -> ItemTemplate:
    data: dict[str, Any] = {
        "key": "t",
        "count": 3,
        "variables": {"a": {"min": 1, "max": 9}},
        "prompt": "{a}?",
        "answer": {"correct": "{a}"},
    }
    data.update(fields)
    return ItemTemplate.parse(data, ("s",), fields.pop("kind", "numeric") if "kind" in fields else "numeric")


def texts(**computed: str) -> dict[str, str]:
    """Each computed value as the template shows it."""
    prompt = " | ".join(f"{{{k}}}" for k in computed)
    made = template(count=1, variables={}, computed=computed, prompt=prompt, answer={"correct": "1"})
    return dict(zip(computed, made.generate()[0].prompt.split(" | "), strict=True))


def test_expressions_are_exact_and_formatted() -> None:
    shown = texts(
        half="1 / 2",
        whole="12 / 4",
        tenth="0.1 + 0.2",
        mixed_="mixed(7 / 4)",
        dec_="dec(3 / 8)",
        money="dec(5 / 2, 2)",
        plural_="plural(3, 'box', 'boxes') + ' and ' + plural(1, 'cup')",
        gcd_="gcd(12, 18) * lcm(4, 6)",
        frac_="frac(Fraction(6, 8))",
        minmax="max(1, 2 / 3) - min(3, abs(-2))",
        rounded="round(7 / 3, 1)",
        cond="'yes' if 3 / 4 > 0.7 else 'no'",
        parts="(3 / 4).denominator",
    )
    assert shown == {
        "half": "1/2", "whole": "3", "tenth": "3/10", "mixed_": "1 3/4", "dec_": "0.375", "money": "2.50",
        "plural_": "3 boxes and 1 cup", "gcd_": "72", "frac_": "3/4", "minmax": "-1", "rounded": "23/10",
        "cond": "yes", "parts": "4",
    }  # fmt: skip


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os')",
        "open('x')",
        "eval('1')",
        "[x for x in 'ab']",
        "(1).__class__",
        "lambda: 1",
        "2 ** 10 ** 9",
    ],
)
def test_expressions_cannot_escape(expression: str) -> None:
    with pytest.raises((TemplateError, TemplateErrors)):
        template(computed={"x": expression}).generate()


def test_variants_are_deterministic_and_a_larger_count_keeps_the_first_ones() -> None:
    few = template(count=4).generate()
    assert few == template(count=4).generate()
    assert template(count=7).generate()[:4] == few
    assert len({item.key for item in template(count=9).generate()}) == 9


def test_records_slugs_and_braces() -> None:
    made = template(
        count=2,
        variables={"c": {"choice": [{"noun": "pens", "n": 2}, {"noun": "cups", "n": 3}]}},
        prompt="{{literal}} {c.n} {c.noun}",
        answer={"correct": "{c.n * 2}"},
        slug="item-{c.n}",
    ).generate()
    assert sorted(i.prompt for i in made) == ["{literal} 2 pens", "{literal} 3 cups"]
    assert sorted(i.key for i in made) == ["t/item-2", "t/item-3"]
    with pytest.raises(TemplateError, match="cannot be shown"):
        template(
            count=1, variables={"c": {"choice": [{"n": 1}]}}, prompt="{c}", answer={"correct": "1"}
        ).generate()


def test_choices_are_shuffled_per_variant_and_orderings_never_come_presolved() -> None:
    items = template(
        kind="ordering",
        count=9,
        prompt="Order {a}",
        answer={"correct_choices": ["{a}", "{a + 10}", "{a + 20}"], "shuffle": True},
    ).generate()
    orders = {tuple(i.answer.choices.index(c) for c in i.answer.correct_choices) for i in items}
    assert len(orders) >= 2 and (0, 1, 2) not in orders
    assert all(check_answer(i.answer, i.answer.correct).correct for i in items)


def test_yaml_written_by_the_package_is_plain_data() -> None:
    files = package_files(RATIOS)
    course = yaml.safe_load(files["course.yaml"])
    assert course["format"] == "atpace-course" and course["item_files"][0].startswith("items/")
    first = yaml.safe_load(files[course["item_files"][0]])["templates"][0]
    assert set(first) == {"key", "skills", "kind", "description", "items"}
