"""Assignments: practice to mastery, open tasks and projects, their submissions, extensions and feedback."""
