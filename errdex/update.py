"""`make update`: the maintainer's upstream update, in one safe step.

Re-scrape source/upstream/, compare with the committed dataset, move dropped codes to
source/retired.json (their pages stay), bring back codes upstream lists again, write the
new dataset and update the catalogs, keeping every translation (changed strings fuzzy,
vanished ones obsolete). Nothing is deleted; the working tree is left ready to review and
commit. Notes are never touched: a retired code's note stays on its page.
"""

from dataclasses import dataclass, field

from . import lifecycle, model, pipeline
from .diff import diff_datasets, format_diff
from .translations import update_all


@dataclass
class UpdateReport:
    """What an update did, printed for the maintainer to review."""

    diff_text: str
    retired: list = field(default_factory=list)
    returned: list = field(default_factory=list)
    coverage: list = field(default_factory=list)

    def __str__(self):
        lines = ["== upstream changes ==", self.diff_text]
        if self.retired:
            lines += ["", "== retired (pages kept, marked as retired) ==", *(f"  {c}" for c in self.retired)]
        if self.returned:
            lines += ["", "== listed upstream again (no longer retired) ==", *(f"  {c}" for c in self.returned)]
        lines += ["", "== translations ==", *(f"  {c}" for c in self.coverage)]
        lines += ["", "Next: review 'git diff', translate what is missing or fuzzy (make translations "
                      "reports it), build with 'make site BUILD_FLAGS=--strict', commit, push."]
        return "\n".join(lines)


def update_repository(data_file=pipeline.DATA_FILE, upstream_dir=pipeline.UPSTREAM_DIR,
                      retired_file=lifecycle.RETIRED_FILE, locale_dir=None, strict=False, warn=None):
    """Run the update; return the report. Files are written only once all is read and checked."""
    old = model.load(data_file)
    result = pipeline.scrape_pages(pipeline.upstream_pages(upstream_dir))
    if warn is not None:
        warn(result.warnings, strict)
    new = result.dataset
    diff = diff_datasets(old, new)
    retired = {r.code.code: r for r in lifecycle.load_retired(retired_file)}
    current = {c.code for c in new.codes}
    returned = sorted(code for code in retired if code in current)
    for code in returned:
        del retired[code]
    old_codes = {c.code: c for c in old.codes}
    date = lifecycle.today()
    for code in diff.removed:
        retired[code] = lifecycle.Retired(old_codes[code], date)
    records = tuple(retired.values())
    pipeline.write_atomic(data_file, result.text)
    pipeline.write_atomic(retired_file, lifecycle.dump_retired(records))
    options = {"locale_dir": locale_dir} if locale_dir else {}
    coverage = update_all(new, retired=records, **options)
    lines = []
    for result in coverage:
        lines.append(str(result))
        lines += [f"    to translate: {text!r}" for text in result.pending]
    return UpdateReport(format_diff(diff), list(diff.removed), returned, lines)
