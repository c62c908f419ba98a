"""Student agency (issue 11): goals, self-assessment and calibration, the reflection journal, turned-around
mistakes. One module per use case; the JSON API and the pages call the same functions."""
