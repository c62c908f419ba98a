"""The adaptive policy: pure decisions on top of the learner model (docs/policy.md).

- progression: mastery threshold, frontier, teacher unlock/lock overrides
- modes: standard / challenge / support and their target success
- selection: the unseen item whose predicted success is nearest the target
- recommendation: ranked next activities, each with a plain-language reason
- review: spaced review of mastered skills with FSRS (``fsrs`` library)
- placement: adaptive placement test (2PL, catsim selection, mirt EAP) combined with the skill graph
- attention: who needs the teacher now (stuck, inactive, ready for a mastery check)
- checks: when a student may take a mastery check, which items it asks and whether it passed
"""

from atpace.engine.policy.attention import AnswerRecord, AttentionRule, CheckReadiness, StuckReason
from atpace.engine.policy.modes import DEFAULT_TARGETS, MODES, Mode, ModeConfig, ModeDecision, choose_mode
from atpace.engine.policy.placement import (
    Placement,
    PlacementBank,
    PlacementConfig,
    PlacementResult,
    PlacementState,
    SkillCalibration,
    calibrate,
)
from atpace.engine.policy.progression import (
    DEFAULT_MASTERY_THRESHOLD,
    MASTERY_THRESHOLD_RANGE,
    OVERRIDE_ACTIONS,
    SKILL_STATES,
    MasteryRule,
    Override,
    OverrideAction,
    Progress,
    SkillState,
    apply_override,
    awaiting_check,
    progress,
)
from atpace.engine.policy.recommendation import Recommendation, RecommendationKind, choose, recommend
from atpace.engine.policy.review import (
    SITTING,
    Confidence,
    DueReview,
    ReviewPolicy,
    ReviewState,
    due_reviews,
    rating_for,
    review_slot,
)
from atpace.engine.policy.selection import Candidate, Selection, item_params, predicted_success, select_item

__all__ = [
    "DEFAULT_MASTERY_THRESHOLD",
    "DEFAULT_TARGETS",
    "MASTERY_THRESHOLD_RANGE",
    "MODES",
    "OVERRIDE_ACTIONS",
    "SITTING",
    "SKILL_STATES",
    "AnswerRecord",
    "AttentionRule",
    "Candidate",
    "CheckReadiness",
    "Confidence",
    "DueReview",
    "MasteryRule",
    "Mode",
    "ModeConfig",
    "ModeDecision",
    "Override",
    "OverrideAction",
    "Placement",
    "PlacementBank",
    "PlacementConfig",
    "PlacementResult",
    "PlacementState",
    "Progress",
    "Recommendation",
    "RecommendationKind",
    "ReviewPolicy",
    "ReviewState",
    "Selection",
    "SkillCalibration",
    "SkillState",
    "StuckReason",
    "apply_override",
    "awaiting_check",
    "calibrate",
    "choose",
    "choose_mode",
    "due_reviews",
    "item_params",
    "predicted_success",
    "progress",
    "rating_for",
    "recommend",
    "review_slot",
    "select_item",
]
