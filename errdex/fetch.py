"""`build.py fetch`: download the upstream pages listed in source/upstream/provenance.json.

Every record whose `url` is set is fetched with httpx: a timeout, a few retries with
exponential backoff (connection errors, timeouts, 408/429/5xx), a size cap, a content-type
check, a conditional request (If-None-Match / If-Modified-Since from the record's `etag`
and `last_modified`), and a polite delay between requests. A download replaces the saved
copy only when it is a whole error-code page: never an error status, a login page, a page
the scraper cannot read, a body shorter than its Content-Length, or a page that lost more
than the removal guard allows against the saved copy. The pages and the provenance file
(new retrieval dates, ETags and Last-Modified) are written together at the end, all or
none; `--dry-run` writes nothing.

Each page ends as one of: unchanged (304, or the same content), updated, refused (the
server answered, but not with a page to keep: why) or failed (no usable answer: why).
"""

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import dataset as dataset_stage
from . import guard, lifecycle, pipeline
from .errors import DataError

# Media types an upstream page comes as: Huawei's HTML and Markdown exports, Sphinx sources.
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/markdown", "text/x-markdown",
                        "text/plain", "text/x-rst", "text/prs.fallenstein.rst"})
ACCEPT = "text/html, text/markdown, text/x-rst, text/plain;q=0.9, */*;q=0.1"
USER_AGENT = "errdex-fetch/1 (static error-code reference; polite: one request at a time)"
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_BACKOFF = 60.0  # seconds: a Retry-After beyond this is not waited for
# What a login page has and a documentation page does not; a new marker is one line.
LOGIN_MARKERS = (
    ("a password field", re.compile(r"<input\b[^>]*\btype\s*=\s*[\"']?password", re.I)),
    ("a form that posts to a sign-in address",
     re.compile(r"<form\b[^>]*\baction\s*=\s*[\"']?[^\"'>]*(?:log-?in|sign-?in|/sso/|/auth/)", re.I)),
)
LOGIN_URL_RE = re.compile(r"log-?in|sign-?in|/sso/|/auth/|/cas/", re.I)


@dataclass(frozen=True)
class Settings:
    """How to fetch: limits, politeness, and the removal guard's options."""

    timeout: float = 20.0  # for each phase: connecting, each read, each write
    deadline: float = 120.0  # for a whole download: a server that drips bytes is given up
    retries: int = 2
    backoff: float = 1.0
    delay: float = 1.0
    max_bytes: int = 5_000_000
    max_removed_share: float = guard.DEFAULT_MAX_REMOVED_SHARE
    accept_removals: frozenset = frozenset()
    dry_run: bool = False
    trust_env: bool = True  # proxies and certificates from the environment, as curl does


@dataclass(frozen=True)
class Download:
    """What one GET gave: status, final URL, headers and body, or the problem met."""

    url: str
    status: int | None = None
    reason: str = ""
    headers: dict = field(default_factory=dict)
    body: bytes | None = None
    problem: str | None = None
    truncated: bool = False
    final: bool = False  # a problem that retrying cannot mend (too large, a bad address)
    redirected_to: str | None = None


@dataclass(frozen=True)
class Result:
    """One page's outcome, why, and what to save (new text, new provenance record)."""

    file: str
    outcome: str
    why: str
    text: str | None = None
    record: dict | None = None

    def __str__(self):
        """One line per page, outcome first, for the maintainer and for scripts."""
        return f"{self.outcome:<9} {self.file}: {self.why}"


@dataclass(frozen=True)
class FetchReport:
    """Every page's result, the pages without a URL, and the files written."""

    results: tuple
    skipped: tuple
    written: tuple
    dry_run: bool

    @property
    def ok(self):
        """True when no page was refused or failed."""
        return all(r.outcome in ("unchanged", "updated") for r in self.results)

    def __str__(self):
        """The closing summary."""
        counts = {o: sum(1 for r in self.results if r.outcome == o)
                  for o in ("unchanged", "updated", "refused", "failed")}
        text = f"fetched {len(self.results)} page(s): " + ", ".join(f"{n} {o}" for o, n in counts.items())
        if self.skipped:
            text += f"; {len(self.skipped)} without a public URL, not fetched"
        if self.dry_run:
            return text + "; dry run: nothing written"
        written = ", ".join(self.written) if self.written else "nothing (nothing changed)"
        return text + f"; wrote {written}"


# ---------------------------------------------------------------- the provenance records


def load_records(folder):
    """The provenance file's path, its JSON and its records, each checked for what fetch uses."""
    path = Path(folder) / dataset_stage.PROVENANCE_FILE
    if not path.exists():
        raise DataError(f"{pipeline.display_path(path)}: no such file: it lists the pages to fetch")
    dataset_stage.read_provenance(folder)  # the dataset stage's own checks first
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("pages"), list):
        raise DataError(f"{pipeline.display_path(path)}: expected an object with a list of 'pages'")
    for index, record in enumerate(raw["pages"]):
        check_record(path, index, record)
    return path, raw


def check_record(path, index, record):
    """Refuse a record fetch cannot use safely (a file outside the folder, a URL that is not http)."""
    where = f"{pipeline.display_path(path)}: pages[{index}]"
    name = record["file"]
    if Path(name).name != name or name in ("", ".", "..") or name.startswith("."):
        raise DataError(f"{where}.file: expected a file name in the folder, got {name!r}")
    url = record.get("url")
    if url is not None and not (isinstance(url, str) and re.match(r"https?://[^/\s]+", url)):
        raise DataError(f"{where}.url: expected an http(s) URL or null, got {url!r}")
    for key in ("etag", "last_modified", "id"):
        if not isinstance(record.get(key), (str, type(None))):
            raise DataError(f"{where}.{key}: expected a string or null, got {record[key]!r}")
    for key in ("etag", "last_modified"):  # sent back as request headers: one line of ASCII
        if record.get(key) and not re.fullmatch(r"[\x20-\x7e]+", record[key]):
            raise DataError(f"{where}.{key}: expected one line of printable ASCII, got {record[key]!r}")


def select(records, only, accepted):
    """The records to fetch (all with a URL, or those named) and those without a URL."""
    names = {name for r in records for name in (r["file"], r.get("id")) if name}
    for given in [*only, *accepted]:
        if given not in names:
            raise DataError(f"{given}: no such page in {dataset_stage.PROVENANCE_FILE} (give a file name "
                            f"or an id, e.g. {sorted(names)[:3]})")
    chosen = [r for r in records if not only or {r["file"], r.get("id")} & set(only)]
    return [r for r in chosen if r.get("url")], [r for r in chosen if not r.get("url")]


def conditional_headers(record):
    """If-None-Match and If-Modified-Since from a record's validators."""
    headers = {}
    if record.get("etag"):
        headers["If-None-Match"] = record["etag"]
    if record.get("last_modified"):
        headers["If-Modified-Since"] = record["last_modified"]
    return headers


def with_validators(record, download, retrieved=None):
    """The record with the response's ETag and Last-Modified (and a retrieval date if given)."""
    headers = download.headers
    updated = dict(record)
    if retrieved is not None:  # a new copy: its validators are exactly the response's
        updated.update(retrieved=retrieved, etag=headers.get("etag"), last_modified=headers.get("last-modified"))
    else:  # a 304 may renew them; a header it does not send keeps the old value
        for key, header in (("etag", "etag"), ("last_modified", "last-modified")):
            if headers.get(header):
                updated[key] = headers[header]
    return updated


# ---------------------------------------------------------------- downloading


def make_client(settings):
    """An httpx client: redirects followed (5 at most), one timeout per phase, our headers."""
    import httpx  # loaded by fetch alone
    return httpx.Client(follow_redirects=True, max_redirects=5, timeout=httpx.Timeout(settings.timeout),
                        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT}, trust_env=settings.trust_env)


def download(client, url, headers, settings, sleep=time.sleep):
    """GET a URL, retrying what may mend (bounded, with exponential backoff)."""
    tries = max(settings.retries, 0) + 1
    for attempt in range(tries):
        result = get_once(client, url, headers, settings)
        retry = (result.problem and not result.final) or result.status in RETRY_STATUSES
        if not retry or attempt == tries - 1:
            return result
        sleep(backoff(settings, attempt, result.headers.get("retry-after")))
    return result


def backoff(settings, attempt, retry_after=None):
    """Seconds to wait before try attempt+2: the server's Retry-After, else backoff * 2^attempt."""
    if retry_after and retry_after.strip().isdigit():
        return min(float(retry_after), MAX_BACKOFF)
    return min(settings.backoff * 2 ** attempt, MAX_BACKOFF)


def get_once(client, url, headers, settings):
    """One GET, its body read up to the size cap; transport problems become a Download."""
    import httpx
    try:
        with client.stream("GET", url, headers=headers) as response:
            return _read(response, url, settings)
    except httpx.TimeoutException:
        return Download(url, problem=f"timed out (no answer within {settings.timeout:g} s)")
    except httpx.RemoteProtocolError as error:
        return Download(url, problem=f"body cut short or garbled ({error})", truncated=True)
    except httpx.TooManyRedirects:
        return Download(url, problem="too many redirects (more than 5)", final=True)
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as error:
        return Download(url, problem=f"cannot follow the address ({error})", final=True)
    except httpx.TransportError as error:
        return Download(url, problem=f"{type(error).__name__}: {error}")


def _read(response, url, settings):
    """Read a streamed response within the size cap; check the body against Content-Length."""
    headers = {k.lower(): v for k, v in response.headers.items()}
    moved = str(response.url) if response.history else None
    answer = dict(url=url, status=response.status_code, reason=response.reason_phrase, headers=headers,
                  redirected_to=moved)
    announced = headers.get("content-length", "")
    if announced.isdigit() and int(announced) > settings.max_bytes:
        return Download(**answer, problem=f"larger than the {settings.max_bytes:,}-byte cap "
                                          f"({int(announced):,} bytes announced)", final=True)
    if response.status_code != 200:
        return Download(**answer)
    chunks, size, give_up = [], 0, time.monotonic() + settings.deadline
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > settings.max_bytes:
            return Download(**answer, problem=f"larger than the {settings.max_bytes:,}-byte cap", final=True)
        if time.monotonic() > give_up:
            return Download(**answer, problem=f"too slow: not all read within {settings.deadline:g} s")
        chunks.append(chunk)
    if announced.isdigit() and "content-encoding" not in headers and response.num_bytes_downloaded != int(announced):
        return Download(**answer, problem=f"body cut short: {response.num_bytes_downloaded:,} of the "
                                          f"{int(announced):,} bytes its Content-Length announced",
                        truncated=True)
    return Download(**answer, body=b"".join(chunks))


# ---------------------------------------------------------------- judging a download


def decode(download):
    """The body as text in its declared charset (UTF-8 when none), newlines as the scraper
    reads a saved copy, or None and why not."""
    charset = _parameter(download.headers.get("content-type", ""), "charset") or "utf-8"
    try:
        text = download.body.decode("utf-8-sig" if charset.lower() in ("utf-8", "utf8") else charset)
        return guard.universal_newlines(text), None
    except UnicodeDecodeError as error:
        return None, f"not {charset} text ({error.reason} at byte {error.start})"
    except (LookupError, ValueError) as error:  # an unknown or non-text codec ('rot13', 'punycode')
        return None, f"cannot read it as charset {charset!r} ({error})"


def _parameter(content_type, name):
    """A parameter of a Content-Type header ('charset'), or None."""
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == name:
            return value.strip().strip('"') or None
    return None


def media_type(download):
    """The response's media type, lower case, without parameters."""
    return download.headers.get("content-type", "").split(";")[0].strip().lower()


def login_marker(text, download):
    """Name what makes a body look like a sign-in page, or None."""
    if download.redirected_to and LOGIN_URL_RE.search(download.redirected_to):
        return f"redirected to a sign-in address, {download.redirected_to}"
    return next((name for name, pattern in LOGIN_MARKERS if pattern.search(text)), None)


def judge(page, record, saved, download, settings, retrieved):
    """Decide what a download means for the saved copy of a page (its path, for messages);
    pure: nothing is written."""
    file = record["file"]
    if download.problem:  # refused: the server answered, but not with a whole page
        answered = download.truncated or download.status is not None
        return Result(file, "refused" if answered else "failed", download.problem)
    if download.status == 304 and saved is not None:
        return Result(file, "unchanged", "304 Not Modified", record=with_validators(record, download))
    if download.status != 200:
        return Result(file, "failed", f"HTTP {download.status} {download.reason}".rstrip())
    text, problem = page_text(download)
    if text is None:
        return Result(file, "refused", problem)
    if text == saved:
        return Result(file, "unchanged", "same content", record=with_validators(record, download))
    return judge_content(page, record, saved, text, download, settings, retrieved)


def page_text(download):
    """A 200's body as page text, or None and why it is no page (type, charset, a sign-in page)."""
    kind = media_type(download)
    if kind not in PAGE_TYPES:
        return None, (f"content type {kind or '(none)'!r} is not a page (expected one of "
                      f"{', '.join(sorted(PAGE_TYPES))})")
    text, problem = decode(download)
    if text is None:
        return None, problem
    marker = login_marker(text, download)
    if marker:
        return None, f"looks like a sign-in page ({marker})"
    return text, None


def judge_content(page, record, saved, text, download, settings, retrieved):
    """Update the copy with a new text that scrapes and keeps what the saved copy had."""
    file = record["file"]
    after = guard.shape_of(page, text)
    before = guard.shape_of(page, saved) if saved is not None else None
    if after.unreadable:
        had = f"; the saved copy has {guard.describe(before)}" if before else ""
        return Result(file, "refused", f"not an error-code page, an error or sign-in page? ({after.unreadable}){had}")
    lost = guard.losses(before, after, settings.max_removed_share)
    accepted = bool({file, record.get("id")} & settings.accept_removals)
    if lost and not accepted:
        return Result(file, "refused", f"the removal guard, against the saved copy: {'; '.join(lost)} "
                      f"(a cut or partial page? if upstream really dropped them: --accept-removals {file})")
    why = f"{guard.describe(before)} -> {guard.describe(after)}" if before else f"new copy: {guard.describe(after)}"
    if download.redirected_to:
        why += f"; redirected to {download.redirected_to} (update its url if the move is permanent)"
    if lost:
        why += "; removals accepted"
    return Result(file, "updated", why, text, with_validators(record, download, retrieved))


# ---------------------------------------------------------------- the command


def read_saved(path):
    """The saved copy's text, or None when there is none (or it is not UTF-8 text)."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (FileNotFoundError, UnicodeDecodeError):
        return None


def fetch_page(client, folder, record, settings, sleep=time.sleep):
    """Download one page (conditionally when a copy is saved) and judge the answer."""
    target = Path(folder) / record["file"]
    saved = read_saved(target)
    headers = conditional_headers(record) if saved is not None else {}
    answer = download(client, record["url"], headers, settings, sleep)
    return judge(pipeline.display_path(target), record, saved, answer, settings, lifecycle.today())


def fetch_pages(folder=pipeline.UPSTREAM_DIR, settings=Settings(), only=(), report=None, client=None,
                sleep=time.sleep):
    """Fetch the pages of a folder's provenance file; write the good ones and the file at the end."""
    from .update import write_all
    path, raw = load_records(folder)
    chosen, skipped = select(raw["pages"], only, settings.accept_removals)
    results = []
    owned = client is None
    client = make_client(settings) if owned else client
    try:
        for index, record in enumerate(chosen):
            if index and settings.delay:
                sleep(settings.delay)
            results.append(fetch_page(client, folder, record, settings, sleep))
            if report is not None:
                report(results[-1])
    finally:
        if owned:
            client.close()
    written = () if settings.dry_run else write_all(files_to_write(Path(folder), path, raw, results))
    return FetchReport(tuple(results), tuple(r["file"] for r in skipped),
                       tuple(pipeline.display_path(p) for p in written), settings.dry_run)


def files_to_write(folder, path, raw, results):
    """{path: text} of the updated pages and, when a record changed, the provenance file (last:
    a run killed midway leaves old validators, and the next run finds the pages unchanged)."""
    files = {folder / r.file: r.text for r in results if r.text is not None}
    changes = {r.file: r.record for r in results if r.record is not None}
    pages = [changes.get(record["file"], record) for record in raw["pages"]]
    if pages != raw["pages"]:
        files[path] = json.dumps({**raw, "pages": pages}, ensure_ascii=False, indent=2) + "\n"
    return files
