"""The commands behind build.py; each returns an exit status."""

import sys
from pathlib import Path

from . import model, pipeline
from .diff import diff_datasets, format_diff
from .errors import StrictFailure, report_warnings  # noqa: F401 (cli.StrictFailure, as before)


def run(args):
    """Dispatch a parsed command line."""
    if args.command == "scrape":
        return scrape_command(args)
    if args.command == "translations":
        return translations_command(args)
    if args.command == "update":
        return update_command(args)
    if args.command == "fetch":
        return fetch_command(args)
    from .site import build_command  # the site stage imports Jinja; scraping needs none of it
    return build_command(args)


def scrape_command(args):
    """Scrape pages; write, check or diff the dataset file."""
    out = Path(args.out) if args.out else pipeline.DATA_FILE
    pages = args.pages or pipeline.upstream_pages()
    quiet = getattr(args, "quiet", False)
    result = pipeline.scrape_pages(pages, keep_going=getattr(args, "keep_going", False))
    for file, error in result.skipped:
        print(f"skipped {file}:\n  {error}", file=sys.stderr)
    report_warnings(result.warnings, args.strict, quiet=quiet)
    if args.check or args.diff:
        old = model.load(out)
        diff = diff_datasets(old, result.dataset)
        if args.diff:
            print(format_diff(diff))
            return 0
        stale = out.read_text(encoding="utf-8") != result.text
        if stale:
            print(f"{pipeline.display_path(out)} is stale against the upstream pages; "
                  f"run 'make data' and review the diff\n{format_diff(diff)}", file=sys.stderr)
            return 1
        print(f"{pipeline.display_path(out)} is up to date ({len(result.dataset.codes)} codes)")
        return 0
    # What scrape writes, build must read: the same door (schema and semantic checks).
    model.loads(result.text, pipeline.display_path(out))
    pipeline.write_atomic(out, result.text)
    if not quiet:
        print(page_table(result.pages))
        print(summary(result.dataset, out, len(result.warnings)))
    if result.skipped:
        print(f"skipped {len(result.skipped)} page(s) that could not be read: "
              f"{', '.join(file for file, _ in result.skipped)}", file=sys.stderr)
    return 0


def page_table(reports):
    """The per-page summary: form, codes, entries and warnings of each page, and the total."""
    width = max([len(r.file) for r in reports] + [len("page")])
    lines = [f"{'page':<{width}}  {'form':<13} {'codes':>6} {'entries':>7} {'warnings':>8}"]
    lines += [f"{r.file:<{width}}  {r.form:<13} {r.codes:>6} {r.entries:>7} {r.warnings:>8}" for r in reports]
    lines.append(f"{f'{len(reports)} page(s)':<{width}}  {'':<13} {sum(r.codes for r in reports):>6} "
                 f"{sum(r.entries for r in reports):>7} {sum(r.warnings for r in reports):>8}")
    return "\n".join(lines)


def summary(dataset, out, warning_count):
    """One line: codes, entries, by prefix and status."""
    prefixes, statuses = {}, {}
    for code in dataset.codes:
        prefixes[code.prefix] = prefixes.get(code.prefix, 0) + 1
        for entry in code.entries:
            statuses[entry.http_status] = statuses.get(entry.http_status, 0) + 1
    by_prefix = ", ".join(f"{p or '(none)'} {n}" for p, n in sorted(prefixes.items(), key=lambda i: (-i[1], i[0])))
    by_status = ", ".join(f"{s} x{n}" for s, n in sorted(statuses.items(), key=lambda i: (i[0] is None, i[0] or 0)))
    entries = sum(len(c.entries) for c in dataset.codes)
    return (f"wrote {pipeline.display_path(out)}: {len(dataset.codes)} codes, {entries} entries from "
            f"{len(dataset.sources)} page(s); prefixes: {by_prefix}; statuses: {by_status}; "
            f"{warning_count} warning(s)")


def translations_command(args):
    """Extract and update the catalogs; print coverage per language and catalog."""
    from .lifecycle import load_retired
    from .translations import update_all
    dataset = model.load(Path(args.data) if args.data else pipeline.DATA_FILE)
    for result in update_all(dataset, retired=load_retired()):
        print(result)
    return 0


def update_command(args):
    """Re-scrape upstream, report what changed, retire dropped codes, update the catalogs."""
    from .update import update_repository
    report = update_repository(strict=args.strict, warn=report_warnings, max_removed_share=args.max_removed_share,
                               accept_removals=args.accept_removals)
    print(report)
    return 0


def fetch_command(args):
    """Download the upstream pages; a line per page as it is done, then a summary."""
    from .fetch import Settings, fetch_pages
    settings = Settings(timeout=args.timeout, retries=args.retries, delay=args.delay, max_bytes=args.max_bytes,
                        max_removed_share=args.max_removed_share, accept_removals=frozenset(args.accept_removals),
                        dry_run=args.dry_run)
    if args.dry_run:
        print("dry run: each line says what would happen; nothing is written")
    report = fetch_pages(settings=settings, only=tuple(args.pages), report=lambda result: print(result, flush=True))
    print(report)
    return 0 if report.ok else 1
