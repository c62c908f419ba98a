"""The xAPI words atpace uses: verbs, activity types and extensions (docs/xapi.md shows these tables).

Standard words come from the ADL vocabulary, Activity Streams and the Tin Can registry; where none says what
atpace means (mastery lost, a goal set, a student's goal, the learner-model figures), the IRI is atpace's
own, under :data:`ATPACE`. Activity ids are built under the school's home page, so they are the school's.
"""

from __future__ import annotations

from dataclasses import dataclass

ATPACE = "https://w3id.org/atpace/xapi"
LANGUAGE = "en-US"


@dataclass(frozen=True)
class Verb:
    name: str  # our short name: the outbox's ``verb`` column
    iri: str
    display: str
    meaning: str


VERBS: dict[str, Verb] = {
    verb.name: verb
    for verb in (
        Verb("answered", "http://adlnet.gov/expapi/verbs/answered", "answered",
             "A student answered a practice item (result: right or wrong, time, hints, mastery after)"),
        Verb("mastered", "http://adlnet.gov/expapi/verbs/mastered", "mastered",
             "A skill's mastery rose above the course's threshold"),
        Verb("lost-mastery", f"{ATPACE}/verbs/lost-mastery", "lost mastery of",
             "A skill's mastery fell back below the course's threshold"),
        Verb("submitted", "http://activitystrea.ms/schema/1.0/submit", "submitted",
             "A student handed in a version of their work on an assignment (or a project step)"),
        Verb("scored", "http://adlnet.gov/expapi/verbs/scored", "scored",
             "A teacher graded a submission (result: rubric points, when the assignment has a rubric)"),
        Verb("set-goal", f"{ATPACE}/verbs/set-goal", "set the goal",
             "A student set a goal (skills to master by a date, or practice minutes per week)"),
        Verb("completed", "http://adlnet.gov/expapi/verbs/completed", "completed",
             "A student met a goal and reflected on it (result: success, completion)"),
    )
}  # fmt: skip

# Activity types
ITEM = "http://adlnet.gov/expapi/activities/cmi.interaction"
SKILL = "http://adlnet.gov/expapi/activities/objective"
COURSE = "http://adlnet.gov/expapi/activities/course"
ASSIGNMENT = "http://id.tincanapi.com/activitytype/school-assignment"
GOAL = f"{ATPACE}/activities/goal"

ACTIVITY_TYPES: dict[str, tuple[str, str]] = {
    "item": (ITEM, "A practice item (question); id {home}/xapi/items/{item id}"),
    "skill": (SKILL, "A skill of a course; id {home}/xapi/courses/{course key}/skills/{skill key}"),
    "course": (COURSE, "A course, the parent of items and skills; id {home}/xapi/courses/{course key}"),
    "assignment": (ASSIGNMENT, "An assignment (task or project); id {home}/xapi/assignments/{assignment id}"),
    "goal": (GOAL, "A student's goal; id {home}/xapi/goals/{goal id}"),
}

# Extensions (all atpace's own)
EXT = f"{ATPACE}/extensions"
EVIDENCE_KIND = f"{EXT}/evidence-kind"  # context: practice, check, rubric, placement, comprehension
MASTERY = f"{EXT}/mastery"  # result: {"skill", "before", "after", "threshold"} or, for an answer, per skill
SKILLS = f"{EXT}/skills"  # context: the skill keys the item or goal is about
HINTS_USED = f"{EXT}/hints-used"  # result
CONFIDENCE = f"{EXT}/confidence"  # result: the student's own 1-4 rating, when given
SUBMISSION = f"{EXT}/submission"  # result: {"version", "step", "late"}
DECISION = f"{EXT}/decision"  # result: "graded"
GOAL_DETAIL = f"{EXT}/goal"  # object definition: {"kind", "due_on", "minutes_per_week"}

EXTENSIONS: dict[str, str] = {
    EVIDENCE_KIND: "context: the evidence kind that moved mastery (practice, check, rubric, placement, ...)",
    MASTERY: "result: the learner model's P(learned) before and after, with the course's mastery threshold",
    SKILLS: "context: the keys of the skills an item practises or a goal names",
    HINTS_USED: "result: hints the student opened before answering",
    CONFIDENCE: "result: the student's confidence in the answer, 1 (guess) to 4 (sure), when given",
    SUBMISSION: "result: the version handed in, the project step (0: the final work) and whether it was late",
    DECISION: "result: the teacher's decision (graded)",
    GOAL_DETAIL: "object definition: the goal's kind (skills or time), date and minutes per week",
}
