"""Fuzzing the dataset reader and the other inputs: valid files mutated (wrong types, missing
and extra keys, extreme numbers and strings, deep nesting, odd Unicode, broken bytes).

The only allowed outcomes: a DataError, or a Dataset that then builds. `make test` runs the
Hypothesis profile `ci` (conftest.py); `HYPOTHESIS_PROFILE=fuzz` runs a hundred times as many
examples of each test (`make fuzz`).
"""

import json
import re
import string

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from errdex import lifecycle, model
from errdex.errors import DataError
from errdex.site import SiteSettings, build_site
from tests.conftest import FIXTURES

GOLDEN = json.loads((FIXTURES / "golden-data.json").read_text(encoding="utf-8"))
# The golden dataset plus an entry with every kind of value the schema has: null status and
# message, a line, placeholders, a variant and an extra column.
BASE = json.loads(json.dumps(GOLDEN))
BASE["codes"][1]["entries"].append({
    "http_status": None, "message": None, "description": {"en": "Text.", "zh": "文本"}, "solution": {},
    "placeholders": ["%s", "{0}"], "variants": [{"source": "demo.zh", "message": "Other %s", "http_status": 404}],
    "extra": {"备注": "x"}, "origins": [{"source": "demo.zh", "row": 7, "line": 31}]})


def scaled(examples):
    """`examples` under the ci profile (100 examples a test by default), a hundred times that under fuzz."""
    return max(1, examples * settings.default.max_examples // 100)


def places(value, path=()):
    """Every place in a JSON value, as a tuple of keys and indexes."""
    yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, inner in items:
        yield from places(inner, path + (key,))


PLACES = list(places(BASE))

ODD_TEXT = st.one_of(
    st.text(max_size=20),
    st.text(st.characters(codec=None, categories=["Cc", "Cf", "Cs", "Co", "Zl", "Zp"]), min_size=1, max_size=8),
    st.sampled_from(["", " ", "\n", "AIS.0014\n", "index.html", "main", "../../etc/passwd", "ais.0014", "DEMO.0001",
                     "%(x)s %", "<script>alert(1)</script>", "\ud800", "\x00", "\u202e", "zh", "en", "fr",
                     "demo.zh", "2026-02-30", "A" * 300, "長" * 5000]),
)
EXTREME_NUMBERS = st.one_of(st.integers(), st.sampled_from([0, -1, 99, 100, 599, 600, 2 ** 63, -(2 ** 63), 10 ** 300]),
                            st.floats(allow_nan=True, allow_infinity=True))


def deep(depth, kind):
    """A marker for a list or object nested `depth` levels deep, put in as text by `encoded`
    (json.dumps itself cannot write one: it recurses)."""
    return f"@@deep-{depth}-{kind}@@"


_DEEP = re.compile(r'"@@deep-(\d+)-(list|dict)@@"')


def _deep_text(match):
    depth = int(match.group(1))
    return ("[" * depth + "null" + "]" * depth if match.group(2) == "list"
            else '{"x": ' * depth + "null" + "}" * depth)


ODD_VALUES = st.one_of(
    st.none(), st.booleans(), EXTREME_NUMBERS, ODD_TEXT,
    st.builds(deep, st.integers(1, 3000), st.sampled_from(["list", "dict"])),
    st.lists(st.one_of(st.none(), st.integers(), ODD_TEXT), max_size=3),
    st.dictionaries(ODD_TEXT, st.one_of(st.none(), st.integers(), ODD_TEXT), max_size=3),
)


@st.composite
def mutated(draw, base=BASE, paths=PLACES):
    """A copy of `base` with one to three faults: a value replaced, a key removed or added,
    an item duplicated."""
    data = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        parent, key = _locate(data, path)
        if parent is _GONE:
            continue  # an earlier fault removed the place
        action = draw(st.sampled_from(["replace", "replace", "remove", "add", "duplicate"]))
        if path == () or action == "replace":
            if path == ():
                data = draw(ODD_VALUES)
                continue
            parent[key] = draw(ODD_VALUES)
        elif action == "remove":
            del parent[key]
        elif action == "add" and isinstance(parent[key], dict):
            parent[key][draw(ODD_TEXT)] = draw(ODD_VALUES)
        elif action == "duplicate" and isinstance(parent, list):
            parent.insert(key, json.loads(json.dumps(parent[key])))
    return data


_GONE = object()


def _locate(data, path):
    """(parent, key) of a place, or (_GONE, None) if it is no longer there."""
    parent = data
    try:
        for key in path[:-1]:
            parent = parent[key]
        if path and not isinstance(parent, (dict, list)) or path and isinstance(parent, list) != (type(path[-1]) is int):
            return _GONE, None
        if path:
            parent[path[-1]]
    except (KeyError, IndexError, TypeError):
        return _GONE, None
    return parent, path[-1] if path else None


def encoded(draw, data):
    """The bytes of a file holding `data`: escaped or raw UTF-8 (a lone surrogate then makes
    invalid UTF-8), sometimes cut short or with a byte changed."""
    text = _DEEP.sub(_deep_text, json.dumps(data, ensure_ascii=draw(st.booleans()), allow_nan=True))
    content = text.encode("utf-8", "surrogatepass")
    damage = draw(st.sampled_from(["none", "none", "none", "cut", "byte"]))
    if damage == "cut" and content:
        content = content[:draw(st.integers(0, len(content) - 1))]
    elif damage == "byte" and content:
        index = draw(st.integers(0, len(content) - 1))
        content = content[:index] + bytes([draw(st.integers(0, 255))]) + content[index + 1:]
    return content


def read_or_refuse(content):
    """The Dataset of file bytes, or None for a DataError: anything else fails the test."""
    try:
        dataset = model.loads(content, "fuzz.json")
    except DataError as error:
        event("refused: " + str(error).partition(": ")[2].partition(":")[0][:30].encode("utf-8", "replace").decode())
        return None
    event("read")
    return dataset


@settings(max_examples=scaled(300), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                            HealthCheck.data_too_large])
@given(st.data())
def test_a_mutated_dataset_is_read_or_refused_with_a_data_error(data):
    read_or_refuse(encoded(data.draw, data.draw(mutated())))


@settings(max_examples=scaled(20), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                           HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.data_too_large])
@given(st.data())
def test_a_mutated_dataset_that_is_read_builds(tmp_path_factory, data):
    # Mutations of text values only, so that most datasets are read and go on to a build.
    text_places = [p for p in PLACES if p and isinstance(_locate(BASE, p)[0][p[-1]], str)
                   and p[-1] not in ("code", "prefix", "source", "language", "form", "id", "retrieved")]
    raw = data.draw(mutated(paths=text_places))
    dataset = read_or_refuse(json.dumps(raw, ensure_ascii=data.draw(st.booleans())).encode("utf-8", "surrogatepass"))
    if dataset is None:
        return
    folder = tmp_path_factory.mktemp("fuzz-build")
    path = folder / "errors.json"
    path.write_text(model.dumps(dataset), encoding="utf-8")
    build_site(path, folder / "site", SiteSettings.from_options("https://e.test/"), workers=1)


CODE_TEXT = st.one_of(st.from_regex(r"[A-Za-z0-9]{1,4}([._-][A-Za-z0-9]{1,3}){0,2}", fullmatch=True), ODD_TEXT)


@settings(max_examples=scaled(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                            HealthCheck.too_slow])
@given(st.one_of(st.dictionaries(CODE_TEXT, st.one_of(CODE_TEXT, ODD_VALUES), max_size=4), ODD_VALUES),
       st.booleans())
def test_a_redirects_file_is_read_or_refused(tmp_path_factory, raw, ascii_only):
    path = tmp_path_factory.mktemp("redirects") / "redirects.json"
    text = _DEEP.sub(_deep_text, json.dumps(raw, ensure_ascii=ascii_only, allow_nan=True))
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        redirects = lifecycle.load_redirects(path)
        lifecycle.resolve_redirects(redirects, {"DEMO.0001", "DEMO.0002"}, path)
    except DataError:
        pass


RETIRED = {"codes": [{"retired_on": "2026-01-01", "code": GOLDEN["codes"][0]}]}


@settings(max_examples=scaled(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                            HealthCheck.too_slow])
@given(st.data())
def test_a_retired_file_is_read_or_refused(tmp_path_factory, data):
    raw = data.draw(mutated(RETIRED, list(places(RETIRED))))
    path = tmp_path_factory.mktemp("retired") / "retired.json"
    path.write_bytes(encoded(data.draw, raw))
    try:
        lifecycle.load_retired(path)
    except DataError:
        pass


PO_LINES = st.sampled_from(['msgid "Home"', 'msgstr "首页"', 'msgid "%(num)d code"', 'msgid_plural "%(num)d codes"',
                            'msgstr[0] "%(num)d 个"', 'msgstr[1] "x"', 'msgstr "%(num)s %"', 'msgctxt "c"', "#, fuzzy",
                            "#~ msgid \"old\"", '"continued"', 'msgstr "', "", "garbage", 'msgid ""',
                            '"Plural-Forms: nplurals=x; plural=(n;\\n"', '"Content-Type: text/plain; charset=latin-9\\n"'])


@settings(max_examples=scaled(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                            HealthCheck.too_slow])
@given(st.lists(st.one_of(PO_LINES, st.text(string.printable + "\x00\x07é長", max_size=20)), max_size=12),
       st.sampled_from(["messages", "content"]))
def test_a_catalog_is_compiled_or_refused(tmp_path_factory, monkeypatch, lines, domain):
    from errdex.i18n import compiled_catalog
    monkeypatch.setattr("errdex.i18n.COMPILED_DIR", tmp_path_factory.mktemp("compiled"))
    path = tmp_path_factory.mktemp("locale") / "zh" / "LC_MESSAGES" / f"{domain}.po"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        compiled_catalog(path, "zh")  # checked as its domain, the file's name, says
    except DataError:
        pass
