"""Markdown for everything authors write (module bodies, stems, feedback, explanations).

Authors may use inline HTML, so the rendered HTML is always sanitized with an allow-list:
a course file imported from elsewhere must never be able to run script in a learner's
browser, whatever it contains.
"""

from functools import lru_cache
from html import unescape

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_parser = MarkdownIt("commonmark", {"html": True}).enable("table")

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "del",
    "sub",
    "sup",
    "small",
    "mark",
    "abbr",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "code",
    "pre",
    "kbd",
    "a",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Removed together with their content, not just unwrapped.
REMOVED_WITH_CONTENT = {"script", "style"}


def render_markdown(text: str) -> SafeString:
    """Markdown (CommonMark with tables, inline HTML allowed) as sanitized HTML."""
    return mark_safe(_render_sanitized(text or ""))  # noqa: S308 — sanitized by nh3 with an allow-list below


# Module bodies are read far more often than they change: the same text always renders to
# the same HTML, so each process keeps the most recent results (a few MB at most).
@lru_cache(maxsize=1024)
def _render_sanitized(text: str) -> str:
    return mark_safe(sanitize_html(_parser.render(text)))  # noqa: S308 — sanitized by nh3 with the allow-list above


def sanitize_html(html: str) -> str:
    """HTML cut down to the allow-list: what any author-written HTML becomes before a learner sees it."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def html_to_text(html: str) -> str:
    """The text a reader sees in a piece of HTML, with every tag taken away (script and style
    with their content) and entities such as &amp; turned back into characters."""
    return unescape(nh3.clean(html, tags=set(), clean_content_tags=REMOVED_WITH_CONTENT, strip_comments=True))


def markdown_to_html(text: str) -> str:
    """Markdown as HTML, not yet sanitized (callers sanitize or strip it)."""
    return _parser.render(text)
