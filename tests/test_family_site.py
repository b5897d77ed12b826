"""The whole family (source/errors.json, every service) built as `make site` builds it.

Built twice, into two folders: the same inputs must give the same bytes. Over the first:
every relative link and fragment resolves, every URL of source/published-urls.txt is
still published, every service has its page and its coverage line. The seed site's tests
(test_render, test_pages) check the same things in detail on a small site; these check
that they hold at the family's size, where codes are shared across services.
"""

import json

import pytest

from errdex import lifecycle, model
from errdex.languages import LANGUAGES
from errdex.pipeline import DATA_FILE
from errdex.site import SiteInputs, SiteSettings, build_site
from tests.sitecheck import broken_links

pytestmark = pytest.mark.slow  # two builds of 13,000 pages and a link check: under two minutes

SETTINGS = SiteSettings.from_options("https://example.test/errdex/")


@pytest.fixture(scope="module")
def family(tmp_path_factory):
    """(first site, its BuildResult, second site): the family built twice."""
    folder = tmp_path_factory.mktemp("family")
    first = build_site(DATA_FILE, folder / "a" / "site", SETTINGS, inputs=SiteInputs.repository())
    build_site(DATA_FILE, folder / "b" / "site", SETTINGS, inputs=SiteInputs.repository())
    return folder / "a" / "site", first, folder / "b" / "site"


def api_codes(site):
    """The codes of the site's JSON API (api/v1/errors.json), as it gives them."""
    return json.loads((site / "api" / "v1" / "errors.json").read_text(encoding="utf-8"))["codes"]


def shared_codes(codes):
    """The codes whose entries name more than one service, in API order."""
    return [code["code"] for code in codes if len({s for e in code["entries"] for s in e["services"]}) > 1]


def tree(root):
    """{relative path: bytes} of every file under root."""
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_the_same_inputs_give_the_same_bytes(family):
    first, _, second = family
    one, two = tree(first), tree(second)
    assert sorted(one) == sorted(two)
    assert [path for path in one if one[path] != two[path]] == []


def test_every_link_and_fragment_resolves(family):
    """On every page that lists codes, every code page of a code several services share, and
    one in five of the others: the check reads each page with Python's HTMLParser, and all
    13,000 took two minutes."""
    site = family[0]
    codes = api_codes(site)
    shared = set(shared_codes(codes))
    sampled = shared | set(sorted({code["code"] for code in codes} - shared)[::5])

    def checked(name):  # "zh/codes/AIS.0014/index.html"
        parts = name.split("/")
        return not (len(parts) == 4 and parts[1] == "codes") or parts[2] in sampled
    assert broken_links(site, checked) == []


def test_every_published_url_is_still_published(family):
    site = family[0]
    registry = lifecycle.read_registry(lifecycle.REGISTRY_FILE)
    assert len(registry) > 19000
    missing = [url for url in registry if not (site / url).is_file() and not (site / url / "index.html").is_file()]
    assert missing == []


def test_every_service_has_its_page_and_its_coverage(family):
    site, result, _ = family
    dataset = model.load(DATA_FILE)
    services = {source.service for source in dataset.sources}
    assert len(services) > 50
    for lang in LANGUAGES:
        listing = (site / lang / "services" / "index.html").read_text(encoding="utf-8")
        pages = sorted((site / lang / "services").glob("*/index.html"))
        assert len(pages) == len(services)
        for page in pages:
            assert f'href="../../{lang}/services/{page.parent.name}/"' in listing, page
        # one coverage line per language and service, counts that add up
        lines = [line for line in result.coverage if line.startswith(f"coverage {lang} ")]
        assert len(lines) == len(services)
    for line in result.coverage:
        texts = line.split(": ", 1)[1]
        shown, total = texts.split(" texts")[0].split("/")
        parts = dict(reversed(part.strip().split(" ", 1)) for part in texts.split(",")[1:])
        assert sum(int(parts[kind]) for kind in ("upstream", "reused", "catalog", "fallback")) == int(total), line
        assert int(shown) <= int(total)


def test_a_code_of_several_services_names_each_in_both_languages(family):
    site = family[0]
    shared = shared_codes(api_codes(site))
    assert len(shared) > 100
    code = shared[0]
    for lang in LANGUAGES:
        html = (site / lang / "codes" / code / "index.html").read_text(encoding="utf-8")
        assert html.count('class="service"') >= 2, (lang, code)
