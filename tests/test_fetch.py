"""`build.py fetch` against a local HTTP server on 127.0.0.1: only whole pages replace saved copies.

The server (stdlib http.server in a thread, a random port) serves the seed page and the
ways a download goes wrong: 304, 404, 500, a timeout, a redirect, a wrong content type, a
body cut short, a page cut in half, a login page. A guard refuses any connection that is
not to 127.0.0.1, so nothing here can reach further.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from errdex import fetch, update
from errdex.errors import DataError
from tests.conftest import ROOT, SEED
from tests.test_update import commit_all, copy_layout

SAVED = SEED.read_text(encoding="utf-8")
NEWER = SAVED.replace("请检查Token是否正确。", "请检查Token是否正确,然后重试。")
HALF = SAVED.encode("utf-8")[:len(SAVED.encode("utf-8")) // 2].decode("utf-8", "ignore")
LOGIN = ('<!DOCTYPE html><html><head><title>登录</title></head><body><form action="/auth/login" method="post">'
         '<input name="user"><input type="password" name="pw"></form></body></html>')
NOT_FOUND_PAGE = "<!DOCTYPE html><html><body><h1>页面不存在</h1><p>The page does not exist.</p></body></html>"
TEXT = "text/plain; charset=utf-8"
ETAG, MODIFIED = '"v2"', "Tue, 01 Dec 2026 08:00:00 GMT"
# Client settings for tests: one retry, no waiting, no proxies from the environment; a timeout
# generous enough for a loaded machine (the timeout cases set their own).
FAST = fetch.Settings(timeout=10, retries=1, backoff=0, delay=0, trust_env=False)


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Refuse any connection that is not to 127.0.0.1."""
    real = socket.create_connection

    def create_connection(address, *args, **kwargs):
        if address[0] not in ("127.0.0.1", "localhost"):
            raise AssertionError(f"a test tried to reach {address}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)


def serve(handler, status=200, headers=(), body=b""):
    """Answer with status, headers and body (str as UTF-8) and a matching Content-Length."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    handler.send_response(status)
    for name, value in headers:
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def conditional(handler):
    """The current page, or 304 when the client already has it."""
    if handler.headers.get("If-None-Match") == ETAG or handler.headers.get("If-Modified-Since") == MODIFIED:
        return serve(handler, 304, [("ETag", ETAG)])
    serve(handler, 200, [("Content-Type", TEXT), ("ETag", ETAG), ("Last-Modified", MODIFIED)], NEWER)


def cut_short(handler):
    """Announce the whole page, send half of it, hang up."""
    data = SAVED.encode("utf-8")
    handler.send_response(200)
    handler.send_header("Content-Type", TEXT)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data[:len(data) // 2])
    handler.wfile.flush()
    handler.close_connection = True


def drip(handler):
    """Send a page a few bytes at a time, each in time for the read timeout."""
    handler.send_response(200)
    handler.send_header("Content-Type", TEXT)
    handler.end_headers()
    for _ in range(80):
        handler.wfile.write(b"x" * 10)
        handler.wfile.flush()
        time.sleep(0.05)


def slow(handler):
    """Answer only after the client has given up."""
    time.sleep(1.5)
    serve(handler, 200, [("Content-Type", TEXT)], NEWER)


ROUTES = {
    "/page": conditional,
    "/same": lambda h: serve(h, 200, [("Content-Type", TEXT), ("ETag", '"v1"')], SAVED),
    "/missing": lambda h: serve(h, 404, [("Content-Type", "text/html")], NOT_FOUND_PAGE),
    "/broken": lambda h: serve(h, 500, [("Content-Type", "text/html")], "Internal Server Error"),
    "/busy": lambda h: serve(h, 503, [("Retry-After", "7")]),
    "/slow": slow,
    "/drip": drip,
    "/moved": lambda h: serve(h, 301, [("Location", "/page")]),
    "/to-login": lambda h: serve(h, 302, [("Location", "/auth/login?next=/page")]),
    "/auth/login": lambda h: serve(h, 200, [("Content-Type", "text/html")], LOGIN),
    "/login-here": lambda h: serve(h, 200, [("Content-Type", "text/html; charset=utf-8")], LOGIN),
    "/soft-404": lambda h: serve(h, 200, [("Content-Type", "text/html")], NOT_FOUND_PAGE),
    "/pdf": lambda h: serve(h, 200, [("Content-Type", "application/pdf")], b"%PDF-1.7 ..."),
    "/cut": cut_short,
    "/half": lambda h: serve(h, 200, [("Content-Type", TEXT)], HALF),
    "/crlf": lambda h: serve(h, 200, [("Content-Type", TEXT)], SAVED.replace("\n", "\r\n")),
    "/gbk": lambda h: serve(h, 200, [("Content-Type", "text/plain; charset=gbk")], NEWER.encode("gbk")),
    "/big": lambda h: serve(h, 200, [("Content-Type", TEXT)], SAVED * 3),
}


class Handler(BaseHTTPRequestHandler):
    """Serve ROUTES and log each request's path and headers on the server."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.server.requests.append((self.path, dict(self.headers)))
        ROUTES[self.path.split("?")[0]](self)

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout case)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def url(server, path):
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def folder_with(tmp_path, server, *routes, saved=SAVED, **fields):
    """An upstream folder: one saved copy and provenance record per route."""
    folder = tmp_path / "upstream"
    folder.mkdir(parents=True, exist_ok=True)
    records = []
    for route in routes:
        name = f"{route.strip('/').replace('/', '-')}.zh.txt"
        if saved is not None:
            (folder / name).write_text(saved, encoding="utf-8")
        records.append({"file": name, "id": name[:-4], "service": "Image Recognition",
                        "service_name": {"zh": "图像识别", "en": "Image Recognition"}, "language": "zh",
                        "url": url(server, route), "origin": "test", "retrieved": "2026-11-27",
                        "etag": None, "last_modified": None, **fields})
    (folder / "provenance.json").write_text(json.dumps({"pages": records}, ensure_ascii=False, indent=2) + "\n",
                                            encoding="utf-8")
    return folder


def fetch_one(tmp_path, server, route, settings=FAST, **fields):
    """Fetch one route into a fresh folder; return its result, the folder and the saved copy's path."""
    folder = folder_with(tmp_path, server, route, **fields)
    report = fetch.fetch_pages(folder, settings=settings, sleep=lambda seconds: None)
    (result,) = report.results
    return result, folder, folder / result.file


def provenance(folder):
    return json.loads((folder / "provenance.json").read_text(encoding="utf-8"))["pages"]


# ---------------------------------------------------------------- the cases


def test_200_updates_the_copy_and_records_date_etag_and_last_modified(tmp_path, server, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01
    result, folder, saved = fetch_one(tmp_path, server, "/page")
    assert str(result) == (f"updated   page.zh.txt: 77 codes, 1 table, 13,934 bytes -> 77 codes, 1 table, "
                           f"{len(NEWER.encode()):,} bytes")
    assert saved.read_text(encoding="utf-8") == NEWER
    (record,) = provenance(folder)
    assert (record["retrieved"], record["etag"], record["last_modified"]) == ("2026-12-01", ETAG, MODIFIED)
    assert record["service_name"] == {"zh": "图像识别", "en": "Image Recognition"}  # the rest kept as it was


def test_304_when_the_record_has_the_etag_leaves_everything_as_it_was(tmp_path, server):
    server.requests.clear()
    result, folder, saved = fetch_one(tmp_path, server, "/page", etag=ETAG, last_modified=MODIFIED)
    assert str(result) == "unchanged page.zh.txt: 304 Not Modified"
    assert server.requests[0][1]["If-None-Match"] == ETAG
    assert server.requests[0][1]["If-Modified-Since"] == MODIFIED
    assert saved.read_text(encoding="utf-8") == SAVED
    assert provenance(folder)[0]["retrieved"] == "2026-11-27"


def test_304_on_last_modified_alone_takes_the_etag_the_server_now_sends(tmp_path, server):
    server.requests.clear()
    result, folder, saved = fetch_one(tmp_path, server, "/page", last_modified=MODIFIED)
    assert str(result) == "unchanged page.zh.txt: 304 Not Modified" and "If-None-Match" not in server.requests[0][1]
    assert (provenance(folder)[0]["etag"], provenance(folder)[0]["last_modified"]) == (ETAG, MODIFIED)


def test_a_refused_connection_is_retried_then_fails(tmp_path, server):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    waits = []
    folder = folder_with(tmp_path, server, "/page", url=f"http://127.0.0.1:{port}/page")
    settings = replace(FAST, retries=2, backoff=0.5)
    (result,) = fetch.fetch_pages(folder, settings=settings, sleep=waits.append).results
    assert result.outcome == "failed" and result.why.startswith("ConnectError: ")
    assert waits == [0.5, 1.0]  # exponential backoff, bounded by the retries


def test_no_conditional_request_without_a_saved_copy(tmp_path, server):
    server.requests.clear()
    folder = folder_with(tmp_path, server, "/page", saved=None, etag=ETAG)
    (result,) = fetch.fetch_pages(folder, settings=FAST).results
    assert "If-None-Match" not in server.requests[0][1]
    assert result.outcome == "updated" and result.why.startswith("new copy: 77 codes")


def test_the_same_content_is_unchanged_but_its_new_etag_is_kept(tmp_path, server):
    result, folder, saved = fetch_one(tmp_path, server, "/same")
    assert str(result) == "unchanged same.zh.txt: same content"
    assert provenance(folder)[0]["etag"] == '"v1"' and provenance(folder)[0]["retrieved"] == "2026-11-27"


def test_the_same_page_with_other_newlines_is_unchanged(tmp_path, server):
    result, folder, saved = fetch_one(tmp_path, server, "/crlf")
    assert str(result) == "unchanged crlf.zh.txt: same content"


def test_404_fails_and_keeps_the_copy(tmp_path, server):
    result, folder, saved = fetch_one(tmp_path, server, "/missing")
    assert str(result) == "failed    missing.zh.txt: HTTP 404 Not Found"
    assert saved.read_text(encoding="utf-8") == SAVED


def test_500_is_retried_then_fails(tmp_path, server):
    server.requests.clear()
    result, folder, saved = fetch_one(tmp_path, server, "/broken")
    assert str(result) == "failed    broken.zh.txt: HTTP 500 Internal Server Error"
    assert [path for path, _ in server.requests] == ["/broken", "/broken"]  # one try and one retry
    assert saved.read_text(encoding="utf-8") == SAVED


def test_timeout_is_retried_then_fails(tmp_path, server):
    started = time.monotonic()
    result, folder, saved = fetch_one(tmp_path, server, "/slow", settings=replace(FAST, timeout=0.3))
    assert str(result) == "failed    slow.zh.txt: timed out (no answer within 0.3 s)"
    assert time.monotonic() - started < 2.5  # two tries of 0.3 s; waiting for the server, 3 s
    assert saved.read_text(encoding="utf-8") == SAVED


def test_redirect_is_followed_and_said(tmp_path, server):
    result, folder, saved = fetch_one(tmp_path, server, "/moved")
    assert result.outcome == "updated"
    assert result.why.endswith(f"; redirected to {url(server, '/page')} (update its url if the move is permanent)")
    assert saved.read_text(encoding="utf-8") == NEWER


def test_wrong_content_type_is_refused(tmp_path, server):
    result, folder, saved = fetch_one(tmp_path, server, "/pdf")
    assert result.outcome == "refused"
    assert result.why.startswith("content type 'application/pdf' is not a page (expected one of")
    assert saved.read_text(encoding="utf-8") == SAVED


def test_body_shorter_than_its_content_length_is_refused(tmp_path, server):
    result, folder, saved = fetch_one(tmp_path, server, "/cut")
    assert result.outcome == "refused" and result.why.startswith("body cut short")
    assert saved.read_text(encoding="utf-8") == SAVED


def test_page_cut_in_half_is_refused_by_the_removal_guard(tmp_path, server):
    result, folder, saved = fetch_one(tmp_path, server, "/half")
    assert result.outcome == "refused"
    assert result.why.startswith("the removal guard, against the saved copy: lost 41 of 77 codes (53.2%, more "
                                 "than 10%); shrank from 13,934 to 6,966 bytes (50% smaller, more than half)")
    assert saved.read_text(encoding="utf-8") == SAVED
    accepting = replace(FAST, accept_removals=frozenset({"half.zh.txt"}))
    result, folder, saved = fetch_one(tmp_path / "again", server, "/half", settings=accepting)
    assert result.outcome == "updated" and result.why.endswith("removals accepted")
    assert saved.read_text(encoding="utf-8") == HALF


def test_login_page_is_refused(tmp_path, server):
    result, folder, saved = fetch_one(tmp_path, server, "/login-here")
    assert str(result) == "refused   login-here.zh.txt: looks like a sign-in page (a password field)"
    result, folder, saved = fetch_one(tmp_path / "again", server, "/to-login")
    assert result.why == (f"looks like a sign-in page (redirected to a sign-in address, "
                          f"{url(server, '/auth/login?next=/page')})")
    assert saved.read_text(encoding="utf-8") == SAVED


def test_error_page_served_as_200_is_refused(tmp_path, server):
    result, folder, saved = fetch_one(tmp_path, server, "/soft-404")
    assert result.outcome == "refused"
    assert result.why.startswith("not an error-code page, an error or sign-in page? (")
    assert f"{tmp_path}/upstream/soft-404.zh.txt: no table found" in result.why
    assert result.why.endswith("; the saved copy has 77 codes, 1 table, 13,934 bytes")
    assert saved.read_text(encoding="utf-8") == SAVED


def test_a_page_over_the_size_cap_is_refused_before_it_is_read(tmp_path, server):
    capped = replace(FAST, max_bytes=20_000)
    result, folder, saved = fetch_one(tmp_path, server, "/big", settings=capped)
    assert str(result) == "refused   big.zh.txt: larger than the 20,000-byte cap (41,802 bytes announced)"


def test_a_server_that_drips_bytes_is_given_up_at_the_deadline(tmp_path, server):
    started = time.monotonic()
    result, folder, saved = fetch_one(tmp_path, server, "/drip", settings=replace(FAST, deadline=0.3, retries=0))
    assert str(result) == "refused   drip.zh.txt: too slow: not all read within 0.3 s"
    assert time.monotonic() - started < 2.5 and saved.read_text(encoding="utf-8") == SAVED  # the drip: 4 s


def test_a_declared_charset_is_decoded_and_saved_as_utf8(tmp_path, server):
    result, folder, saved = fetch_one(tmp_path, server, "/gbk")
    assert result.outcome == "updated" and saved.read_text(encoding="utf-8") == NEWER


# ---------------------------------------------------------------- a run of several pages


def test_one_run_writes_the_good_pages_and_the_provenance_once(tmp_path, server, monkeypatch):
    folder = folder_with(tmp_path, server, "/page", "/missing", "/half")
    waits = []
    settings = replace(FAST, delay=0.25)
    written, real_write_all = [], update.write_all
    monkeypatch.setattr(update, "write_all", lambda files: written.append(sorted(files)) or real_write_all(files))
    report = fetch.fetch_pages(folder, settings=settings, sleep=waits.append)
    assert [r.outcome for r in report.results] == ["updated", "failed", "refused"]
    assert waits == [0.25, 0.25]  # the polite delay between requests, none before the first
    assert written == [[folder / "page.zh.txt", folder / "provenance.json"]]  # one write, at the end
    assert not report.ok and str(report).startswith("fetched 3 page(s): 0 unchanged, 1 updated, 1 refused, 1 failed")


def test_records_without_a_url_are_counted_not_fetched_and_a_page_can_be_named(tmp_path, server):
    folder = folder_with(tmp_path, server, "/page", "/missing")
    raw = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    raw["pages"][1]["url"] = None
    (folder / "provenance.json").write_text(json.dumps(raw), encoding="utf-8")
    report = fetch.fetch_pages(folder, settings=FAST)
    assert [r.file for r in report.results] == ["page.zh.txt"] and report.skipped == ("missing.zh.txt",)
    assert "; 1 without a public URL, not fetched; wrote " in str(report)
    assert fetch.fetch_pages(folder, settings=FAST, only=("missing.zh",)).results == ()  # named, but no url


def test_dry_run_writes_nothing(tmp_path, server):
    folder = folder_with(tmp_path, server, "/page")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    report = fetch.fetch_pages(folder, settings=replace(FAST, dry_run=True))
    assert [r.outcome for r in report.results] == ["updated"] and str(report).endswith("dry run: nothing written")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_backoff_doubles_and_honours_retry_after():
    settings = fetch.Settings(backoff=0.5)
    assert [fetch.backoff(settings, n) for n in range(3)] == [0.5, 1.0, 2.0]
    assert fetch.backoff(settings, 0, "7") == 7.0 and fetch.backoff(settings, 0, "9999") == fetch.MAX_BACKOFF


def test_a_busy_server_is_retried_after_the_time_it_asks(tmp_path, server):
    waits = []
    folder = folder_with(tmp_path, server, "/busy")
    settings = replace(FAST, retries=2)
    (result,) = fetch.fetch_pages(folder, settings=settings, sleep=waits.append).results
    assert waits == [7.0, 7.0] and str(result) == "failed    busy.zh.txt: HTTP 503 Service Unavailable"


def test_records_that_fetch_cannot_use_are_refused(tmp_path, server):
    folder = folder_with(tmp_path, server, "/page", file="../escape.txt")
    with pytest.raises(DataError, match=r"pages\[0\].file: expected a file name in the folder, got '../escape.txt'"):
        fetch.fetch_pages(folder, settings=FAST)
    folder = folder_with(tmp_path / "b", server, "/page", url="file:///etc/passwd")
    with pytest.raises(DataError, match=r"pages\[0\].url: expected an http\(s\) URL or null"):
        fetch.fetch_pages(folder, settings=FAST)
    folder = folder_with(tmp_path / "d", server, "/page", etag='"v1"\r\nX-Evil: 1')
    with pytest.raises(DataError, match=r"pages\[0\].etag: expected one line of printable ASCII"):
        fetch.fetch_pages(folder, settings=FAST)
    with pytest.raises(DataError, match="nope: no such page in provenance.json"):
        fetch.fetch_pages(folder_with(tmp_path / "c", server, "/page"), settings=FAST, only=("nope",))


def test_cli_prints_a_line_per_page_and_exits_1_when_one_failed(tmp_path, server):
    copy = copy_layout(tmp_path / "repo")
    shutil.rmtree(copy / "source" / "upstream")
    folder_with(copy / "source", server, "/page", "/missing", etag=ETAG)
    done = subprocess.run([sys.executable, str(copy / "build.py"), "fetch", "--delay", "0", "--retries", "0"],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "NO_PROXY": "127.0.0.1"})
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        "unchanged page.zh.txt: 304 Not Modified", "failed    missing.zh.txt: HTTP 404 Not Found",
        "fetched 2 page(s): 1 unchanged, 0 updated, 0 refused, 1 failed; wrote nothing (nothing changed)"]


@pytest.mark.parametrize("option", ["--delay=-1", "--retries=-1", "--max-bytes=0", "--timeout=0",
                                    "--max-removed-share=120%", "--max-removed-share=lots"])
def test_cli_refuses_options_out_of_range(option):
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "fetch", "--dry-run", option],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "error: argument" in done.stderr and "Traceback" not in done.stderr


def test_the_repository_provenance_is_readable_by_fetch():
    path, raw = fetch.load_records(ROOT / "source" / "upstream")
    chosen, skipped = fetch.select(raw["pages"], (), ())
    assert len(chosen) + len(skipped) == len(raw["pages"]) >= 1
    assert all(record["url"].startswith("https://") for record in chosen)


def test_fetch_then_update_each_guard_its_own_step(tmp_path, server):
    """`make update` runs fetch, then update: a page cut in half is refused by fetch; let
    through by fetch, it still stops update (against the last commit) until accepted there."""
    copy = copy_layout(tmp_path / "repo")
    records = copy / "source" / "upstream" / "provenance.json"
    raw = json.loads(records.read_text(encoding="utf-8"))
    for record in raw["pages"]:
        record["url"] = url(server, "/half") if record["file"] == SEED.name else None
    records.write_text(json.dumps(raw, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    commit_all(copy)

    def build(*args):
        return subprocess.run([sys.executable, str(copy / "build.py"), *args], capture_output=True, text=True,
                              timeout=300, env={**os.environ, "NO_PROXY": "127.0.0.1"})

    fetched = build("fetch", "--delay", "0")
    assert fetched.returncode == 1 and fetched.stdout.startswith(f"refused   {SEED.name}: the removal guard")
    accept = ("--accept-removals", SEED.name)
    assert build("fetch", "--delay", "0", *accept).returncode == 0
    assert (copy / "source" / "upstream" / SEED.name).read_text(encoding="utf-8") == HALF
    updated = build("update")
    assert updated.returncode == 2 and "lost 41 of 77 codes" in updated.stderr
    updated = build("update", *accept)
    assert updated.returncode == 0, updated.stderr
    assert "retired (pages kept, marked as retired)" in updated.stdout


CONTENT_TYPES = st.one_of(st.sampled_from(["text/html", "text/plain", "text/x-rst", "application/json", ""]),
                          st.text(max_size=40))
CHARSETS = st.one_of(st.sampled_from(["", "utf-8", "gbk", "utf-16", "punycode", "rot13", "idna", "x-nope"]),
                     st.text(max_size=12))
BODIES = st.one_of(st.binary(max_size=400), st.sampled_from([SAVED, HALF, LOGIN, NOT_FOUND_PAGE]).map(str.encode))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(status=st.sampled_from([200, 200, 200, 304, 404, 500]), kind=CONTENT_TYPES, charset=CHARSETS, body=BODIES,
       saved=st.sampled_from([SAVED, None]))
def test_any_answer_is_judged_never_raised(status, kind, charset, body, saved):
    headers = {"content-type": f"{kind}; charset={charset}" if charset else kind}
    answer = fetch.Download("http://127.0.0.1/x", status=status, reason="", headers=headers, body=body)
    record = {"file": "x.zh.txt", "id": "x.zh", "url": answer.url}
    result = fetch.judge("x.zh.txt", record, saved, answer, FAST, "2026-12-01")
    assert result.outcome in ("unchanged", "updated", "refused", "failed") and result.why
    assert (result.text is not None) == (result.outcome == "updated")
