"""Choice in showing mastery: choice boards (``boards``) and students' passion projects (``projects``).

Both reuse the teacher's-week machinery: the school's rubrics (``services.rubrics``), uploads
(``services.files``), rubric levels as evidence of kind ``rubric`` through the one path
(``services.evidence.Ledger``) and in-app messages. Rules: docs/choices.md.
"""
