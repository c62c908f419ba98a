"""Interop formats (xAPI, LTI, QTI, GIFT, OneRoster, CASE): parsing and building them, with no database code."""
