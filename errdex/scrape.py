"""Stage 1: read one upstream page. The entry point; the readers live in errdex/readers/.

The scraper only reads and normalises: it returns a `Page` of rows whose cells are
Markdown strings, plus the page's prose. Turning rows into codes, and merging pages,
is `dataset.py`'s job.
"""

from .readers import MAX_PAGE_BYTES, Page, Row, detect_form, scrape
from .readers.grid import detect_language, listify, role_of
from .readers.prose import example_response

__all__ = ["MAX_PAGE_BYTES", "Page", "Row", "detect_form", "detect_language", "example_response",
           "listify", "role_of", "scrape"]
