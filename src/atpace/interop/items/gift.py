"""GIFT, Moodle's plain-text question format, read the way Moodle's own importer reads it.

Questions are separated by blank lines (as in Moodle, also inside an answer block);
lines starting with ``//`` are comments; ``$CATEGORY:`` lines are accepted and ignored (the import's
skill decides where items go); ``::name::`` names a question (and gives its key); ``[html]``,
``[moodle]``, ``[plain]`` and ``[markdown]`` set the text format; ``\\~ \\= \\# \\{ \\} \\: \\\\``
escape control characters and ``\\n`` is a newline. The question type comes from the answer block,
in Moodle's order:

- ``{}`` essay -> ``open_response`` (general feedback, if any, is the model answer);
- ``{#...}`` numerical -> ``numeric`` when every fully-correct answer is one exact number; answers
  with a tolerance or a range are skipped (atpace checks exact values only);
- any ``~`` -> multiple choice: with an ``=`` answer, ``multiple_choice``; without, ``multiple_select``
  whose correct choices are those with a positive ``%weight%``; a missing word (text after the
  block) shows ``_____`` where the block was;
- ``=a -> b`` pairs: matching, skipped;
- ``T``/``TRUE``/``F``/``FALSE``: a ``multiple_choice`` between True and False;
- otherwise short answer -> ``short_text`` (every fully-correct ``=`` answer accepted; ``*`` wildcards
  become patterns).

Partial-credit answers (``%50%``) cannot be kept: atpace marks answers right or wrong, so they are
left out with a warning. ``####`` general feedback becomes the worked solution, not a hint, because it
usually states the answer and hints are shown before answering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from atpace.content.spec import SELECTION_SEPARATOR
from atpace.interop.items.report import NO_MODEL_ANSWER, ImportBuilder, excerpt, slug
from atpace.interop.items.text import Rendered, html_to_text, markdown_to_text, plain_text

__all__ = ["parse_gift"]

# Escaped control characters become private-use characters while the structure is read.
_ESCAPES = {
    "\\": "\ue05c",
    ":": "\ue03a",
    "#": "\ue023",
    "=": "\ue03d",
    "{": "\ue07b",
    "}": "\ue07d",
    "~": "\ue07e",
    "n": "\ue00a",
}
_UNESCAPE = str.maketrans({v: ("\n" if k == "n" else k) for k, v in _ESCAPES.items()})
_ESCAPE = re.compile(r"\\([\\:#={}~n])")
_WEIGHT = re.compile(r"^%\s*(-?\d+(?:\.\d+)?)\s*%")
_FORMATS = ("html", "moodle", "plain", "markdown")
_FEEDBACK_WARNING = "feedback on particular answers is not imported (atpace gives its own)"
_BLANK = "_____"


@dataclass(frozen=True)
class _Answer:
    text: str  # still escaped, format prefix included
    weight: float  # percent
    feedback: str


def _escape(text: str) -> str:
    return _ESCAPE.sub(lambda m: _ESCAPES[m[1]], text)


def _split_format(text: str, default: str) -> tuple[str, str]:
    match = re.match(r"^\s*\[(\w+)\]", text)
    if match and match[1].lower() in _FORMATS:
        return match[1].lower(), text[match.end() :]
    return default, text


def _weight(text: str, default: float) -> tuple[float, str]:
    match = _WEIGHT.match(text)
    if match is None:
        return default, text
    return float(match[1]), text[match.end() :]


def _split_feedback(text: str) -> tuple[str, str]:
    answer, _, feedback = text.partition("#")
    return answer.strip(), feedback.strip()


class _GiftReader:
    def __init__(self, builder: ImportBuilder) -> None:
        self.b = builder
        self.rendered: list[Rendered] = []  # texts of the current question, for image/math warnings

    # -- text -------------------------------------------------------------------------------------
    def text(self, raw: str, default_format: str) -> str:
        fmt, body = _split_format(raw.strip(), default_format)
        body = body.strip().translate(_UNESCAPE)
        if fmt == "html":
            rendered = html_to_text(body)
        elif fmt == "markdown":
            rendered = markdown_to_text(body)
        else:
            rendered = plain_text(body, html_allowed=fmt == "moodle")
        self.rendered.append(rendered)
        return rendered.text

    # -- blocks -----------------------------------------------------------------------------------
    def read(self, source: str) -> None:
        block: list[tuple[int, str]] = []
        for number, raw in enumerate(source.splitlines(), start=1):
            line = raw.strip()
            if line.startswith("//"):
                if block:
                    block.append((number, " "))  # keeps line numbers; Moodle blanks comments too
            elif line:
                block.append((number, line))
            elif block:  # a blank line ends a question, as in Moodle (even inside {...})
                self.question(block)
                block = []
        if block:
            self.question(block)

    def question(self, block: list[tuple[int, str]]) -> None:
        numbers = [n for n, _ in block]
        text = _escape("\n".join(line for _, line in block))

        def line_at(position: int) -> int:
            return numbers[min(text.count("\n", 0, max(position, 0)), len(numbers) - 1)]

        start = len(text) - len(text.lstrip())
        if text.startswith("$CATEGORY:", start):
            end = text.find("\n", start)
            if end < 0 or not text[end:].strip():
                return
            start = end + 1 + len(text[end + 1 :]) - len(text[end + 1 :].lstrip())
        first_line = line_at(start)
        name = ""
        body = start
        if text.startswith("::", start):
            close = text.find("::", start + 2)
            if close < 0:
                self.b.problem("the question name after '::' has no closing '::'", line=first_line)
                return
            name = " ".join(text[start + 2 : close].translate(_UNESCAPE).split())
            body = close + 2
        opening, closing = text.find("{", body), text.find("}", body)
        where = f"'{name}'" if name else ""
        if opening < 0 and closing < 0:
            prompt = self.text(text[body:], "moodle")
            self.b.skip(name or excerpt(prompt), "GIFT description", "text with no answer", line=first_line)
            return
        if closing < 0:
            self.b.problem("'{' without '}' (write \\{ for a brace)", line=line_at(opening), where=where)
            return
        if opening < 0 or closing < opening:
            self.b.problem(
                "'}' without '{' before it (write \\} for a brace)", line=line_at(closing), where=where
            )
            return
        extra = min(
            (p for p in (text.find("{", closing + 1), text.find("}", closing + 1)) if p >= 0), default=-1
        )
        if extra >= 0:
            self.b.problem(
                "more than one answer block: a GIFT question has one {...} (write \\{ \\} for braces)",
                line=line_at(extra),
                where=where,
            )
            return
        after = text[closing + 1 :]
        question_raw = text[body:opening] + (_BLANK + after if after.strip() else "")
        answer = text[opening + 1 : closing]
        general = ""
        if "####" in answer:
            cut = answer.rfind("####")
            answer, general = answer[:cut], answer[cut + 4 :]
        answer = answer.strip()
        fmt, _ = _split_format(question_raw.strip(), "moodle")
        self.rendered = []
        prompt = self.text(question_raw, "moodle")
        solution = self.text(general, fmt) if general.strip() else ""
        ident = name or excerpt(prompt)
        q = _Question(
            self, ident, f"gift-{slug(name or prompt[:60])}", prompt, solution, fmt, line_at(opening)
        )
        q.build(answer)
        self.b.note_rendering(self.rendered, ident)


class _Question:
    """One question's answer block, turned into an item (or a problem or a skipped entry)."""

    def __init__(
        self, reader: _GiftReader, ident: str, key: str, prompt: str, solution: str, fmt: str, line: int
    ) -> None:
        self.r, self.b = reader, reader.b
        self.ident = ident  # the question's name, or its first words
        self.key = key
        self.prompt = prompt
        self.solution = solution  # general feedback (####)
        self.fmt = fmt  # text format of the question, the default for its answers
        self.line = line

    def add(self, interaction: str, answer: dict[str, object]) -> None:
        self.b.add_item(
            key=self.key,
            identifier=self.ident,
            interaction=interaction,
            prompt=self.prompt,
            answer=answer,
            worked_solution=(self.solution,) if self.solution else (),
            line=self.line,
        )

    def problem(self, message: str) -> None:
        self.b.problem(message, line=self.line, where=f"'{self.ident}'")

    def skip(self, interaction: str, reason: str) -> None:
        self.b.skip(self.ident, interaction, reason, line=self.line)

    def build(self, answer: str) -> None:
        if not answer:
            self.add("GIFT essay", {"kind": "open_response", "correct": self.solution or NO_MODEL_ANSWER})
        elif answer.startswith("#"):
            self.numerical(answer[1:])
        elif "~" in answer:
            self.choice(answer)
        elif "=" in answer and "->" in answer:
            self.skip("GIFT matching", "matching questions cannot be scored by atpace")
        elif _split_feedback(answer)[0] in ("T", "TRUE", "F", "FALSE"):
            self.true_false(answer)
        else:
            self.short_answer(answer)

    def answers(self, pieces: list[str], default_weight: float) -> list[_Answer]:
        result = []
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            weight, rest = _weight(piece, default_weight)
            text, feedback = _split_feedback(rest)
            result.append(_Answer(text, weight, feedback))
        return result

    def note(self, answers: list[_Answer], *, full: float = 100.0) -> None:
        if any(a.feedback for a in answers):
            self.b.group_warning(_FEEDBACK_WARNING, self.ident)
        partial = [a for a in answers if 0 < a.weight < full]
        if partial:
            listed = ", ".join(f"'{self.r.text(a.text, self.fmt)}' ({a.weight:g}%)" for a in partial)
            self.b.warn(
                f"partial credit is not imported: {listed} now counts as wrong",
                line=self.line,
                where=self.ident,
            )

    def choice(self, block: str) -> None:
        single = "=" in block
        pieces = block.replace("=", "~=").split("~")
        answers = []
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            if piece.startswith("="):
                weight, rest = _weight(piece[1:], 100.0)
            else:
                weight, rest = _weight(piece, 0.0)
            text, feedback = _split_feedback(rest)
            answers.append(_Answer(text, weight, feedback))
        if len(answers) < 2:
            self.problem("a multiple-choice question needs at least two answers")
            return
        texts = [self.r.text(a.text, self.fmt) for a in answers]
        if single:
            right = [t for t, a in zip(texts, answers, strict=True) if a.weight >= 100]
            if not right:
                self.problem("no answer is fully correct (=)")
                return
            if len(right) > 1:
                self.skip(
                    "GIFT multiple choice", "more than one fully correct answer in a one-answer question"
                )
                return
            self.note(answers)
            self.add(
                "GIFT multiple choice", {"kind": "multiple_choice", "correct": right[0], "choices": texts}
            )
            return
        right = [t for t, a in zip(texts, answers, strict=True) if a.weight > 0]
        if not right:
            self.problem("no answer has a positive weight (~%50%...)")
            return
        if any(a.feedback for a in answers):
            self.b.group_warning(_FEEDBACK_WARNING, self.ident)
        self.add(
            "GIFT multiple answers",
            {
                "kind": "multiple_select",
                "correct": SELECTION_SEPARATOR.join(right),
                "choices": texts,
                "correct_choices": right,
            },
        )

    def true_false(self, block: str) -> None:
        value, _, feedback = block.partition("#")
        if feedback.strip("# \n"):
            self.b.group_warning(_FEEDBACK_WARNING, self.ident)
        correct = "True" if value.strip() in ("T", "TRUE") else "False"
        self.add(
            "GIFT true/false", {"kind": "multiple_choice", "correct": correct, "choices": ["True", "False"]}
        )

    def short_answer(self, block: str) -> None:
        answers = self.answers(block.split("="), 100.0)
        if not answers:
            self.problem("a short-answer question needs an answer")
            return
        self.note([a for a in answers if a.text.strip() != "*"])
        accepted = [self.r.text(a.text, self.fmt) for a in answers if a.weight >= 100]
        if not accepted:
            self.problem("no answer is fully correct")
            return
        exact = [t for t in accepted if "*" not in t]
        wildcards = [t for t in accepted if "*" in t]
        data: dict[str, object] = {"kind": "short_text", "correct": (exact or wildcards)[0]}
        if exact[1:]:
            data["alternatives"] = exact[1:]
        if wildcards:  # Moodle's * matches any characters
            data["patterns"] = [".*".join(re.escape(part) for part in w.split("*")) for w in wildcards]
        self.add("GIFT short answer", data)

    def numerical(self, block: str) -> None:
        block, _, wrong = block.partition("~")  # '~' starts feedback for any wrong answer
        if wrong.strip():
            self.b.group_warning(_FEEDBACK_WARNING, self.ident)
        answers = self.answers(block.split("="), 100.0)
        if not answers:
            self.problem("a numerical question needs a number after '#'")
            return
        self.note(answers)
        exact: list[tuple[Decimal, str]] = []
        inexact: list[str] = []
        for a in [a for a in answers if a.weight >= 100]:
            text = a.text.translate(_UNESCAPE).strip()
            low, dots, high = text.partition("..")
            value, colon, tolerance = text.partition(":")
            try:
                if dots and low.strip():
                    lo, hi = Decimal(low.strip()), Decimal(high.strip())
                    if lo == hi:
                        exact.append((lo, low.strip()))
                    else:
                        inexact.append(f"{low.strip()}..{high.strip()}")
                elif colon and value.strip():
                    number, margin = Decimal(value.strip()), Decimal(tolerance.strip())
                    if margin == 0:
                        exact.append((number, value.strip()))
                    else:
                        inexact.append(f"{value.strip()} ± {tolerance.strip()}")
                else:
                    exact.append((Decimal(text), text))
            except InvalidOperation:
                self.problem(f"{text!r} is not a number")
                return
            if not all(d.is_finite() for d, _ in exact):
                self.problem(f"{text!r} is not a number")
                return
        if not exact and not inexact:
            self.problem("no answer is fully correct")
        elif inexact:
            self.skip("GIFT numerical", f"accepts {', '.join(inexact)}: atpace checks exact numbers only")
        elif len({d for d, _ in exact}) > 1:
            self.skip("GIFT numerical", "several different exact answers: atpace accepts one number")
        else:
            self.add("GIFT numerical", {"kind": "numeric", "correct": exact[0][1]})


def parse_gift(text: str, builder: ImportBuilder) -> None:
    _GiftReader(builder).read(text)
