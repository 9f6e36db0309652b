"""One GIFT question: its title, stem and answer block, as a single-answer, multiple-answer or
true/false ParsedQuestion; every other kind GIFT can express is refused with a message that
says what Docere grades instead."""

from __future__ import annotations

import re
from decimal import Decimal

from courses.importers.gift_text import (
    BLANK_MARK,
    Notes,
    as_markdown,
    label,
    option_text,
    piece_as_markdown,
    protect,
    split_format,
)
from courses.importers.parsed_questions import TITLE_MAX_LENGTH, ParsedOption, ParsedQuestion

SUPPORTED = "(Docere grades single-answer, multiple-answer and true/false questions)"


# --- Parsing one question ---------------------------------------------------
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_WEIGHT_RE = re.compile(r"%([^%\s]*)%")
_NUMBER_RE = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
_ESCAPE_HINT = "a literal = or ~ inside text must be escaped as \\= or \\~"


def _unsupported(kind: str, hint: str = "") -> str:
    return f"{kind} questions are not supported {SUPPORTED}" + (f"; {hint}" if hint else "")


def parse_question(raw: str, line: int, category: str, notes: Notes):
    errors = notes.errors
    text = protect(raw).strip()

    title = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            errors.append(
                "the title starts with :: but is never closed with ::; close it, or escape a literal colon as \\:"
            )
            return None
        title, text = label(text[2:end]), text[end + 2 :].lstrip()
        if len(title) > TITLE_MAX_LENGTH:
            # Moodle shortens long names too; the author is told, since the end is lost.
            notes.warnings.append(
                f"the title is {len(title)} characters long; only its first {TITLE_MAX_LENGTH} are kept"
            )
            title = title[:TITLE_MAX_LENGTH].rstrip()

    fmt, text = split_format(text, "moodle", notes)

    opens, closes = text.count("{"), text.count("}")
    if not opens and not closes:
        errors.append(
            f"this item has no answer block in {{ }}, so it is a description; "
            f"descriptions are not supported {SUPPORTED}"
        )
        return None
    if not closes:
        errors.append(
            "the answer block is never closed: add the missing } (a blank line "
            "ends a question, so an answer block cannot contain blank lines)"
        )
        return None
    if not opens:
        errors.append("there is a } with no answer block opened by {; escape a literal brace as \\}")
        return None
    if opens > 1 or closes > 1 or text.index("}") < text.index("{"):
        errors.append(
            f"the braces are unbalanced ({opens} {{ and {closes} }}): a question "
            "has exactly one answer block, literal braces must be escaped as \\{ "
            "and \\}, and two questions must be separated by a blank line"
        )
        return None

    start, end = text.index("{"), text.index("}")
    body, after = text[start + 1 : end], text[end + 1 :]
    # Missing-word format: when text follows the answer block, the block marks a
    # blank inside the sentence.  A block at the very end just ends the stem.
    stem = as_markdown(text[:start] + (BLANK_MARK + after if after.strip() else ""), fmt, notes)
    if not stem:
        errors.append("the question has no text; write the question before its answer block")

    # Moodle takes the LAST "####" as the start of general feedback (not the
    # first); doing the same makes Moodle's own exports import identically.
    explanation = ""
    general = body.rfind("####")
    if general >= 0:
        explanation, body = piece_as_markdown(body[general + 4 :], fmt, notes), body[:general]
    body = body.strip()

    # The order of these checks is Moodle's: a block containing "~" is a choice
    # question even if it also contains "->", and T/F is only considered after.
    if not body:
        errors.append(_unsupported("essay", "an empty answer block {} asks for an essay"))
        return None
    if body.startswith("#"):
        errors.append(_unsupported("numerical"))
        return None
    if "~" in body:
        qtype, options = _choice(body, fmt, notes)
    elif "=" in body and "->" in body:
        errors.append(_unsupported("matching"))
        return None
    elif body.split("#", 1)[0].strip().upper() in _TRUE_FALSE:
        qtype, options = "true_false", _true_false(body, fmt, notes)
    elif body.startswith("="):
        errors.append(_unsupported("short-answer", "to make a single-answer question, add wrong options marked with ~"))
        return None
    else:
        errors.append(
            "the answer block is not in a recognised form: start every answer with "
            "= (correct) or ~ (incorrect), or write {T} or {F} for true/false"
        )
        return None

    if errors:
        return None
    return ParsedQuestion(
        line=line, title=title, category=category, type=qtype, stem=stem, explanation=explanation, options=options
    )


def _true_false(body: str, fmt: str, notes: Notes) -> tuple[ParsedOption, ...]:
    # {T#first#second}: Moodle shows the FIRST feedback to a student who answers
    # wrongly and the SECOND to one who answers rightly.  Docere attaches
    # feedback to the option chosen, so the wrong option gets the first text.
    head, wrong, right = (body.split("#", 2) + ["", ""])[:3]
    answer_is_true = _TRUE_FALSE[head.strip().upper()]
    right, wrong = piece_as_markdown(right, fmt, notes), piece_as_markdown(wrong, fmt, notes)
    return (
        ParsedOption("True", _percent(answer_is_true), right if answer_is_true else wrong),
        ParsedOption("False", _percent(not answer_is_true), wrong if answer_is_true else right),
    )


def _percent(correct: bool) -> Decimal:
    return Decimal(100) if correct else Decimal(0)


def _choice(body: str, fmt: str, notes: Notes):
    errors = notes.errors
    # Every unescaped = or ~ starts a new answer (this is why a literal one in
    # text must be escaped); "#" then separates an answer from its feedback.
    parts = re.split(r"([=~])", body)
    if parts[0].strip():
        errors.append(
            f"the answer block starts with text that is not an answer "
            f'("{label(parts[0])[:40]}"); start every answer with = or ~'
        )
    answers = []  # (marker, weight or None, text, feedback)
    for number, (marker, raw) in enumerate(zip(parts[1::2], parts[2::2], strict=True), start=1):
        raw, weight = raw.strip(), None
        match = _WEIGHT_RE.match(raw)
        if match:
            if _NUMBER_RE.fullmatch(match[1]):
                weight = Decimal(match[1])
            else:
                errors.append(
                    f"answer {number} has the weight %{label(match[1])}%, which is "
                    "not a number; write weights like ~%50% or ~%-33.33333%"
                )
            raw = raw[match.end() :]
        text, _, feedback = raw.partition("#")
        # An answer may name its own format; its feedback then follows the question's.
        answer_fmt, text = split_format(text.strip(), fmt, notes)
        text = option_text(text, answer_fmt, notes, number)
        if not text:
            errors.append(f"answer {number} is empty; give it text or remove the extra {marker} ({_ESCAPE_HINT})")
        answers.append((marker, weight, text, piece_as_markdown(feedback, fmt, notes)))

    if len(answers) < 2:
        errors.append("the question has only one option; a question needs at least two")

    correct = [a for a in answers if a[0] == "="]
    if correct:
        # Any "=" makes a single-answer question (Moodle's rule too).  Moodle
        # would also accept partial credit on other answers; Docere cannot.
        if len(correct) > 1:
            errors.append(
                f"{len(correct)} answers are marked correct with =, but a "
                "single-answer question has exactly one; for a multiple-answer "
                "question give every answer a ~%weight% instead, e.g. ~%50% "
                f"({_ESCAPE_HINT})"
            )
        for number, (marker, weight, _, _) in enumerate(answers, start=1):
            full = Decimal(100) if marker == "=" else Decimal(0)
            if weight is not None and weight != full:
                errors.append(
                    f"answer {number} gives {weight}% credit, but partial credit on "
                    "a single-answer question is not supported; use ~%n% weights "
                    "for a multiple-answer question"
                )
        options = tuple(ParsedOption(t, _percent(m == "="), f) for m, _, t, f in answers)
        return "single", options

    if not any(a[1] is not None for a in answers):
        errors.append(
            "the question has no correct answer; mark the correct answer with = "
            "(or give answers ~%n% weights for a multiple-answer question)"
        )
        return "single", ()

    options = tuple(ParsedOption(t, w if w is not None else Decimal(0), f) for _, w, t, f in answers)
    for number, option in enumerate(options, start=1):
        if abs(option.weight_percent) > 100:
            errors.append(
                f"answer {number} has the weight {option.weight_percent}%; weights must be between -100 and 100"
            )
    positive = sum((o.weight_percent for o in options if o.weight_percent > 0), Decimal(0))
    # Allow for rounding such as three answers of 33.33333% each.
    if abs(positive - 100) > Decimal("0.01"):
        errors.append(
            f"the positive weights add up to {positive}%, but they must add up "
            "to 100% (for example ~%50% on each of two correct answers)"
        )
    return "multiple", options
