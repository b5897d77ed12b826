"""Gather and validate: everything a build reads, checked before anything is written."""

from dataclasses import dataclass

from . import lifecycle, model
from .errors import DataError
from .notes import load_notes
from .services import read_complete_services, reuse_index, unknown_services


@dataclass(frozen=True)
class SiteContent:
    """The dataset with the repository's retired codes, redirects and notes, checked."""

    dataset: model.Dataset
    retired: tuple
    redirects: dict
    notes: object
    warnings: tuple
    # services.reuse_index of the dataset: made once here, read by every language's views and the API
    reuse: dict
    complete: frozenset | None = None  # services declared completely translated (None: every one)


def gather(data, inputs):
    """Read the dataset file and the repository's other inputs; check them together."""
    dataset = model.load(data)
    content = read_inputs(dataset, inputs)
    if not content.dataset.codes and not content.retired:
        raise DataError(f"{data}: the dataset lists no codes, so there is no site to build; "
                        f"scrape upstream pages into it first ('make data')")
    return content


def read_inputs(dataset, inputs):
    """Load retired codes, redirects and notes, and check them against the dataset."""
    retired = lifecycle.load_retired(inputs.retired_file) if inputs.retired_file else ()
    current = {c.code for c in dataset.codes}
    for record in retired:
        if record.code.code in current:
            raise DataError(f"{inputs.retired_file}: {record.code.code} is retired but upstream lists it "
                            f"again; remove it from the file (make update does)")
    known = current | {r.code.code for r in retired}
    redirects = (lifecycle.resolve_redirects(lifecycle.load_redirects(inputs.redirects_file), known,
                                             inputs.redirects_file) if inputs.redirects_file else {})
    prefixes = {c.prefix for c in dataset.codes} | {r.code.prefix for r in retired}
    notes, warnings = (load_notes(inputs.notes_dir, known, {p or "_" for p in prefixes})
                       if inputs.notes_dir else (None, []))
    complete = read_complete_services(inputs.complete_services_file)
    warnings += unknown_services(complete, dataset.sources, inputs.complete_services_file)
    reuse = reuse_index(dataset.codes, {s.id: s for s in dataset.sources})
    return SiteContent(dataset, retired, redirects, notes, tuple(warnings), reuse, complete)


def codes_with_pages(content):
    """Every code that has a page: current, retired and redirected ones."""
    return ([c.code for c in content.dataset.codes] + [r.code.code for r in content.retired]
            + sorted(content.redirects))
