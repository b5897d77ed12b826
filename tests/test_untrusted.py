"""Every input is untrusted: each malformed dataset, lifecycle file, catalog or note of issues
20 and 21 is a clear DataError (exit 2, no traceback), and control characters never reach
the site."""

import json
import os
import subprocess
import sys

import pytest

from errdex import inputs, lifecycle, model
from errdex.errors import DataError
from errdex.i18n import ContentTranslator, compiled_catalog
from errdex.notes import load_notes
from errdex.site import SiteInputs, SiteSettings, build_site
from tests.conftest import FIXTURES, ROOT

GOLDEN = json.loads((FIXTURES / "golden-data.json").read_text(encoding="utf-8"))
PO_HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
             '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n')


def golden():
    """A fresh copy of the small golden dataset."""
    return json.loads(json.dumps(GOLDEN))


def entry(data, index=0):
    return data["codes"][index]["entries"][0]


def write(path, data):
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------- the dataset


def _extra_not_text(data):
    entry(data)["extra"] = {"x": 5}


def _empty_variant(data):
    entry(data)["variants"] = [{}]


def _intro_not_object(data):
    data["sources"][0]["intro"] = ["just a string"]


def _remark_not_object(data):
    data["sources"][0]["remarks"] = [7]


def _variant_of_unknown_source(data):
    entry(data)["variants"] = [{"source": "demo.fr", "message": "Autre"}]


def _description_in_unknown_language(data):
    entry(data)["description"] = {"fr": "Le jeton est vide."}


def _list_for_message(data):
    entry(data)["message"] = ["The token", "is empty."]


def _newline_after_code(data):
    data["codes"][0]["code"] = "DEMO.0001\n"


def _codes_differing_in_case(data):
    twin = json.loads(json.dumps(data["codes"][0]))
    twin["code"], twin["prefix"] = "demo.0001", "demo"
    data["codes"].insert(1, twin)


def _status_out_of_range(data):
    entry(data)["http_status"] = 10 ** 30


def _unknown_top_level_key(data):
    data["generated_by"] = "someone else"


def _origin_of_unknown_source(data):
    entry(data)["origins"] = [{"source": "nowhere", "row": 1, "line": None}]


MALFORMED = {
    "extra_not_text": (_extra_not_text, r"codes\[0\].entries\[0\].extra.x: expected a string, got 5"),
    "empty_variant": (_empty_variant, r"variants\[0\]: missing 'source'"),
    "intro_not_object": (_intro_not_object, r"sources\[0\].intro\[0\]: expected an object, got 'just a string'"),
    "remark_not_object": (_remark_not_object, r"sources\[0\].remarks\[0\]: expected an object, got 7"),
    "variant_of_unknown_source": (_variant_of_unknown_source, r"variants\[0\].source: no source with id 'demo.fr'"),
    "description_in_unknown_language": (_description_in_unknown_language,
                                        r"description: unknown key\(s\) \['fr'\], expected keys from \['zh', 'en'\]"),
    "list_for_message": (_list_for_message, r"message: expected a string or null, got a list of 2 item"),
    "newline_after_code": (_newline_after_code, r"codes\[0\].code: expected text matching .* got 'DEMO.0001\\n'"),
    "codes_differing_in_case": (_codes_differing_in_case, r"differ only in case"),
    "status_out_of_range": (_status_out_of_range, r"http_status: expected a number from 100 to 599, got an integer"),
    "unknown_top_level_key": (_unknown_top_level_key, r"\(top level\): unknown key\(s\) \['generated_by'\]"),
    "origin_of_unknown_source": (_origin_of_unknown_source, r"origins\[0\].source: no source with id 'nowhere'"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_dataset_names_the_json_path(tmp_path, name):
    mutate, message = MALFORMED[name]
    data = golden()
    mutate(data)
    with pytest.raises(DataError, match=message):
        model.load(write(tmp_path / "errors.json", data))


BROKEN_FILES = {
    "deep_nesting": (b'{"codes": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", r"nested too deeply"),
    "lone_surrogate": (json.dumps(golden()).replace("The token is empty.", "\\ud800 token").encode(),
                       r"codes\[0\].entries\[0\].message: holds a lone UTF-16 surrogate \(\\ud800\)"),
    "lone_surrogate_in_a_key": (json.dumps(golden()).replace('"extra": {}', '"extra": {"\\udc00x": "y"}', 1).encode(),
                                r"codes\[0\].entries\[0\].extra.\\udc00x: holds a lone UTF-16 surrogate"),
    "invalid_utf8": (b'{"schema_version": 1,\n "sources": [],\n "codes": ["\xff"]}', r"errors.json:3: not UTF-8 text"),
    "nan": (b'{"schema_version": NaN, "sources": [], "codes": []}', r"NaN is not a JSON number"),
    "huge_integer": (b'{"schema_version": ' + b"9" * 5000 + b', "sources": [], "codes": []}', r"invalid JSON"),
    "not_an_object": (b"[]", r"\(top level\): expected an object, got a list"),
}


@pytest.mark.parametrize("name", sorted(BROKEN_FILES))
def test_a_dataset_file_that_is_not_clean_json_is_a_data_error(tmp_path, name):
    content, message = BROKEN_FILES[name]
    path = tmp_path / "errors.json"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        model.load(path)


@pytest.mark.parametrize("name", ["extra_not_text", "empty_variant", "deep_nesting", "lone_surrogate",
                                  "lone_surrogate_in_a_key"])
def test_the_build_command_exits_2_without_a_traceback(tmp_path, name):
    path = tmp_path / "errors.json"
    if name in MALFORMED:
        data = golden()
        MALFORMED[name][0](data)
        write(path, data)
    else:
        path.write_bytes(BROKEN_FILES[name][0])
    done = subprocess.run([sys.executable, "build.py", "build", "--data", str(path), "--out", str(tmp_path / "site")],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.startswith(f"error: {path}")
    assert not (tmp_path / "site").exists()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read_whole(tmp_path):
    path = tmp_path / "errors.json"
    path.write_bytes(b" " * 2048)
    with pytest.raises(DataError, match=r"larger than the limit"):
        inputs.read_bytes(path, limit=1024)
    assert inputs.read_bytes(path, limit=4096) == b" " * 2048


def test_a_device_or_fifo_is_not_read_as_a_dataset(tmp_path):
    with pytest.raises(DataError, match=r"/dev/zero: not a regular file"):
        model.load("/dev/zero")
    fifo = tmp_path / "errors.json"
    os.mkfifo(fifo)
    with pytest.raises(DataError, match=r"not a regular file"):  # and it does not wait for a writer
        model.load(fifo)


def test_an_integral_number_is_read_as_an_integer(tmp_path):
    data = golden()
    entry(data)["http_status"] = 401.0
    entry(data)["origins"][0]["row"] = 1e0
    dataset = model.load(write(tmp_path / "errors.json", data))
    first = dataset.codes[0].entries[0]
    assert (first.http_status, first.origins[0].row) == (401, 1)
    assert type(first.http_status) is int and type(first.origins[0].row) is int


# ---------------------------------------------------------------- control characters


CONTROLS = "\x00\x07\x1b\x7f\x85\x9f\r\x0b"


def test_control_characters_are_removed_at_the_door_but_tab_and_newline(tmp_path):
    data = golden()
    entry(data)["message"] = f"The{CONTROLS} token\tis\nempty."
    entry(data)["extra"] = {f"Note{CONTROLS}": f"x{CONTROLS}y"}
    dataset = model.load(write(tmp_path / "errors.json", data))
    first = dataset.codes[0].entries[0]
    assert first.message == "The token\tis\nempty."
    assert first.extra == {"Note": "xy"}
    assert model.dataset_from_json(json.loads(json.dumps(data))).codes[0].entries[0].message == first.message


def test_no_control_character_reaches_the_site(tmp_path):
    data = golden()
    entry(data)["message"] = "The token\x00 is\x07 empty."
    entry(data)["description"]["en"] = "Bell\x07 and NUL\x00 in text."
    data["sources"][0]["title"] = "Title\x1b[31m red"
    build_site(write(tmp_path / "errors.json", data), tmp_path / "site", SiteSettings.from_options("https://e.test/"),
               workers=1)
    files = [p for p in (tmp_path / "site").rglob("*") if p.is_file()]
    assert len(files) > 20
    offenders = [str(p.relative_to(tmp_path)) for p in files
                 if inputs.CONTROL_CHARACTERS.search(p.read_bytes().decode("utf-8", "replace"))]
    assert offenders == []
    page = (tmp_path / "site" / "en" / "codes" / "DEMO.0001" / "index.html").read_text(encoding="utf-8")
    assert "The token is empty." in page and "Bell and NUL in text." in page


# ---------------------------------------------------------------- redirects and retired codes


@pytest.mark.parametrize("content, message", [
    ('["DEMO.0001"]', r"\(top level\): expected an object, got a list"),
    ('{"DEMO.0009": 5}', r"DEMO.0009: expected a string, got 5"),
    ('{"DEMO.0009": "DEMO.0001\\n"}', r"DEMO.0009: expected text matching"),
    ('{"../../etc": "DEMO.0001"}', r"a key does not match"),
    ('{"OLD.1": "DEMO.0001", "old.1": "DEMO.0002"}', r"'old.1' and 'OLD.1' differ only in case"),
    ('{"a": ' * 5000 + "1" + "}" * 5000, r"nested too deeply"),
])
def test_a_malformed_redirects_file_is_a_data_error(tmp_path, content, message):
    path = tmp_path / "redirects.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        lifecycle.load_redirects(path)


def test_a_redirect_that_differs_from_a_code_only_in_case_is_refused(tmp_path):
    with pytest.raises(DataError, match=r"demo.0001 differs only in case from the code DEMO.0001"):
        lifecycle.resolve_redirects({"demo.0001": "DEMO.0002"}, {"DEMO.0001", "DEMO.0002"}, tmp_path / "r.json")


@pytest.mark.parametrize("record, message", [
    ({"retired_on": "2026-01-01", "code": {}}, r"codes\[0\].code: missing 'code', 'prefix', 'entries'"),
    ({"retired_on": 20260101, "code": GOLDEN["codes"][0]}, r"codes\[0\].retired_on: expected a string, got 20260101"),
    ({"retired_on": "2026-13-01", "code": GOLDEN["codes"][0]}, r"expected a date YYYY-MM-DD"),
    ({"retired_on": "2026-01-01", "code": {**GOLDEN["codes"][0], "prefix": "X"}}, r"codes\[0\].code.prefix"),
])
def test_a_malformed_retired_file_is_a_data_error(tmp_path, record, message):
    path = tmp_path / "retired.json"
    path.write_text(json.dumps({"codes": [record]}), encoding="utf-8")
    with pytest.raises(DataError, match=message):
        lifecycle.load_retired(path)


def test_a_lifecycle_file_that_points_out_of_its_folder_is_refused(tmp_path):
    outside = tmp_path / "outside.json"
    outside.write_text("{}", encoding="utf-8")
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "redirects.json").symlink_to(outside)
    with pytest.raises(DataError, match=r"redirects.json: points outside"):
        lifecycle.load_redirects(tmp_path / "source" / "redirects.json")


def test_a_registry_that_is_not_utf8_is_a_data_error(tmp_path):
    path = tmp_path / "published-urls.txt"
    path.write_bytes(b"# header\nen/\nzh/caf\xe9/\n")
    with pytest.raises(DataError, match=r"published-urls.txt:3: not UTF-8 text"):
        lifecycle.read_registry(path)


# ---------------------------------------------------------------- catalogs


@pytest.fixture(autouse=True)
def compiled_catalogs_apart(tmp_path, monkeypatch):
    """Catalogs compiled by these tests are kept in their temporary folder, not in build/."""
    monkeypatch.setattr("errdex.i18n.COMPILED_DIR", tmp_path / "compiled")


def _catalog(tmp_path, body, domain="messages", lang="zh"):
    path = tmp_path / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body if isinstance(body, bytes) else (PO_HEADER + body).encode("utf-8"))
    return path


@pytest.mark.parametrize("body, message", [
    ('msgid "%(num)d codes in %(prefix)s"\nmsgstr "%(num)d 个 %(prefixx)s"\n', r":6: .*'prefixx'"),
    ('msgid "Home"\nmsgstr "首页 50%"\n', r":6: a '%' in the translation starts no placeholder"),
    ('msgid "Prefix %(prefix)s"\nmsgstr "前缀 %(prefix)d"\n', r":6: .*'d' and 's' are not compatible"),
    ('msgid "Code %(code)s"\nmsgstr "错误码"\n', r":6: the translation lacks %\(code\)s"),
    ('msgid "x"\nmsgstr "y"\n\nmsgid "Code %(code)s"\nmsgstr "错误码 %s"\n', r":9: .*different kinds"),
])
def test_a_translation_with_broken_placeholders_names_the_catalog_line(tmp_path, body, message):
    path = _catalog(tmp_path, body)
    with pytest.raises(DataError, match=str(path).replace(".", r"\.") + message):
        compiled_catalog(path, "zh")


def content_translation(path, text):
    """The translation of a text by the content catalog at path (locale/en/LC_MESSAGES/content.po)."""
    return ContentTranslator("en", path.parents[2]).messages.get(text)


def test_a_content_translation_must_keep_upstream_placeholders(tmp_path):
    path = _catalog(tmp_path, 'msgid "参数%s无效"\nmsgstr "The parameter is invalid."\n', "content", "en")
    with pytest.raises(DataError, match=r"content.po:6: the translation has placeholders \[\], the msgid \['%s'\]"):
        content_translation(path, "参数%s无效")
    path = _catalog(tmp_path, 'msgid "参数%s无效，100%"\nmsgstr "Parameter %s is invalid, 100%."\n', "content", "en")
    assert content_translation(path, "参数%s无效，100%") == "Parameter %s is invalid, 100%."


@pytest.mark.parametrize("body, message", [
    (PO_HEADER.encode() + b'msgid "Home"\nmsgstr "\xe9\xa6"\n', r"messages.po:7: not UTF-8 text"),
    (PO_HEADER.encode() + b'msgid "Home"\nmsgstr "x"\nbogus line\n', r"messages.po:8: invalid PO file"),
    # Found by fuzzing: a charset Python does not know ended compiling in a LookupError.
    (b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=latin-9\\n"\n', r"declares charset=latin-9"),
])
def test_a_catalog_that_does_not_parse_names_file_and_line(tmp_path, body, message):
    with pytest.raises(DataError, match=message):
        compiled_catalog(_catalog(tmp_path, body), "zh")


def test_a_plural_message_in_a_content_catalog_is_left_alone(tmp_path):
    # Found by fuzzing: placeholders_in() was given the msgid's (singular, plural) tuple.
    path = _catalog(tmp_path, 'msgid "一"\nmsgstr "One"\n\nmsgid "%(num)d code"\nmsgid_plural "%(num)d codes"\n'
                              'msgstr[0] "%(num)d 个"\n', "content", "en")
    assert content_translation(path, "一") == "One"


def test_control_characters_in_a_translation_are_removed(tmp_path):
    path = _catalog(tmp_path, 'msgid "一"\nmsgstr "One\\r\x07 two"\n', "content", "en")
    assert content_translation(path, "一") == "One two"


# ---------------------------------------------------------------- notes


def _notes(tmp_path):
    folder = tmp_path / "notes" / "en"
    folder.mkdir(parents=True)
    return folder


def test_a_note_that_is_a_symlink_out_of_the_notes_folder_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the build machine's secret", encoding="utf-8")
    (_notes(tmp_path) / "AIS.0015.md").symlink_to(secret)
    with pytest.raises(DataError, match=r"AIS.0015.md: points outside .*notes"):
        load_notes(tmp_path / "notes", {"AIS.0015"}, {"AIS"})


def test_a_note_may_be_a_symlink_to_another_note(tmp_path):
    folder = _notes(tmp_path)
    (folder / "AIS.0014.md").write_text("Shared advice.", encoding="utf-8")
    (folder / "AIS.0015.md").symlink_to(folder / "AIS.0014.md")
    notes, _ = load_notes(tmp_path / "notes", {"AIS.0014", "AIS.0015"}, {"AIS"})
    assert notes.pick("code", "AIS.0015", "en").text == "Shared advice."


@pytest.mark.parametrize("make, message", [
    (lambda path: os.mkfifo(path), r"AIS.0015.md: not a regular file"),
    (lambda path: path.symlink_to(path.parent / "AIS.0014.md"), r"AIS.0015.md: no such file \(a symlink to nothing"),
    (lambda path: path.write_bytes(b"caf\xe9\n"), r"AIS.0015.md:1: not UTF-8 text"),
    (lambda path: path.write_text("---\ntitle: Mine\n---\nText.", encoding="utf-8"),
     r"AIS.0015.md:2: unknown front matter key 'title'"),
])
def test_a_note_that_cannot_be_read_as_text_is_a_data_error(tmp_path, make, message):
    make(_notes(tmp_path) / "AIS.0015.md")
    with pytest.raises(DataError, match=message):
        load_notes(tmp_path / "notes", {"AIS.0015"}, {"AIS"})


def test_the_build_refuses_a_note_symlinked_out_with_exit_2(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the build machine's secret", encoding="utf-8")
    (_notes(tmp_path) / "DEMO.0001.md").symlink_to(secret)
    data = write(tmp_path / "errors.json", golden())
    with pytest.raises(DataError, match=r"DEMO.0001.md: points outside"):
        build_site(data, tmp_path / "site", SiteSettings.from_options(""), inputs=SiteInputs(notes_dir=tmp_path / "notes"))
    assert not (tmp_path / "site").exists()
