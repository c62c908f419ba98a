"""The equity report (issue 12, section 7; docs/equity.md): outcomes and teacher attention by the subgroups a
school chooses to record, small groups suppressed.

- :mod:`.categories`: the categories a school may record and how OneRoster demographics map to them;
- :mod:`.subgroups`: which categories the school records and each student's value (administrators);
- :mod:`.report`: the numbers per subgroup, for the school or one class.
"""

from __future__ import annotations

from atpace.services.equity.categories import CATEGORIES, NOT_RECORDED, Category
from atpace.services.equity.report import (
    MIN_GROUP,
    CategoryReport,
    EquityReport,
    GroupRow,
    Measures,
    Period,
    class_report,
    period,
    school_report,
    suppress,
)
from atpace.services.equity.subgroups import (
    chosen,
    import_values_csv,
    set_categories,
    set_value,
    student_values,
    summary,
)

__all__ = [
    "CATEGORIES", "MIN_GROUP", "NOT_RECORDED", "Category", "CategoryReport", "EquityReport", "GroupRow",
    "Measures", "Period", "chosen", "class_report", "import_values_csv", "period", "school_report",
    "set_categories", "set_value", "student_values", "summary", "suppress",
]  # fmt: skip
