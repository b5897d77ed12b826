"""Links that never break: retired codes, redirects and the registry of published URLs.

- source/retired.json: codes upstream dropped, with their last known data and the date they
  were retired. Their pages stay, marked as retired.
- source/redirects.json: {"OLD": "NEW"} for codes upstream renamed or split. Chains are
  resolved at build time so every redirect page sends the reader on in one hop.
- source/published-urls.txt: every URL the site has published, sorted. A build that would
  drop one of them fails. The build only reads it; new URLs are added by `make urls` and
  `make update` (`build.py build --record-urls`).
"""

import json
import os
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from . import codes as code_syntax
from . import inputs, model, schema
from .errors import BuildError, DataError
from .pipeline import display_path, write_atomic

SOURCE_DIR = Path(__file__).resolve().parent.parent / "source"
RETIRED_FILE = SOURCE_DIR / "retired.json"
REDIRECTS_FILE = SOURCE_DIR / "redirects.json"
REGISTRY_FILE = SOURCE_DIR / "published-urls.txt"


@dataclass(frozen=True)
class Retired:
    """A code upstream no longer lists: its last known data and since when."""

    code: model.Code
    retired_on: str
    # The retrieval date of the last upstream copy that still listed the code (older files: None).
    last_listed: str | None = None


# ---------------------------------------------------------------- retired codes


def load_retired(path=RETIRED_FILE):
    """Read retired.json ({"codes": [{"retired_on": ..., "code": {...}}]}); missing file: none."""
    raw = _read_json(path, {"codes": []}, schema.RETIRED)
    records = []
    for index, item in enumerate(raw["codes"]):
        where = f"codes[{index}]"
        _check_date(path, f"{where}.retired_on", item["retired_on"])
        if item.get("last_listed") is not None:
            _check_date(path, f"{where}.last_listed", item["last_listed"])
        records.append(Retired(model.code_from_json(item["code"]), item["retired_on"], item.get("last_listed")))
    model.check_codes(path, tuple(r.code for r in records), where="codes[{index}].code")
    return tuple(sorted(records, key=lambda r: code_syntax.code_sort_key(r.code.code)))


def dump_retired(records):
    """Serialise retired records deterministically."""
    items = [{"retired_on": r.retired_on, "code": model.code_to_json(r.code), "last_listed": r.last_listed}
             for r in sorted(records, key=lambda r: code_syntax.code_sort_key(r.code.code))]
    return json.dumps({"codes": items}, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _check_date(path, where, text):
    try:
        date.fromisoformat(text)
    except ValueError:
        raise DataError(f"{path}: {where}: expected a date YYYY-MM-DD, got {text!r}") from None


def today():
    """Today's date, or the date of SOURCE_DATE_EPOCH for reproducible runs."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date().isoformat()
    return date.today().isoformat()


# ---------------------------------------------------------------- redirects


def load_redirects(path=REDIRECTS_FILE):
    """Read redirects.json: {"OLD.CODE": "NEW.CODE"}; missing file: none."""
    raw = _read_json(path, {}, schema.REDIRECTS)
    folded = {}
    for old in raw:
        other = folded.setdefault(code_syntax.folder_key(old), old)
        if other != old:
            raise DataError(f"{path}: {old!r} and {other!r} differ only in case: their redirect pages "
                            f"would be one file on a case-insensitive file system; keep one")
    return dict(raw)


def resolve_redirects(redirects, known_codes, path=REDIRECTS_FILE):
    """Follow chains to their end (A→B→C gives A→C); refuse cycles and unknown targets."""
    resolved, folded = {}, {code_syntax.folder_key(code): code for code in known_codes}
    for old in sorted(redirects):
        if old in known_codes:
            raise DataError(f"{path}: {old} is redirected but is still a code of the dataset; "
                            f"remove the redirect or the code")
        if code_syntax.folder_key(old) in folded:
            raise DataError(f"{path}: {old} differs only in case from the code {folded[code_syntax.folder_key(old)]}: its "
                            f"redirect page would be that code's page on a case-insensitive file system")
        seen, target = [old], redirects[old]
        while target in redirects:
            if target in seen:
                raise DataError(f"{path}: redirect cycle {' -> '.join(seen + [target])}")
            seen.append(target)
            target = redirects[target]
        if target not in known_codes:
            raise DataError(f"{path}: {old} redirects to {target}, which is not a code of the dataset "
                            f"or a retired code")
        resolved[old] = target
    return resolved


# ---------------------------------------------------------------- registry of published URLs


def read_registry(path=REGISTRY_FILE):
    """The set of URLs published before (one site-relative path per line)."""
    path = Path(path)
    if not path.exists():
        return set()
    return {line.strip() for line in inputs.read_text(path, within=path.parent).splitlines()
            if line.strip() and not line.startswith("#")}


REGISTRY_HEADER = ("# Every URL this site has published, one per line, sorted. Written by 'make urls';\n"
                   "# commit it. A URL listed here must keep working: see README, 'Links that never break'.\n")
RECORD_COMMAND = "make urls"


def check_registry(published_before, published_now, path=REGISTRY_FILE):
    """Fail if a URL published before would disappear, saying how to keep it."""
    lost = sorted(published_before - published_now)
    if lost:
        shown = "\n  ".join(lost[:20]) + (f"\n  … and {len(lost) - 20} more" if len(lost) > 20 else "")
        raise BuildError(
            f"{len(lost)} URL(s) listed in {path} would disappear:\n  {shown}\n"
            f"Keep a dropped code's page by retiring it (source/retired.json, done by 'make update'), "
            f"or send it on with a redirect (source/redirects.json: {{\"OLD\": \"NEW\"}}).")


def registry_text(urls):
    """The registry file listing these URLs."""
    return REGISTRY_HEADER + "".join(f"{url}\n" for url in sorted(urls))


def unrecorded_urls(published, path=REGISTRY_FILE):
    """The URLs a build published that the registry does not list yet, sorted."""
    return sorted(set(published) - read_registry(path))


def record_urls(published, path=REGISTRY_FILE):
    """Add a build's URLs to the registry, keeping those listed before: its only writer."""
    write_atomic(path, registry_text(read_registry(path) | set(published)))


def registry_step(published, record, path=REGISTRY_FILE):
    """After a build: record its new URLs if asked to; return one line saying what is new, or ''."""
    new = unrecorded_urls(published, path)
    if not new:
        return ""
    if record:
        record_urls(published, path)
        return f"recorded {len(new)} new URL(s) in {display_path(path)}: commit it"
    return (f"{len(new)} new URL(s) not yet recorded in {display_path(path)}: "
            f"run '{RECORD_COMMAND}' and commit it")


def _read_json(path, default, schema_name):
    """A lifecycle file through the door (inside its folder, UTF-8, JSON), checked against its schema."""
    path = Path(path)
    try:
        raw = inputs.read_json(path, within=path.parent)
    except FileNotFoundError:
        return default
    schema.check(raw, path, schema_name)
    return raw
