"""Read Moodle GIFT question files into Docere questions.

Docere grades three kinds of question: single-answer, multiple-answer (graded by
per-option weights) and true/false.  Everything else GIFT can express is refused
with an error that names the line the question starts on.  Errors are collected
across the whole file and raised together, so an author can fix a file in one
pass instead of one upload per mistake.

The format is documented at https://docs.moodle.org/en/GIFT_format; where the
documentation is silent, this follows what Moodle's own importer does.  Stems, feedback
and explanations are returned as Markdown, answer options as plain text (which is how
Docere shows them); see "Text formats" below.  What Docere cannot keep (categories,
Moodle tags, HTML outside the allow-list, formatting in options) does not stop an import
but is listed as a warning with its line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from courses.markdown import ALLOWED_TAGS, html_to_text, markdown_to_html, sanitize_html
from courses.models import Question

TITLE_MAX_LENGTH = Question._meta.get_field("title").max_length  # as long as Moodle's question names
SUPPORTED = "(Docere grades single-answer, multiple-answer and true/false questions)"
BLANK = "_____"


@dataclass(frozen=True)
class ParsedOption:
    text: str
    weight_percent: Decimal
    feedback: str


@dataclass(frozen=True)
class ParsedQuestion:
    line: int
    title: str
    category: str
    type: str
    stem: str
    explanation: str
    options: tuple[ParsedOption, ...]


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


# --- Escapes ----------------------------------------------------------------
# GIFT's escapes (\~ \= \# \{ \} \:) are swapped for private-use placeholder
# characters before any structure is looked for, so an escaped brace or tilde
# can never be taken for syntax.  They become real characters again only when a
# finished piece of text is converted to Markdown.  "\\" is protected too, so
# that in "\\{" the brace is real.  "\/" is accepted as well: it is the way to
# start a line of text with "//" without it being read as a comment.
_ESCAPABLE = "\\:#={}~/"
_PLACEHOLDERS = {char: chr(0xE000 + i) for i, char in enumerate(_ESCAPABLE)}
_BLANK_MARK = chr(0xE0FF)  # where a missing-word answer block was cut out
_ESCAPE_RE = re.compile(r"\\([\\:#={}~/n])")


def _protect(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: "\n" if m[1] == "n" else _PLACEHOLDERS[m[1]], text)


def _literal(text: str) -> str:
    for char, placeholder in _PLACEHOLDERS.items():
        text = text.replace(placeholder, char)
    return text


# --- Text formats -----------------------------------------------------------
# What each GIFT format becomes in Docere, where stems, feedback and explanations are
# Markdown (rendered, then sanitized) and answer options are plain text:
#   markdown  Markdown, as written;
#   moodle    (the default) Moodle's auto-format: text shown as typed, line breaks kept,
#             HTML allowed; Markdown syntax in it is NOT formatting, so it is escaped;
#   html      HTML, sanitized with the allow-list every page uses, kept as an HTML block
#             so Markdown never reinterprets it;
#   plain     text shown exactly as typed: everything Markdown or HTML would read is escaped.
FORMATS = ("moodle", "html", "markdown", "plain")
# A format marker is one bracketed word at the very start of a piece of text.  Text in
# brackets that is not one word ("[see figure] Which…?") is ordinary text, as in Moodle.
_FORMAT_RE = re.compile(r"\[([A-Za-z][A-Za-z0-9_-]*)\]")
# Characters that would otherwise turn plain text into Markdown formatting.
_PLAIN_INLINE_RE = re.compile(r"[\\`*_\[\]<>|~]|&(?=#?\w+;)")
_MOODLE_INLINE_RE = re.compile(r"[\\`*_\[\]|~]")  # HTML and its entities are allowed there
# Headings, block quotes, list items and setext underlines only matter at the start of a
# line; escaping them everywhere would litter ordinary text.
_PLAIN_LINE_START_RE = re.compile(r"^([ \t]*)(?:([#>+=-])|(\d+)([.)]))", re.MULTILINE)
_TAG_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)")
# CommonMark passes an HTML block through untouched up to the next blank line only if it
# opens with one of its block-level tags (of those the sanitizer keeps). Other HTML is
# wrapped so that it is a block too: in <p> when it is inline text (the paragraph Markdown
# would have made of it), else in a <div>, which the sanitizer then drops.
_BLOCK_TAGS = r"(?:p|pre|hr|h[1-6]|ul|ol|li|dl|dt|dd|blockquote|table|caption|thead|tbody|tfoot|tr|th|td)"
_HTML_BLOCK_START_RE = re.compile(rf"<{_BLOCK_TAGS}(?:[\s/>]|$)", re.IGNORECASE)
_HTML_BLOCK_TAG_RE = re.compile(rf"</?{_BLOCK_TAGS}(?:[\s/>]|$)", re.IGNORECASE)


class _Notes:
    """The errors and warnings of one question, in the order they were found."""

    def __init__(self):
        self.errors: list[str] = []
        self.warnings: list[str] = []


def _split_format(text: str, default: str, notes: _Notes) -> tuple[str, str]:
    """Take a leading [format] marker off a piece of text, if it has one."""
    match = _FORMAT_RE.match(text)
    if not match:
        return default, text
    name = match[1].lower()
    if name not in FORMATS:
        # Moodle would keep "[latex]" as text without a word; an author who wrote it meant a
        # format, and would only find out from a learner.
        notes.errors.append(
            f"[{match[1]}] is not a GIFT text format: use [moodle], [html], [markdown] or [plain]; "
            f"to show \"[{match[1]}]\" itself, put a format before it, e.g. [moodle][{match[1]}]")
        return default, text
    return name, text[match.end():]


def _escape_text(text: str, *, allow_html: bool) -> str:
    inline = _MOODLE_INLINE_RE if allow_html else _PLAIN_INLINE_RE
    text = inline.sub(lambda m: "\\" + m[0], text)
    text = _PLAIN_LINE_START_RE.sub(
        lambda m: m[1] + ("\\" + m[2] if m[2] else m[3] + "\\" + m[4]), text
    )
    # Moodle shows the line breaks of plain and auto-formatted text; Markdown would join
    # the lines into one paragraph, so each break becomes an explicit hard break.
    return text.replace("\n", "\\\n")


def _removed_tags(html: str, allowed: set[str]) -> list[str]:
    return sorted({name.lower() for name in _TAG_RE.findall(html)} - allowed)


def _html_block(html: str, notes: _Notes) -> str:
    removed = _removed_tags(html, ALLOWED_TAGS)
    if removed:
        notes.warnings.append(
            f"HTML that Docere does not show was removed: {', '.join(f'<{name}>' for name in removed)} "
            "(only basic formatting, lists, tables and links are kept)")
    # A blank line would end the HTML block; between HTML elements it means nothing.
    lines = [line for line in sanitize_html(html).split("\n") if line.strip()]
    cleaned = "\n".join(lines)
    if not cleaned or (_HTML_BLOCK_START_RE.match(cleaned) and not cleaned.lower().startswith("<pre")):
        return cleaned
    if _HTML_BLOCK_TAG_RE.search(cleaned):
        return f"<div>\n{cleaned}\n</div>"
    return f"<p>{cleaned}</p>"


def _has_html(text: str) -> bool:
    return bool(re.search(r"<[A-Za-z/!]", text))


def _markdown(text: str, fmt: str, notes: _Notes) -> str:
    """Stems, feedback and explanations: a piece of (placeholder-protected) GIFT text of
    format fmt as the Markdown Docere stores."""
    text = text.strip()
    if fmt == "markdown":
        # "\\" is also Markdown's escape for a backslash, so it is kept exactly as written.
        text = _literal(text.replace(_PLACEHOLDERS["\\"], "\\\\"))
    elif fmt == "html" or (fmt == "moodle" and _has_html(text)):
        if fmt == "moodle":
            text = text.replace("\n", "<br>\n")
        text = _html_block(_literal(text), notes)
    else:
        text = _escape_text(_literal(text), allow_html=fmt == "moodle")
    return text.replace(_BLANK_MARK, BLANK)


def _option_text(text: str, fmt: str, notes: _Notes, number: int) -> str:
    """Answer options: Docere shows them as plain text, so formatting is taken off (and named)."""
    text = _literal(text.strip())
    if fmt == "plain":
        return text
    html = markdown_to_html(text) if fmt == "markdown" else text.replace("\n", "<br>\n")
    dropped = _removed_tags(html, {"p", "br"})
    if dropped:
        notes.warnings.append(
            f"answer {number} loses its formatting ({', '.join(f'<{name}>' for name in dropped)}): "
            "Docere shows answer options as plain text")
    return " ".join(html_to_text(html).split())


def _piece(text: str, default_fmt: str, notes: _Notes) -> str:
    """Feedback and explanations inherit the stem's format unless they name their own."""
    fmt, text = _split_format(text.strip(), default_fmt, notes)
    return _markdown(text, fmt, notes)


def _name(text: str) -> str:
    """Titles and categories are single-line labels, not Markdown."""
    return " ".join(_literal(text).replace("\n", " ").split())


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


# --- Parsing one question ---------------------------------------------------
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_WEIGHT_RE = re.compile(r"%([^%\s]*)%")
_NUMBER_RE = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
_ESCAPE_HINT = "a literal = or ~ inside text must be escaped as \\= or \\~"


def _unsupported(kind: str, hint: str = "") -> str:
    return f"{kind} questions are not supported {SUPPORTED}" + (f"; {hint}" if hint else "")


def _parse_question(raw: str, line: int, category: str, notes: _Notes):
    errors = notes.errors
    text = _protect(raw).strip()

    title = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            errors.append("the title starts with :: but is never closed with ::; close it, "
                          "or escape a literal colon as \\:")
            return None
        title, text = _name(text[2:end]), text[end + 2:].lstrip()
        if len(title) > TITLE_MAX_LENGTH:
            # Moodle shortens long names too; the author is told, since the end is lost.
            notes.warnings.append(f"the title is {len(title)} characters long; only its first "
                                  f"{TITLE_MAX_LENGTH} are kept")
            title = title[:TITLE_MAX_LENGTH].rstrip()

    fmt, text = _split_format(text, "moodle", notes)

    opens, closes = text.count("{"), text.count("}")
    if not opens and not closes:
        errors.append(f"this item has no answer block in {{ }}, so it is a description; "
                      f"descriptions are not supported {SUPPORTED}")
        return None
    if not closes:
        errors.append("the answer block is never closed: add the missing } (a blank line "
                      "ends a question, so an answer block cannot contain blank lines)")
        return None
    if not opens:
        errors.append("there is a } with no answer block opened by {; escape a literal "
                      "brace as \\}")
        return None
    if opens > 1 or closes > 1 or text.index("}") < text.index("{"):
        errors.append(f"the braces are unbalanced ({opens} {{ and {closes} }}): a question "
                      "has exactly one answer block, literal braces must be escaped as \\{ "
                      "and \\}, and two questions must be separated by a blank line")
        return None

    start, end = text.index("{"), text.index("}")
    body, after = text[start + 1:end], text[end + 1:]
    # Missing-word format: when text follows the answer block, the block marks a
    # blank inside the sentence.  A block at the very end just ends the stem.
    stem = _markdown(text[:start] + (_BLANK_MARK + after if after.strip() else ""), fmt, notes)
    if not stem:
        errors.append("the question has no text; write the question before its answer block")

    # Moodle takes the LAST "####" as the start of general feedback (not the
    # first); doing the same makes Moodle's own exports import identically.
    explanation = ""
    general = body.rfind("####")
    if general >= 0:
        explanation, body = _piece(body[general + 4:], fmt, notes), body[:general]
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
        errors.append(_unsupported(
            "short-answer", "to make a single-answer question, add wrong options marked with ~"))
        return None
    else:
        errors.append("the answer block is not in a recognised form: start every answer with "
                      "= (correct) or ~ (incorrect), or write {T} or {F} for true/false")
        return None

    if errors:
        return None
    return ParsedQuestion(line=line, title=title, category=category, type=qtype, stem=stem,
                          explanation=explanation, options=options)


def _true_false(body: str, fmt: str, notes: _Notes) -> tuple[ParsedOption, ...]:
    # {T#first#second}: Moodle shows the FIRST feedback to a student who answers
    # wrongly and the SECOND to one who answers rightly.  Docere attaches
    # feedback to the option chosen, so the wrong option gets the first text.
    head, wrong, right = (body.split("#", 2) + ["", ""])[:3]
    answer_is_true = _TRUE_FALSE[head.strip().upper()]
    right, wrong = _piece(right, fmt, notes), _piece(wrong, fmt, notes)
    return (
        ParsedOption("True", _percent(answer_is_true), right if answer_is_true else wrong),
        ParsedOption("False", _percent(not answer_is_true), wrong if answer_is_true else right),
    )


def _percent(correct: bool) -> Decimal:
    return Decimal(100) if correct else Decimal(0)


def _choice(body: str, fmt: str, notes: _Notes):
    errors = notes.errors
    # Every unescaped = or ~ starts a new answer (this is why a literal one in
    # text must be escaped); "#" then separates an answer from its feedback.
    parts = re.split(r"([=~])", body)
    if parts[0].strip():
        errors.append(f"the answer block starts with text that is not an answer "
                      f"(\"{_name(parts[0])[:40]}\"); start every answer with = or ~")
    answers = []  # (marker, weight or None, text, feedback)
    for number, (marker, raw) in enumerate(zip(parts[1::2], parts[2::2], strict=True), start=1):
        raw, weight = raw.strip(), None
        match = _WEIGHT_RE.match(raw)
        if match:
            if _NUMBER_RE.fullmatch(match[1]):
                weight = Decimal(match[1])
            else:
                errors.append(f"answer {number} has the weight %{_name(match[1])}%, which is "
                              "not a number; write weights like ~%50% or ~%-33.33333%")
            raw = raw[match.end():]
        text, _, feedback = raw.partition("#")
        # An answer may name its own format; its feedback then follows the question's.
        answer_fmt, text = _split_format(text.strip(), fmt, notes)
        text = _option_text(text, answer_fmt, notes, number)
        if not text:
            errors.append(f"answer {number} is empty; give it text or remove the extra "
                          f"{marker} ({_ESCAPE_HINT})")
        answers.append((marker, weight, text, _piece(feedback, fmt, notes)))

    if len(answers) < 2:
        errors.append("the question has only one option; a question needs at least two")

    correct = [a for a in answers if a[0] == "="]
    if correct:
        # Any "=" makes a single-answer question (Moodle's rule too).  Moodle
        # would also accept partial credit on other answers; Docere cannot.
        if len(correct) > 1:
            errors.append(f"{len(correct)} answers are marked correct with =, but a "
                          "single-answer question has exactly one; for a multiple-answer "
                          "question give every answer a ~%weight% instead, e.g. ~%50% "
                          f"({_ESCAPE_HINT})")
        for number, (marker, weight, _, _) in enumerate(answers, start=1):
            full = Decimal(100) if marker == "=" else Decimal(0)
            if weight is not None and weight != full:
                errors.append(f"answer {number} gives {weight}% credit, but partial credit on "
                              "a single-answer question is not supported; use ~%n% weights "
                              "for a multiple-answer question")
        options = tuple(ParsedOption(t, _percent(m == "="), f) for m, _, t, f in answers)
        return "single", options

    if not any(a[1] is not None for a in answers):
        errors.append("the question has no correct answer; mark the correct answer with = "
                      "(or give answers ~%n% weights for a multiple-answer question)")
        return "single", ()

    options = tuple(ParsedOption(t, w if w is not None else Decimal(0), f)
                    for _, w, t, f in answers)
    for number, option in enumerate(options, start=1):
        if abs(option.weight_percent) > 100:
            errors.append(f"answer {number} has the weight {option.weight_percent}%; "
                          "weights must be between -100 and 100")
    positive = sum((o.weight_percent for o in options if o.weight_percent > 0), Decimal(0))
    # Allow for rounding such as three answers of 33.33333% each.
    if abs(positive - 100) > Decimal("0.01"):
        errors.append(f"the positive weights add up to {positive}%, but they must add up "
                      "to 100% (for example ~%50% on each of two correct answers)")
    return "multiple", options


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
            category = _name(_protect(payload))
            warnings.append(GiftError(line, f"$CATEGORY {category} is ignored: Docere has no question "
                                            "categories, so every question goes into this course's "
                                            "post-test bank"))
            continue
        if kind == "id_or_tag":
            warnings.append(GiftError(line, "the ID number and tags in this comment are ignored: "
                                            "Docere questions have neither"))
            continue
        found_any = True
        notes = _Notes()
        question = _parse_question(payload, line, category, notes)
        errors.extend(GiftError(line, message) for message in notes.errors)
        warnings.extend(GiftError(line, message) for message in notes.warnings)
        if question is not None:
            questions.append(question)
    if not found_any:
        errors.append(GiftError(1, "the file contains no questions; write at least one "
                                   "question such as: What is 2 + 2? {=4 ~3 ~5}"))
    warnings.sort(key=lambda warning: warning.line)
    if errors:
        raise GiftImportError(errors, warnings=warnings)
    return GiftFile(questions=tuple(questions), warnings=tuple(warnings))


def parse_gift(text: str) -> list[ParsedQuestion]:
    """The questions of a GIFT file (see read_gift)."""
    return list(read_gift(text).questions)
