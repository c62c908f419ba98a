"""Exports of attempts, mastery and grades as CSV or Parquet, with progress (docs/exports.md)."""

from atpace.services.exports.columns import KINDS, Column
from atpace.services.exports.service import (
    ACTIVE_MAX,
    CHUNK_ROWS,
    KEEP,
    Choices,
    ExportFile,
    ExportView,
    clean_expired,
    export_choices,
    export_file,
    exports_dir,
    get_export,
    list_exports,
    operator_view,
    request_export,
    request_operator_export,
    run_export,
)

__all__ = [
    "ACTIVE_MAX", "CHUNK_ROWS", "KEEP", "KINDS", "Choices", "Column", "ExportFile", "ExportView",
    "clean_expired", "export_choices", "export_file", "exports_dir", "get_export", "list_exports", "operator_view",
    "request_export", "request_operator_export", "run_export",
]  # fmt: skip
