"""A hostile translator: catalogs whose every translation carries markup, for both catalogs
(zh/messages.po, en/content.po), build a site whose DOM is the ordinary site's, with the
markup as text; broken placeholders stop the build with a DataError naming the line.

The site is built by build.py in a copy of the repository's layout (a temporary folder), so
the copy's catalogs are the ones the build reads.
"""

import io
import re
import shutil
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po, write_po

from errdex.serve import serve_in_background
from tests.browsing import LANDING, new_watched_context, close_and_check, open_settled, page_types
from tests.conftest import BASE_PATH, ROOT

SITE_URL = "https://example.test/repo/"
PAYLOADS = [
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<script>window.__pwned = 1</script>',
    '<img src="x" onerror="window.__pwned = 2">',
    '" onfocus="window.__pwned = 3" autofocus x="',
    "' onmouseover='window.__pwned = 4' x='",
    '</title></textarea><svg onload="window.__pwned = 5">',
    '<a href="javascript:window.__pwned = 6">link</a>',
    '<iframe src="https://evil.example/"></iframe>',
]
# Catalogs in the copy, and what each message gets: the payloads go after the translation,
# so that Markdown structure at its start (lists in content) and its placeholders stay.
CATALOGS = [("zh", "messages"), ("en", "content")]


def copy_of_repository(folder):
    """The files a build reads, copied into `folder` (the upstream pages are not needed)."""
    for name in ("errdex", "templates", "schema"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "build.py", folder / "build.py")
    shutil.copytree(ROOT / "source", folder / "source", ignore=shutil.ignore_patterns("upstream"))
    return folder


def rewrite_catalog(path, lang, change):
    """Apply `change(message)` to every translated message of a PO file."""
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale=lang)
    for message in catalog:
        if message.id and message.string:
            change(message)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0)
    path.write_bytes(buffer.getvalue())


def make_hostile(repo):
    """Every translation of both catalogs followed by a payload (taken in turn)."""
    turn = iter(range(10 ** 6))
    for lang, domain in CATALOGS:
        def hostile(message):
            if isinstance(message.string, (tuple, list)):
                message.string = tuple(f"{form} {PAYLOADS[next(turn) % len(PAYLOADS)]}" for form in message.string)
            else:
                message.string = f"{message.string} {PAYLOADS[next(turn) % len(PAYLOADS)]}"
        rewrite_catalog(repo / "source" / "locale" / lang / "LC_MESSAGES" / f"{domain}.po", lang, hostile)


def build(repo):
    return subprocess.run([sys.executable, "build.py", "build", "--site-url", SITE_URL, "--base-path", BASE_PATH],
                          cwd=repo, capture_output=True, text=True)


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """(ordinary site URL, hostile site URL), both built the same way from copies."""
    servers, urls = [], []
    for hostile in (False, True):
        repo = copy_of_repository(tmp_path_factory.mktemp("hostile-repo" if hostile else "plain-repo"))
        if hostile:
            make_hostile(repo)
        done = build(repo)
        assert done.returncode == 0, done.stderr
        server, url = serve_in_background(repo / "site", BASE_PATH)
        servers.append(server)
        urls.append(url)
    yield urls
    for server in servers:
        server.shutdown()


# Every element with the names of its attributes, sorted: injected markup would add elements or
# attributes (sorted, since a code page places its solution by the text's length).
STRUCTURE = "[...document.querySelectorAll('*')].map(e => e.tagName + '[' + [...e.attributes].map(a => a.name).sort() + ']')"


@pytest.mark.parametrize("name, path", page_types())
def test_hostile_translations_leave_the_dom_as_it_was(sites, browser, name, path):
    plain, hostile = sites
    context = browser.new_context(java_script_enabled=False)  # the HTML as parsed; a meta refresh still runs
    structures = []
    for url in (plain, hostile):
        page = context.new_page()
        page.goto(url + path)
        structures.append(sorted(page.evaluate(STRUCTURE)))
    context.close()
    assert structures[1] == structures[0]


@pytest.mark.parametrize("name, path", page_types())
def test_hostile_translations_never_run_nor_send_the_reader_away(sites, browser, name, path):
    made = []
    context = new_watched_context(browser, made)
    page = open_settled(context, sites[1] + path)
    page.wait_for_timeout(300)  # a meta refresh of 0 s would have fired by now
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.querySelectorAll('meta[http-equiv=refresh], iframe, svg, img[onerror]').length") == 0
    if (name, path) != LANDING:  # the landing page goes on to a language's home on purpose
        assert page.url.startswith(sites[1] + path.partition("?")[0])
    assert close_and_check(made) == []


@pytest.mark.parametrize("lang, domain, change, message", [
    ("zh", "messages", lambda m: setattr(m, "string", tuple(f.replace("%(num)d", "%(numb)d") for f in m.string)
                                         if isinstance(m.string, tuple) else m.string.replace("%(", "%(x")),
     r"messages\.po:\d+: .*placeholder"),
    ("zh", "messages", lambda m: setattr(m, "string", m.string + " 100%") if isinstance(m.string, str) else None,
     r"messages\.po:\d+: a '%' in the translation starts no placeholder"),
    ("en", "content", lambda m: setattr(m, "string", m.string + " %s"),
     r"content\.po:\d+: the translation has placeholders \['%s'\], the msgid \[\]"),
])
def test_broken_placeholders_stop_the_build_naming_the_catalog_line(tmp_path, lang, domain, change, message):
    repo = copy_of_repository(tmp_path / "repo")
    rewrite_catalog(repo / "source" / "locale" / lang / "LC_MESSAGES" / f"{domain}.po", lang, change)
    done = build(repo)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert re.search(message, done.stderr), done.stderr
    assert not (repo / "site").exists()
