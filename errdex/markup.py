"""Markdown to safe HTML, for upstream text (untrusted) and maintainers' notes (sanitised).

Upstream cells are stored as Markdown (lists, links, emphasis). Their raw HTML is never
passed through: Python-Markdown's HTML passthrough is switched off, so `<script>` in a
cell is shown as text, and nh3 (Ammonia) then allows only a small set of tags, and only
http(s)/mailto links, as a second wall.
"""

import functools
import re
from urllib.parse import urlsplit

import nh3
from markupsafe import Markup, escape

from .codes import PLACEHOLDER_RE

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "a", "strong", "em", "code", "pre", "blockquote",
                "table", "thead", "tbody", "tr", "th", "td", "h3", "h4", "h5", "h6", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Text without Markdown syntax renders as one escaped paragraph: the common case, and fast.
# Syntax is a special character anywhere, or a list item or code block at a line's start;
# text without a newline has one line, so the second pattern need only match at its start
# (one pattern with re.M would try `^` at every character: twice the time).
_MARKDOWN_CHARACTER = re.compile(r"[\n*_`\[\]<>&#\\!]")
# A line of three or more dashes alone is a horizontal rule.
_MARKDOWN_LINE_START = re.compile(r"\s*(?:[-+]|\d+[.)])\s|\s{4}|\s*-(?:\s*-){2,}\s*$")


def _is_plain(text):
    return not _MARKDOWN_CHARACTER.search(text) and not _MARKDOWN_LINE_START.match(text)


@functools.lru_cache(maxsize=None)
def _converter(kind):
    """The Markdown converter for upstream text ("upstream": raw HTML shown as text) or notes.

    Made on first use: a dataset of plain text never needs Python-Markdown (nor its import time).
    """
    import markdown

    class NoRawHtml(markdown.Extension):
        """Treat raw HTML in Markdown as text: it is escaped, never passed through."""

        def extendMarkdown(self, md):
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")

    # Notes are the repository's own Markdown: raw HTML is allowed in, then cleaned by nh3.
    extensions = ([NoRawHtml()] if kind == "upstream" else []) + ["tables", "fenced_code", "sane_lists"]
    return markdown.Markdown(extensions=extensions, output_format="html")


@functools.lru_cache(maxsize=8192)  # recurring texts; a cache of all of them cost memory at 100,000 codes
def render_markdown(text):
    """Render upstream or note Markdown to sanitised HTML (Markup)."""
    if not text:
        return Markup("")
    if _is_plain(text):
        return Markup("<p>%s</p>" % escape(text))  # str % str, not Markup's Python-level + and %
    html = _converter("upstream").reset().convert(text)
    return Markup(sanitise(html, attribute_filter=_absolute_links_only))


def render_note(text):
    """Render a maintainer's note (Markdown, raw HTML allowed) to sanitised HTML."""
    return Markup(sanitise(_converter("notes").reset().convert(text or "")))


def sanitise(html, attribute_filter=None):
    """Allow-list HTML; external links open nothing and leak no referrer."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer", strip_comments=True, attribute_filter=attribute_filter)


def _absolute_links_only(element, attribute, value):
    """nh3's attribute filter for upstream text: a link that is not absolute points into
    upstream's own site ("#table177973508288", "errors.md"), where it has a target and this
    site has none; its href is dropped, its text stays."""
    if element == "a" and attribute == "href" and urlsplit(value).scheme not in URL_SCHEMES:
        return None
    return value


_INLINE_SYNTAX = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`|^\s*(?:[-+*]|\d+\.)\s+", re.M)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
# Every text that _LINK or _INLINE_SYNTAX could change matches this simpler pattern.
_MAYBE_SYNTAX = re.compile(r"[*_`\[]|^\s*(?:[-+]|\d+\.)\s", re.M)


@functools.lru_cache(maxsize=8192)  # recurring texts; a cache of all of them cost memory at 100,000 codes
def plain_text(text):
    """Markdown to one line of plain text, for snippets, search and meta descriptions."""
    if not text:
        return ""
    if not _MAYBE_SYNTAX.search(text):  # most texts: one scan instead of the two substitutions
        return " ".join(text.split())
    text = _LINK.sub(r"\1", text)
    text = _INLINE_SYNTAX.sub("", text)
    return " ".join(text.split())


def message_parts(message):
    """Split a message template into (text, is_placeholder) parts, for marking %s visibly."""
    parts, last = [], 0
    for match in PLACEHOLDER_RE.finditer(message or ""):
        if match.start() > last:
            parts.append((message[last:match.start()], False))
        parts.append((match.group(0), True))
        last = match.end()
    if last < len(message or ""):
        parts.append((message[last:], False))
    return parts
