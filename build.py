#!/usr/bin/env python3
"""errdex command line: scrape upstream pages into the dataset, build the static site.

    python build.py scrape [PAGE...] [--out FILE] [--check | --diff] [--strict] [--keep-going] [--quiet]
    python build.py build [--data FILE] [--out DIR] [--site-url URL] [--strict] [--record-urls]
    python build.py translations [--data FILE]
    python build.py update [--strict] [--max-removed-share SHARE] [--accept-removals PAGE]...
    python build.py fetch [PAGE...] [--dry-run] [--delay S] [--timeout S] [--retries N] [--max-bytes N]
                          [--max-removed-share SHARE] [--accept-removals PAGE]...

Exit status: 0 done, 1 stale data (--check), warnings under --strict, or a page fetch refused
or failed to get (the others are saved), 2 bad input.
"""

import argparse
import gc
import os
import sys

from errdex import cli
from errdex.errors import ErrdexError
from errdex.fetch import Settings as FetchSettings
from errdex.guard import DEFAULT_MAX_REMOVED_SHARE

FETCH = FetchSettings()  # the fetch defaults, said once


def parse_args(argv):
    """Describe the commands and their options."""
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    scrape = commands.add_parser("scrape", help="read upstream pages into the JSON dataset")
    scrape.add_argument("pages", nargs="*", help="upstream pages (default: every page in source/upstream/)")
    scrape.add_argument("--out", help="dataset file to write (default: source/errors.json)")
    mode = scrape.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if the dataset file is stale; write nothing")
    mode.add_argument("--diff", action="store_true", help="print what changed against the dataset file; write nothing")
    scrape.add_argument("--strict", action="store_true", help="treat warnings as errors")
    scrape.add_argument("--keep-going", action="store_true",
                        help="write the pages that could be read, naming those skipped (default: write nothing)")
    scrape.add_argument("--quiet", action="store_true", help="print no warnings or summary, only errors")

    build = commands.add_parser("build", help="build the static site from the dataset")
    build.add_argument("--data", help="dataset file (default: source/errors.json)")
    build.add_argument("--out", help="output folder (default: site/)")
    build.add_argument("--site-url", default="", help="public URL of the site, for canonical links and the sitemap")
    build.add_argument("--base-path", help="URL path the site is served under (default: from --site-url, else /)")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("--record-urls", action="store_true",
                       help="add the site's new URLs to source/published-urls.txt (make urls); "
                            "without it the build only reads that file")

    translations = commands.add_parser("translations", help="update the gettext catalogs and print coverage")
    translations.add_argument("--data", help="dataset file (default: source/errors.json)")

    update = commands.add_parser("update", help="re-scrape upstream, report changes, retire dropped codes, "
                                                "update the catalogs")
    update.add_argument("--strict", action="store_true", help="treat scrape warnings as errors")
    add_guard_options(update)

    fetch = commands.add_parser("fetch", help="download the upstream pages listed in "
                                              "source/upstream/provenance.json, keeping only whole pages")
    fetch.add_argument("pages", nargs="*", help="file names or ids of the pages to fetch (default: all with a url)")
    fetch.add_argument("--dry-run", action="store_true", help="say what would change; write nothing")
    fetch.add_argument("--delay", type=at_least(0, float), default=FETCH.delay, metavar="SECONDS",
                       help=f"pause between two requests (default {FETCH.delay:g})")
    fetch.add_argument("--timeout", type=at_least(0.001, float), default=FETCH.timeout, metavar="SECONDS",
                       help=f"give up a request without an answer for this long (default {FETCH.timeout:g})")
    fetch.add_argument("--retries", type=at_least(0, int), default=FETCH.retries, metavar="N",
                       help=f"tries after the first on timeouts, connection errors, 408/429/5xx "
                            f"(default {FETCH.retries})")
    fetch.add_argument("--max-bytes", type=at_least(1, int), default=FETCH.max_bytes, metavar="N",
                       help=f"refuse a larger page (default {FETCH.max_bytes})")
    add_guard_options(fetch)
    return parser.parse_args(argv)


def share(text):
    """A share of a page's codes, written 0.1 or 10%."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share such as 0.1 or 10%, got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1 (0% and 100%), got {text!r}")
    return value


def at_least(low, kind):
    """An argparse type: a number of this kind, no smaller than low."""
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not value >= low:  # NaN too
            raise argparse.ArgumentTypeError(f"expected at least {low}, got {text!r}")
        return value
    return parse


def add_guard_options(command):
    """The removal guard's options, shared by update and fetch."""
    command.add_argument("--max-removed-share", type=share, default=DEFAULT_MAX_REMOVED_SHARE, metavar="SHARE",
                         help=f"stop when a page lost more than this share of its codes "
                              f"(default {DEFAULT_MAX_REMOVED_SHARE * 100:g}%%)")
    command.add_argument("--accept-removals", action="append", default=[], metavar="PAGE",
                         help="let this page (file name, path or source id) lose codes, shrink or lose "
                              "a table; repeatable")


def main(argv=None):
    """Run one command; turn the project's errors into a message and exit status 2."""
    try:
        return cli.run(parse_args(sys.argv[1:] if argv is None else argv))
    except SystemExit as done:  # argparse: --help, or a usage error it has printed
        return done.code
    except ErrdexError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader left (`make update | head`): the commands print only once their work is
        # done, so end quietly, and with 0, or make would report the pipe as an error.
        silence_stdout()
        return 0


def silence_stdout():
    """Point stdout at the null device, so that what is left in its buffer goes nowhere
    instead of raising BrokenPipeError again (what the Python docs advise for SIGPIPE)."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def exit_now(status):
    """Exit without freeing the objects a command made one by one, as mypy's hard_exit does:
    the operating system takes the memory back at once (a tenth of a second, 9%, of a build
    of 1,000 codes). Files are all closed by now; output is flushed here."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
    sys.stderr.flush()
    os._exit(status or 0)


if __name__ == "__main__":
    # The only interpreter-wide setting, made here and nowhere else: a command makes
    # millions of long-lived objects and no garbage cycles worth collecting, and the
    # cyclic collector's passes over them cost a third of a build. The process ends
    # soon after (exit_now), so nothing is ever collected late.
    gc.disable()
    exit_now(main())
