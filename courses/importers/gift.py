"""Read Moodle GIFT question files into Docere questions.

Docere grades three kinds of question: single-answer, multiple-answer (graded by
per-option weights) and true/false.  Everything else GIFT can express is refused
with an error that names the line the question starts on.  Errors are collected
across the whole file and raised together, so an author can fix a file in one
pass instead of one upload per mistake.

The format is documented at https://docs.moodle.org/en/GIFT_format; where the
documentation is silent, this follows what Moodle's own importer does.  Stems, feedback
and explanations are returned as Markdown, answer options as plain text (which is how
Docere shows them); see courses.importers.gift_text.  What Docere cannot keep (categories,
Moodle tags, HTML outside the allow-list, formatting in options) does not stop an import
but is listed as a warning with its line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from courses.importers.gift_questions import parse_question
from courses.importers.gift_text import Notes, label, protect
from courses.importers.parsed_questions import ParsedQuestion


@dataclass(frozen=True)
class GiftError:
    """An error (the file is refused) or a warning (something in it is ignored), with its line."""

    line: int
    message: str


@dataclass(frozen=True)
class GiftFile:
    questions: tuple[ParsedQuestion, ...]
    # What Docere leaves out or changes (categories, removed HTML, …); an import with
    # warnings only still succeeds, and they are reported apart from errors.
    warnings: tuple[GiftError, ...]


class GiftImportError(Exception):
    def __init__(self, errors: list[GiftError], *, warnings: Sequence[GiftError] = ()):
        self.errors = list(errors)
        self.warnings = list(warnings)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"line {e.line}: {e.message}" for e in self.errors)


# --- Splitting the file into questions --------------------------------------
_CATEGORY_RE = re.compile(r"[ \t]*\$CATEGORY:(.*)", re.IGNORECASE)
_ID_OR_TAG_RE = re.compile(r"\[(?:id|tag):", re.IGNORECASE)


def _blocks(text: str):
    """Yield ("category", line, value), ("id_or_tag", line, comment) and ("question", line,
    text) in file order.

    Questions are separated by blank lines.  A comment line does NOT separate
    questions (Moodle only drops it), so it is skipped without ending the
    current question.  Moodle wants $CATEGORY in a block of its own; here a
    $CATEGORY line also ends the question before it, which is what an author
    who forgot the blank line meant.
    """
    lines: list[str] = []
    start = 0
    # Split on line endings only: str.splitlines() also splits on form feeds
    # and Unicode separators, which would make line numbers disagree with editors.
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        stripped = line.strip()
        category = _CATEGORY_RE.match(line)
        if not stripped or category:
            if lines:
                yield "question", start, "\n".join(lines)
            lines = []
            if category:
                yield "category", number, category[1]
        elif stripped.startswith("//"):
            # Moodle 4 reads a question's ID number and tags from its comments.
            if _ID_OR_TAG_RE.search(stripped):
                yield "id_or_tag", number, stripped
            continue
        else:
            if not lines:
                start = number
            lines.append(line)
    if lines:
        yield "question", start, "\n".join(lines)


# --- Public entry point -----------------------------------------------------
def read_gift(text: str) -> GiftFile:
    """Parse a whole GIFT file: its questions and what of it Docere ignores, or raise
    GiftImportError listing EVERY error found (not just the first)."""
    text = text.removeprefix("\ufeff")  # byte-order mark left by some Windows editors
    questions: list[ParsedQuestion] = []
    errors: list[GiftError] = []
    warnings: list[GiftError] = []
    category = ""
    found_any = False
    for kind, line, payload in _blocks(text):
        if kind == "category":
            category = label(protect(payload))
            warnings.append(
                GiftError(
                    line,
                    f"$CATEGORY {category} is ignored: Docere has no question "
                    "categories, so every question goes into this course's "
                    "post-test bank",
                )
            )
            continue
        if kind == "id_or_tag":
            warnings.append(
                GiftError(line, "the ID number and tags in this comment are ignored: Docere questions have neither")
            )
            continue
        found_any = True
        notes = Notes()
        question = parse_question(payload, line, category, notes)
        errors.extend(GiftError(line, message) for message in notes.errors)
        warnings.extend(GiftError(line, message) for message in notes.warnings)
        if question is not None:
            questions.append(question)
    if not found_any:
        errors.append(
            GiftError(
                1, "the file contains no questions; write at least one question such as: What is 2 + 2? {=4 ~3 ~5}"
            )
        )
    warnings.sort(key=lambda warning: warning.line)
    if errors:
        raise GiftImportError(errors, warnings=warnings)
    return GiftFile(questions=tuple(questions), warnings=tuple(warnings))


def parse_gift(text: str) -> list[ParsedQuestion]:
    """The questions of a GIFT file (see read_gift)."""
    return list(read_gift(text).questions)
