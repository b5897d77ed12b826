"""One exception family; only build.py turns these into exit codes and messages."""

import sys


class ErrdexError(Exception):
    """Base of every error the user can cause and fix; printed without a traceback."""

    exit_code = 2


class ScrapeError(ErrdexError):
    """An upstream page cannot be read as an error-code page."""


class DataError(ErrdexError):
    """A data file of the repository (dataset, translations, notes, registry) is invalid."""


class BuildError(ErrdexError):
    """The site cannot be built from valid data (e.g. a published URL would disappear)."""


class StrictFailure(ErrdexError):
    """--strict met a warning."""

    exit_code = 1


def report_warnings(warnings, strict, quiet=False):
    """Print warnings to stderr (unless quiet); under --strict they fail the command."""
    for warning in () if quiet else warnings:
        print(f"warning: {warning}", file=sys.stderr)
    check_strict(warnings, strict)


def check_strict(warnings, strict):
    """Under --strict, any warning fails the command."""
    if warnings and strict:
        raise StrictFailure(f"{len(warnings)} warning(s), and --strict treats warnings as errors")


def where(path, line=None, row=None, cell=None, table=None):
    """Format a location as 'file:line (table T, row N, cell "X")' for error messages."""
    text = str(path)
    if line is not None:
        text += f":{line}"
    details = [f"table {table}"] if table is not None else []
    if row is not None:
        details.append(f"row {row}")
    if cell is not None:
        details.append(f"cell {cell!r}")
    return text + (f" ({', '.join(details)})" if details else "")
