"""Generate a OneRoster 1.2 CSV package of a given size, and time reading it.

usage: python benchmarks/gen_oneroster.py --out DIR [--users 10000] [--classes 400] [--enrollments 30000]
                                          [--seed 7] [--demographics] [--delta] [--read]

Writes a bulk 1.2 package (manifest, orgs, academicSessions, courses, classes, users, roles, enrollments,
and demographics with ``--demographics``) to DIR, or to a zip when DIR ends in ``.zip``. One district, one
school; about one teacher per two classes, five admins, the rest students, each class with one teacher and
students spread evenly. Output is deterministic for a seed and sizes.

``--delta`` writes instead the delta package that follows that bulk one (same seed and sizes): 1% of the
students renamed, 0.5% marked tobedeleted with their enrolments, and 20 new students each enrolled in three
classes. ``--read`` then times ``read_roster`` on what was written (median of three) and prints the counts.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import time
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from atpace.interop.oneroster import read_roster
from atpace.interop.oneroster.spec import TABLE_SPECS

TABLES_12 = (
    "orgs",
    "academicSessions",
    "courses",
    "classes",
    "users",
    "roles",
    "enrollments",
    "demographics",
)
UNUSED_12 = (
    "categories",
    "classResources",
    "courseResources",
    "lineItemLearningObjectiveIds",
    "lineItems",
    "lineItemScoreScales",
    "resources",
    "resultLearningObjectiveIds",
    "results",
    "resultScoreScales",
    "scoreScales",
    "userProfiles",
    "userResources",
)
GIVEN = (
    "Ada",
    "Ben",
    "Chloé",
    "Dmitri",
    "Eve",
    "Farah",
    "Gus",
    "Hana",
    "Ivo",
    "Jun",
    "Kofi",
    "Lena",
    "Mateo",
    "Nia",
)
FAMILY = (
    "Abara",
    "Brown",
    "Chen",
    "D'Souza",
    "Eriksen",
    "García",
    "Huang",
    "Ivanova",
    "Jones",
    "Kaur",
    "Lee",
)
SUBJECTS = ("Mathematics", "Science", "English", "History", "Art", "Music")
SCHOOL = "org-school-1"
DISTRICT = "org-district-1"
YEAR = "as-2025"
TERMS = ("as-2025-t1", "as-2025-t2")
STAMP = "2025-09-01T08:00:00.000Z"


def csv_text(table: str, rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TABLE_SPECS[(table, "1.2")].columns)
    writer.writerows(rows)
    return out.getvalue()


class Plan:
    """Who is who, derived from the sizes and the seed alone, so that bulk and delta agree."""

    def __init__(self, users: int, classes: int, enrollments: int, seed: int) -> None:
        if classes < 1 or users < classes // 2 + 6 or enrollments < classes:
            raise SystemExit(
                "need at least one class, a teacher per two classes plus a few students, and an enrolment per class"
            )
        self.rng = random.Random(seed)
        self.n_classes = classes
        self.admins = [f"usr-a{i:03d}" for i in range(5)]
        self.teachers = [f"usr-t{i:04d}" for i in range((classes + 1) // 2)]
        self.students = [f"usr-s{i:06d}" for i in range(users - len(self.admins) - len(self.teachers))]
        self.classes = [f"cls-{i:04d}" for i in range(classes)]
        self.courses = [f"crs-{i:03d}" for i in range(max(1, classes // 10))]
        per_student, extra = divmod(enrollments - classes, len(self.students))
        if per_student + (extra > 0) > classes:
            raise SystemExit("more enrolments than students times classes")
        self.enrolled: list[tuple[str, str, str]] = [  # (user, class, role)
            (self.teachers[i // 2], klass, "teacher") for i, klass in enumerate(self.classes)
        ]
        for index, student in enumerate(self.students):
            count = per_student + (index < extra)
            self.enrolled += [(student, klass, "student") for klass in self.rng.sample(self.classes, count)]

    def name(self, user: str) -> tuple[str, str]:
        number = int(user[5:])
        return GIVEN[number % len(GIVEN)], FAMILY[(number // len(GIVEN)) % len(FAMILY)]

    def user_row(self, user: str, status: str = "", stamp: str = "", given: str | None = None) -> list[str]:
        first, last = self.name(user)
        first = given or first
        grade = "07" if user.startswith("usr-s") else ""
        handle = user.removeprefix("usr-")
        return [
            user,
            status,
            stamp,
            "true",
            handle,
            f"{{LDAP:{handle}}}",
            first,
            last,
            "",
            handle,
            f"{handle}@school.example",
            "",
            "",
            "",
            grade,
            "",
            "",
            "",
            "",
            "",
            "",
            SCHOOL,
            "",
        ]

    def role_row(self, user: str, status: str = "", stamp: str = "") -> list[str]:
        role = (
            "student"
            if user.startswith("usr-s")
            else "teacher"
            if user.startswith("usr-t")
            else "siteAdministrator"
        )
        return [f"rol-{user[4:]}", status, stamp, user, "primary", role, "", "", SCHOOL, ""]


def bulk(plan: Plan, demographics: bool) -> dict[str, str]:
    users = plan.admins + plan.teachers + plan.students
    files = {
        "orgs": csv_text(
            "orgs",
            [
                [DISTRICT, "", "", "Riverside District", "district", "RD-1", ""],
                [SCHOOL, "", "", "Riverside Middle School", "school", "RMS-1", DISTRICT],
            ],
        ),
        "academicSessions": csv_text(
            "academicSessions",
            [
                [YEAR, "", "", "2025-2026", "schoolYear", "2025-09-01", "2026-07-01", "", "2026"],
                [TERMS[0], "", "", "Autumn term", "term", "2025-09-01", "2026-02-01", YEAR, "2026"],
                [TERMS[1], "", "", "Spring term", "term", "2026-02-01", "2026-07-01", YEAR, "2026"],
            ],
        ),
        "courses": csv_text(
            "courses",
            [
                [
                    course,
                    "",
                    "",
                    YEAR,
                    f"{SUBJECTS[i % len(SUBJECTS)]}, grade 7",
                    f"C{i:03d}",
                    "07",
                    SCHOOL,
                    SUBJECTS[i % len(SUBJECTS)],
                    "",
                ]
                for i, course in enumerate(plan.courses)
            ],
        ),
        "classes": csv_text(
            "classes",
            [
                [
                    klass,
                    "",
                    "",
                    f"Group {i:03d}",
                    "07",
                    plan.courses[i % len(plan.courses)],
                    f"G{i:03d}",
                    "scheduled",
                    f"Room {i % 40}",
                    SCHOOL,
                    ",".join(TERMS),
                    SUBJECTS[i % len(plan.courses) % len(SUBJECTS)],
                    "",
                    str(i % 6 + 1),
                ]
                for i, klass in enumerate(plan.classes)
            ],
        ),
        "users": csv_text("users", [plan.user_row(user) for user in users]),
        "roles": csv_text("roles", [plan.role_row(user) for user in users]),
        "enrollments": csv_text(
            "enrollments",
            [
                [
                    f"enr-{i:06d}",
                    "",
                    "",
                    klass,
                    SCHOOL,
                    user,
                    role,
                    "true" if role == "teacher" else "",
                    "",
                    "",
                ]
                for i, (user, klass, role) in enumerate(plan.enrolled)
            ],
        ),
    }
    if demographics:
        rng = random.Random(1)
        files["demographics"] = csv_text(
            "demographics",
            [
                [
                    student,
                    "",
                    "",
                    f"{2012 + rng.randrange(2)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                    rng.choice(("female", "male", "")),
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    rng.choice(("true", "false", "")),
                    "",
                    "",
                    "",
                    "",
                ]
                for student in plan.students
            ],
        )
    return files


def delta(plan: Plan) -> dict[str, str]:
    rng = random.Random(2)
    students = plan.students
    renamed = rng.sample(students, max(1, len(students) // 100))
    leaving = rng.sample(sorted(set(students) - set(renamed)), max(1, len(students) // 200))
    new = [f"usr-s{len(students) + i:06d}" for i in range(20)]
    users = [plan.user_row(u, "active", STAMP, given=f"{plan.name(u)[0]}-Renamed") for u in renamed]
    users += [plan.user_row(u, "tobedeleted", STAMP) for u in leaving]
    users += [plan.user_row(u, "active", STAMP) for u in new]
    roles = [plan.role_row(u, "tobedeleted", STAMP) for u in leaving] + [
        plan.role_row(u, "active", STAMP) for u in new
    ]
    gone = set(leaving)
    enrollments = [
        [f"enr-{i:06d}", "tobedeleted", STAMP, klass, SCHOOL, user, role, "", "", ""]
        for i, (user, klass, role) in enumerate(plan.enrolled)
        if user in gone
    ]
    enrollments += [
        [f"enr-n{i:03d}{k}", "active", STAMP, klass, SCHOOL, user, "student", "", "", ""]
        for i, user in enumerate(new)
        for k, klass in enumerate(rng.sample(plan.classes, 3))
    ]
    return {
        "users": csv_text("users", users),
        "roles": csv_text("roles", roles),
        "enrollments": csv_text("enrollments", enrollments),
    }


def manifest(files: dict[str, str], mode: str) -> str:
    rows = [["manifest.version", "1.0"], ["oneroster.version", "1.2"]]
    rows += [[f"file.{name}", mode if name in files else "absent"] for name in sorted(TABLES_12 + UNUSED_12)]
    rows += [["source.systemName", "atpace gen_oneroster"], ["source.systemCode", "gen"]]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([["propertyName", "value"], *rows])
    return out.getvalue()


def write(out: Path, files: dict[str, str], mode: str) -> None:
    contents = {"manifest.csv": manifest(files, mode)} | {f"{name}.csv": text for name, text in files.items()}
    if out.suffix == ".zip":
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in contents.items():
                archive.writestr(name, text.encode("utf-8"))
        return
    out.mkdir(parents=True, exist_ok=True)
    for name, text in contents.items():
        (out / name).write_bytes(text.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--classes", type=int, default=400)
    parser.add_argument("--enrollments", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--demographics", action="store_true")
    parser.add_argument("--delta", action="store_true")
    parser.add_argument("--read", action="store_true", help="time read_roster on the package (median of 3)")
    args = parser.parse_args()
    plan = Plan(args.users, args.classes, args.enrollments, args.seed)
    files = delta(plan) if args.delta else bulk(plan, args.demographics)
    write(args.out, files, "delta" if args.delta else "bulk")
    print(
        f"wrote {args.out}: " + ", ".join(f"{name} {text.count(chr(10)) - 1}" for name, text in files.items())
    )
    if args.read:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            roster = read_roster(args.out)
            times.append(time.perf_counter() - start)
        print(
            f"read_roster: median {statistics.median(times):.3f} s of {', '.join(f'{t:.3f}' for t in times)};"
            f" {len(roster.users)} users, {len(roster.classes)} classes, {len(roster.enrollments)} enrolments,"
            f" {len(roster.problems)} problems, {len(roster.warnings)} warnings"
        )
        for issue in (roster.problems + roster.warnings)[:10]:
            print(f"  {issue}")


if __name__ == "__main__":
    main()
