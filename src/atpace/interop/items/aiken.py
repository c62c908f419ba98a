"""Aiken: one-answer multiple-choice questions in plain text, as Moodle reads them.

::

    What is 3/4 of 8?
    A) 4
    B. 6
    C) 8
    ANSWER: B

A question is its text (one line, or several lines before the first choice), then choices labelled
``A)`` or ``A.`` (a space after the label is optional), then ``ANSWER: <letter>``. Blank lines
between questions are optional. The answer letter names the choice with that label. Errors name
the line: a choice or ANSWER with no question, a question that ends before its ANSWER, fewer than
two choices, repeated labels, an answer letter no choice has.
"""

from __future__ import annotations

import re

from atpace.interop.items.report import ImportBuilder, excerpt, slug

__all__ = ["parse_aiken"]

_CHOICE = re.compile(r"^([A-Z])[.)][ \t]*(.*)$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*)$")


class _Open:
    def __init__(self, line: int, text: str) -> None:
        self.line = line
        self.text = [text]
        self.choices: list[tuple[str, str, int]] = []  # label, text, line


def _close(question: _Open, answer: str, line: int, builder: ImportBuilder) -> None:
    prompt = "\n".join(question.text)
    where = excerpt(prompt)
    letter = answer.strip()
    labels = [label for label, _, _ in question.choices]
    if len(question.choices) < 2:
        builder.problem("a question needs at least two choices", line=line, where=where)
        return
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        builder.problem(f"choice {repeated[0]} appears twice", line=line, where=where)
        return
    if not re.fullmatch(r"[A-Za-z]", letter):
        builder.problem(f"ANSWER must be one letter, not {letter!r}", line=line, where=where)
        return
    if letter.upper() not in labels:
        builder.problem(f"ANSWER {letter} names no choice ({', '.join(labels)})", line=line, where=where)
        return
    texts = [text for _, text, _ in question.choices]
    empty = [(label, n) for label, text, n in question.choices if not text]
    if empty:
        builder.problem(f"choice {empty[0][0]} has no text", line=empty[0][1], where=where)
        return
    builder.add_item(
        key=f"aiken-{slug(prompt[:60])}",
        identifier=where,
        interaction="Aiken multiple choice",
        prompt=prompt,
        answer={"kind": "multiple_choice", "correct": texts[labels.index(letter.upper())], "choices": texts},
        line=question.line,
    )


def parse_aiken(text: str, builder: ImportBuilder) -> None:
    question: _Open | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        choice = _CHOICE.match(line)
        answer = _ANSWER.match(line)
        if answer:
            if question is None:
                builder.problem("ANSWER with no question before it", line=number)
            else:
                _close(question, answer[1], number, builder)
            question = None
        elif choice:
            if question is None:
                builder.problem("a choice with no question before it", line=number)
            else:
                question.choices.append((choice[1], " ".join(choice[2].split()), number))
        elif question is not None and not question.choices:
            question.text.append(line)  # the question text goes on
        else:
            if question is not None:
                builder.problem(
                    f"the question at line {question.line} has no ANSWER line before this new question",
                    line=number,
                    where=excerpt("\n".join(question.text)),
                )
            question = _Open(number, line)
    if question is not None:
        builder.problem(
            "the last question has no ANSWER line", line=question.line, where=excerpt(question.text[0])
        )
