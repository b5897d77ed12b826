"""Untrusted text stays text: a hostile dataset in Chromium, and the build fuzzed."""

import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from errdex.errors import ErrdexError
from errdex.serve import serve_in_background
from errdex.site import SiteSettings, build_site
from tests.conftest import FIXTURES

PAYLOADS = [
    "<script>window.__pwned = 1; alert(1)</script>",
    '"><img src=x onerror="window.__pwned=2">',
    "'><svg onload=window.__pwned=3>",
    "[click me](javascript:window.__pwned=4)",
    "<a href=\"javascript:window.__pwned=5\">x</a>",
    "{{ 7*7 }} {% for x in range(3) %}{{ x }}{% endfor %} {# comment #}",
    "\u202eevil\u202c text with bidi override and zero\u200bwidth\u200d joiners\ufeff",
    "W" * 3000,
    "</textarea></title></style></script><!-- --><![CDATA[ ]]>",
]
LONG = ("长" * 5000) + " " + ("word " * 1000)


def hostile_dataset():
    data = json.loads((FIXTURES / "golden-data.json").read_text(encoding="utf-8"))
    source = data["sources"][0]
    source["service"] = PAYLOADS[1]
    source["title"] = PAYLOADS[0]
    source["intro"] = [{"heading": PAYLOADS[2], "body": "\n\n".join(PAYLOADS)}]
    source["remarks"][0]["text"] = PAYLOADS[3]
    source["origin"] = "javascript:window.__pwned=6"
    for number, code in enumerate(data["codes"]):
        for entry in code["entries"]:
            entry["message"] = PAYLOADS[number % len(PAYLOADS)] + " %s " + PAYLOADS[-1]
            entry["placeholders"] = ["%s"]
            entry["description"] = {"zh": "\n\n".join(PAYLOADS), "en": LONG}
            entry["solution"] = {"zh": PAYLOADS[4] + "\n\n" + LONG}
            entry["extra"] = {PAYLOADS[1]: PAYLOADS[0]}
            entry["variants"] = [{"source": "demo.zh", "message": PAYLOADS[2]}]
    return data


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "hostile.json"
    path.write_text(json.dumps(hostile_dataset(), ensure_ascii=False), encoding="utf-8")
    build_site(path, folder / "site", SiteSettings.from_options("", "/repo/"))
    server, url = serve_in_background(folder / "site", "/repo/")
    yield url
    server.shutdown()


# Each page, and the codes whose (hostile) messages it lists.
PAGES = [("en/", ["DEMO.0001", "DEMO.0002", "X-1"]), ("zh/", ["DEMO.0001", "DEMO.0002", "X-1"]),
         ("en/DEMO/", ["DEMO.0001", "DEMO.0002"]), ("zh/codes/DEMO.0001/", ["DEMO.0001"]),
         ("en/codes/DEMO.0002/", ["DEMO.0002"]), ("en/codes/X-1/", ["X-1"]), ("en/status/400/", ["DEMO.0002"])]


def messages_of(codes):
    """The hostile messages of these codes, as the dataset has them."""
    return [entry["message"] for code in hostile_dataset()["codes"] if code["code"] in codes
            for entry in code["entries"]]


@pytest.mark.parametrize("path, codes", PAGES, ids=[path for path, _ in PAGES])
def test_hostile_text_never_executes_and_shows_as_text(hostile_site, browser, path, codes):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(hostile_site + path)
    page.wait_for_load_state("load")
    assert dialogs == [] and errors == []
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.querySelectorAll('script:not([src]), img, svg, iframe').length") == 0
    assert page.evaluate("[...document.querySelectorAll('a[href]')].filter(a => "
                         "a.href.startsWith('javascript:')).length") == 0
    # Markup, template syntax and placeholders alike show as the very text upstream wrote.
    body = page.inner_text("body")
    assert [message for message in messages_of(codes) if message not in body] == []
    # The layout holds: long words wrap instead of pushing the page sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.close()


CODES = st.from_regex(r"[A-Z]{1,4}\.[0-9]{1,4}", fullmatch=True)
TEXT = st.text(max_size=60)


@st.composite
def datasets(draw):
    names = sorted(set(draw(st.lists(CODES, min_size=1, max_size=6))),
                   key=lambda c: (c.split(".")[0].casefold(), c.split(".")[0], int(c.split(".")[1]), c))
    from errdex.codes import code_sort_key
    names.sort(key=code_sort_key)
    codes = []
    for name in names:
        entries = [{
            "http_status": draw(st.one_of(st.none(), st.integers(100, 599))),
            "message": draw(st.one_of(st.none(), TEXT)),
            "description": draw(st.dictionaries(st.sampled_from(["zh", "en"]), TEXT, max_size=2)),
            "solution": draw(st.dictionaries(st.sampled_from(["zh", "en"]), TEXT, max_size=2)),
            "placeholders": [], "origins": [{"source": "s", "row": 1, "line": None}],
            "variants": [], "extra": draw(st.dictionaries(st.text(string.ascii_letters, min_size=1, max_size=5),
                                                          TEXT, max_size=2)),
        } for _ in range(draw(st.integers(1, 2)))]
        codes.append({"code": name, "prefix": name.split(".")[0], "entries": entries})
    return {"schema_version": 1, "codes": codes, "sources": [{
        "id": "s", "service": draw(TEXT), "language": draw(st.sampled_from(["zh", "en"])), "origin": None,
        "retrieved": None, "file": "f", "form": "text", "title": draw(st.one_of(st.none(), TEXT)),
        "intro": [{"heading": draw(st.one_of(st.none(), TEXT)), "body": draw(TEXT)}],
        "example_response": None, "remarks": []}]}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(datasets())
def test_build_survives_generated_datasets(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "data.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    try:
        build_site(path, folder / "site", SiteSettings.from_options(""), workers=1)
    except ErrdexError:
        pass


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                    lambda children: st.lists(children, max_size=3)
                    | st.dictionaries(st.sampled_from(["schema_version", "sources", "codes", "code", "prefix",
                                                       "entries", "message", "id", "x"]), children, max_size=4),
                    max_leaves=12))
def test_malformed_data_files_raise_only_data_errors(raw):
    from errdex.model import dataset_from_json
    try:
        dataset_from_json(raw, "fuzz.json")
    except ErrdexError:
        pass
