"""Input limits, declared once: the services check them, the API schemas and page forms declare them.

They follow the columns: ids are BIGINT (64-bit) everywhere, texts fit their String lengths.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1  # the largest BIGINT
KEY_MAX = 64  # skill keys, client attempt ids
RESPONSE_MAX = 500  # a typed answer (attempts.response)
REASON_MAX = 300  # a teacher's reason (skill_overrides.reason, practice_mode_settings.reason)
NAME_MAX = 120  # display names, class names, token names
EMAIL_MAX = 254
PASSWORD_MAX = 200
DURATION_MAX_MS = 86_400_000  # one day
CONFIDENCE_MIN, CONFIDENCE_MAX = 1, 4
HINTS_MAX = 20
EXCLUDE_MAX = 200  # item ids a client may ask to skip
URL_MAX = 500  # a same-site "next" address after login
CSV_MAX_BYTES = 2_000_000  # an uploaded users CSV
CSV_MAX_ROWS = 2_000  # users per CSV file
JOIN_CODE_MAX = 32  # what a student may type as a class join code (spaces and dashes allowed)
MAX_CHOICES = 12  # choices of one item (atpace.content.spec.MAX_CHOICES)
TITLE_MAX = 200  # assignment, rubric, strategy and group titles
TEXT_MAX = 20_000  # a written answer, instructions, a comment, a description
COMMENT_MAX = 5_000  # a comment on a criterion, a message
UPLOAD_MAX_BYTES = 10 * 1024 * 1024  # one uploaded file
UPLOADS_PER_SUBMISSION = 5
FILE_NAME_MAX = 200
