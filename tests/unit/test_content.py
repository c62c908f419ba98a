import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from fractions import Fraction

import pytest

from atpace.content import FRACTIONS_COURSE, AnswerSpec, ItemSpec, check_answer
from atpace.content.numbers import read
from atpace.engine.graph import SkillGraph

ITEMS = FRACTIONS_COURSE.items()
SKILLS = {skill.key: skill for skill in FRACTIONS_COURSE.skills}
# multiple-choice templates whose choices may share a value on purpose (the question is about the form)
SAME_VALUE_CHOICES = {"simplify-choice", "decimals-choice", "unlike-choice", "half", "same-den-who"}
NUMBER = r"(\d+ \d+/\d+|\d+/\d+|\d+(?:\.\d+)?)"


def value(text: str) -> Fraction:
    return read(text, allow_decimal=True, allow_mixed=True).value


def by_skill() -> dict[str, list[ItemSpec]]:
    result: dict[str, list[ItemSpec]] = defaultdict(list)
    for item in ITEMS:
        for key in item.skill_keys:
            result[key].append(item)
    return result


def fingerprint(items: list[ItemSpec]) -> str:
    data = [[i.key, i.prompt, i.answer.to_dict(), i.hints, i.worked_solution, i.difficulty] for i in items]
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def test_course_shape() -> None:
    assert len(FRACTIONS_COURSE.skills) >= 20 and len(SKILLS) == len(FRACTIONS_COURSE.skills)
    assert FRACTIONS_COURSE.grades == "3-6"
    assert {skill.grade for skill in FRACTIONS_COURSE.skills} == {3, 4, 5, 6}
    for skill in FRACTIONS_COURSE.skills:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", skill.key), skill.key
        assert skill.name and skill.description.endswith(".") and skill.description.count(". ") == 0
        assert len(set(skill.prerequisites)) == len(skill.prerequisites)


def test_prerequisites_exist_form_a_dag_and_come_first() -> None:
    graph = FRACTIONS_COURSE.skill_graph()
    assert isinstance(graph, SkillGraph) and graph.find_cycle() is None
    seen: set[str] = set()
    for skill in FRACTIONS_COURSE.skills:
        for prerequisite in skill.prerequisites:
            assert prerequisite in SKILLS, (skill.key, prerequisite)
            assert prerequisite in seen, f"{skill.key} is listed before its prerequisite {prerequisite}"
            assert SKILLS[prerequisite].grade <= skill.grade
        seen.add(skill.key)
    roots = [skill.key for skill in FRACTIONS_COURSE.skills if not skill.prerequisites]
    assert roots == ["unit-fractions"]
    assert set(graph.topological_order()) == set(SKILLS)


def test_every_skill_has_twenty_distinct_items_and_a_mix_of_kinds() -> None:
    groups = by_skill()
    assert set(groups) == set(SKILLS)
    for key, items in groups.items():
        assert len({item.prompt for item in items}) >= 20, key
    kinds = Counter(item.kind for item in ITEMS)
    assert set(kinds) == {"multiple_choice", "numeric", "fraction", "short_text"}
    assert kinds["multiple_choice"] >= len(ITEMS) // 5
    assert sum(1 for key in SKILLS if len({i.kind for i in groups[key]}) >= 2) >= len(SKILLS) - 2


def test_item_keys_and_prompts_are_unique() -> None:
    keys = [item.key for item in ITEMS]
    assert len(set(keys)) == len(keys)
    assert len({item.prompt for item in ITEMS}) == len(ITEMS)
    for item in ITEMS:
        assert item.key.startswith(item.template_key + "/") and " " not in item.key


def test_templates_match_their_items() -> None:
    template_keys = [t.key for t in FRACTIONS_COURSE.templates]
    assert len(set(template_keys)) == len(template_keys)
    for template in FRACTIONS_COURSE.templates:
        items = template.generate()
        assert items and all(i.kind == template.kind and i.skill_keys == template.skill_keys for i in items)


def test_generation_is_deterministic_within_and_across_processes() -> None:
    for template in FRACTIONS_COURSE.templates[:5]:
        assert template.generate() == template.generate()
    assert FRACTIONS_COURSE.items() == ITEMS
    code = (
        "import hashlib, json; from atpace.content import FRACTIONS_COURSE as C; "
        "d=[[i.key,i.prompt,i.answer.to_dict(),i.hints,i.worked_solution,i.difficulty] for i in C.items()]; "
        "print(hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == fingerprint(ITEMS)


def test_hints_and_worked_solutions() -> None:
    for item in ITEMS:
        assert 2 <= len(item.hints) <= 3, item.key
        assert len(set(item.hints)) == len(item.hints) and all(h.strip() for h in item.hints)
        assert len(item.worked_solution) >= 2, item.key
        assert item.answer.correct in item.worked_solution[-1], item.key
        assert item.hints[0] not in item.worked_solution


def test_first_hint_does_not_give_away_a_fraction_or_decimal_answer() -> None:
    for item in ITEMS:
        correct = item.answer.correct
        if item.kind not in ("fraction", "numeric") or not re.search(r"[/.]", correct):
            continue
        token = re.compile(rf"(?<![\d/.]){re.escape(correct)}(?![\d/]|\.\d)")
        if not token.search(item.prompt):
            assert not token.search(item.hints[0]), item.key


def test_own_answer_is_correct_and_a_wrong_answer_exists() -> None:
    for item in ITEMS:
        assert check_answer(item.answer, item.answer.correct).correct, item.key
        assert AnswerSpec.from_dict(item.answer.to_dict()) == item.answer
        candidates = [*item.answer.choices, "0", "1", "7/9", "99", "zebra", "<", ">", "="]
        assert any(check_answer(item.answer, c).status == "incorrect" for c in candidates), item.key
        if item.kind in ("fraction", "numeric"):
            result = check_answer(item.answer, "3//4")
            assert result.status == "malformed" and "3//4" in result.message


def test_multiple_choice_choices() -> None:
    for item in ITEMS:
        if item.kind != "multiple_choice":
            assert not item.answer.choices
            continue
        choices = item.answer.choices
        assert 3 <= len(choices) <= 5 and item.answer.correct in choices, item.key
        assert len({c.casefold() for c in choices}) == len(choices), item.key
        values = [value(c) for c in choices if re.fullmatch(NUMBER, c)]
        if item.template_key not in SAME_VALUE_CHOICES:
            assert len(set(values)) == len(values), item.key
        assert all(v >= 0 for v in values), item.key


def test_difficulty_is_on_a_logit_scale_and_varies_within_skills() -> None:
    for key, items in by_skill().items():
        difficulties = [item.difficulty for item in items]
        assert all(-3 <= d <= 3 for d in difficulties)
        assert max(difficulties) - min(difficulties) >= 0.3, key


def test_the_first_skill_has_only_typed_answers() -> None:
    assert all(item.kind != "multiple_choice" for item in by_skill()["unit-fractions"])


def test_simplest_form_items_show_simplest_answers() -> None:
    simplest = [item for item in ITEMS if item.answer.require_simplest]
    assert {item.template_key for item in simplest} >= {"simplify", "to-mixed"}
    for item in simplest:
        result = check_answer(item.answer, item.answer.correct)
        assert result.message == "Correct!"


OPERATIONS = {
    "+": lambda x, y: x + y,
    "−": lambda x, y: x - y,
    "×": lambda x, y: x * y,
    "÷": lambda x, y: x / y,
}


def test_arithmetic_items_are_right() -> None:
    """Recompute every 'a op b = ?' item from its prompt, independently of the templates."""
    checked = 0
    for item in ITEMS:
        first_line = item.prompt.splitlines()[0]
        match = re.fullmatch(rf"{NUMBER} ([+−×÷]) {NUMBER} = \?", first_line)
        if match is None:
            continue
        expected = OPERATIONS[match.group(2)](value(match.group(1)), value(match.group(3)))
        assert value(item.answer.correct) == expected, item.key
        checked += 1
    assert checked >= 350


def test_comparison_items_are_right() -> None:
    checked = 0
    for item in ITEMS:
        match = re.search(rf"^{NUMBER} ___ {NUMBER}$", item.prompt, re.MULTILINE)
        if match is None:
            continue
        left, right = value(match.group(1)), value(match.group(2))
        assert item.answer.correct == (">" if left > right else "<" if left < right else "="), item.key
        checked += 1
    assert checked >= 90


@pytest.mark.parametrize(
    ("pattern", "template"),
    [
        (rf"Write {NUMBER} as an improper fraction\.", "to-improper"),
        (rf"Write {NUMBER} as a mixed number\.", "to-mixed"),
        (rf"Write {NUMBER} in simplest form\.", "simplify"),
        (rf"Write {NUMBER} as a decimal\.", "to-decimal"),
        (rf"Write {NUMBER} as a fraction\.", "to-fraction"),
        (rf"Which fraction is equal to {NUMBER} ÷ {NUMBER}\?", "division-choice"),
        (rf"What is {NUMBER} of {NUMBER}\?", "of-set-choice"),
    ],
)
def test_conversion_items_keep_the_value(pattern: str, template: str) -> None:
    items = [item for item in ITEMS if item.template_key == template]
    assert len(items) >= 20
    for item in items:
        match = re.fullmatch(pattern, item.prompt)
        assert match, item.prompt
        numbers = [value(g) for g in match.groups()]
        expected = (
            numbers[0] / numbers[1]
            if "÷" in pattern
            else numbers[0] * numbers[1]
            if " of " in pattern
            else numbers[0]
        )
        assert value(item.answer.correct) == expected, item.key
