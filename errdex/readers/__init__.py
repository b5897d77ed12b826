"""Readers of upstream pages, one module per form; the form is told from the content.

Each reader has FORM, `detect(text)` and `read(path, text) -> Page`. They are tried in
READERS order, most specific first. Adding a form is adding a reader here.
"""

from ..errors import ScrapeError
from . import html, markdown_html, pipe, rst, text
from .grid import Page, Row

# The text dump before reStructuredText: a dump's lines of '=====' would pass for rst.
READERS = (markdown_html, html, pipe, text, rst)
# Pages are read whole; a bigger one is not an error-code page but a mistake (a dump of
# a whole site, a binary file), refused before any work.
MAX_PAGE_BYTES = 20 * 1024 * 1024


def detect_form(page_text, path="<page>"):
    """Name the form of a page from its content; raise ScrapeError if none fits."""
    return reader_for(page_text, path).FORM


def reader_for(page_text, path="<page>"):
    """The first reader that recognises the page."""
    for reader in READERS:
        if reader.detect(page_text):
            return reader
    raise ScrapeError(f"{path}: no table found: expected an HTML <table>, a pipe table with a "
                      f"'|--|' separator line under its header, or a reStructuredText table")


def scrape(path, page_text):
    """Read one upstream page; raise ScrapeError naming the file and row on bad input."""
    size = len(page_text.encode("utf-8", "surrogatepass"))
    if size > MAX_PAGE_BYTES:
        raise ScrapeError(f"{path}: {size:,} bytes, over the limit of {MAX_PAGE_BYTES:,} bytes for one "
                          f"page (expected one service's error-code page)")
    return reader_for(page_text, path).read(path, page_text)


__all__ = ["MAX_PAGE_BYTES", "Page", "READERS", "Row", "detect_form", "scrape"]
