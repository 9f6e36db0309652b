"""GIFT text: its escapes, its [format] markers, and how each format becomes the Markdown of
stems, feedback and explanations or the plain text of answer options (courses.importers.gift).

What Docere cannot keep (HTML outside the allow-list, formatting in options) is noted as a
warning of the question it is in.
"""

from __future__ import annotations

import re

from courses.markdown import ALLOWED_TAGS, html_to_text, markdown_to_html, sanitize_html

BLANK = "_____"


# --- Escapes ----------------------------------------------------------------
# GIFT's escapes (\~ \= \# \{ \} \:) are swapped for private-use placeholder
# characters before any structure is looked for, so an escaped brace or tilde
# can never be taken for syntax.  They become real characters again only when a
# finished piece of text is converted to Markdown.  "\\" is protected too, so
# that in "\\{" the brace is real.  "\/" is accepted as well: it is the way to
# start a line of text with "//" without it being read as a comment.
_ESCAPABLE = "\\:#={}~/"
_PLACEHOLDERS = {char: chr(0xE000 + i) for i, char in enumerate(_ESCAPABLE)}
BLANK_MARK = chr(0xE0FF)  # where a missing-word answer block was cut out
_ESCAPE_RE = re.compile(r"\\([\\:#={}~/n])")


def protect(text: str) -> str:
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


class Notes:
    """The errors and warnings of one question, in the order they were found."""

    def __init__(self):
        self.errors: list[str] = []
        self.warnings: list[str] = []


def split_format(text: str, default: str, notes: Notes) -> tuple[str, str]:
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
            f'to show "[{match[1]}]" itself, put a format before it, e.g. [moodle][{match[1]}]'
        )
        return default, text
    return name, text[match.end() :]


def _escape_text(text: str, *, allow_html: bool) -> str:
    inline = _MOODLE_INLINE_RE if allow_html else _PLAIN_INLINE_RE
    text = inline.sub(lambda m: "\\" + m[0], text)
    text = _PLAIN_LINE_START_RE.sub(lambda m: m[1] + ("\\" + m[2] if m[2] else m[3] + "\\" + m[4]), text)
    # Moodle shows the line breaks of plain and auto-formatted text; Markdown would join
    # the lines into one paragraph, so each break becomes an explicit hard break.
    return text.replace("\n", "\\\n")


def _removed_tags(html: str, allowed: set[str]) -> list[str]:
    return sorted({name.lower() for name in _TAG_RE.findall(html)} - allowed)


def _html_block(html: str, notes: Notes) -> str:
    removed = _removed_tags(html, ALLOWED_TAGS)
    if removed:
        notes.warnings.append(
            f"HTML that Docere does not show was removed: {', '.join(f'<{name}>' for name in removed)} "
            "(only basic formatting, lists, tables and links are kept)"
        )
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


def as_markdown(text: str, fmt: str, notes: Notes) -> str:
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
    return text.replace(BLANK_MARK, BLANK)


def option_text(text: str, fmt: str, notes: Notes, number: int) -> str:
    """Answer options: Docere shows them as plain text, so formatting is taken off (and named)."""
    text = _literal(text.strip())
    if fmt == "plain":
        return text
    html = markdown_to_html(text) if fmt == "markdown" else text.replace("\n", "<br>\n")
    dropped = _removed_tags(html, {"p", "br"})
    if dropped:
        notes.warnings.append(
            f"answer {number} loses its formatting ({', '.join(f'<{name}>' for name in dropped)}): "
            "Docere shows answer options as plain text"
        )
    return " ".join(html_to_text(html).split())


def piece_as_markdown(text: str, default_fmt: str, notes: Notes) -> str:
    """Feedback and explanations inherit the stem's format unless they name their own."""
    fmt, text = split_format(text.strip(), default_fmt, notes)
    return as_markdown(text, fmt, notes)


def label(text: str) -> str:
    """Titles and categories are single-line labels, not Markdown."""
    return " ".join(_literal(text).replace("\n", " ").split())
