"""The engine: a pure library of learner models, mastery, skill graphs and policies.

Nothing in this package imports the web, the database or the services.
"""
