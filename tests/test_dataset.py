"""Stage 2: pages into one dataset; the committed dataset and its schema."""

import json
import re
import subprocess
import sys

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from errdex import model, pipeline
from errdex.codes import code_sort_key, placeholders_in, prefix_of
from errdex.errors import DataError
from tests.conftest import ROOT, SAMPLE_PAGES, SEED

SCHEMA = json.loads((ROOT / "schema" / "errors.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def samples():
    return pipeline.scrape_pages(SAMPLE_PAGES)


def test_committed_dataset_matches_schema_and_is_fresh():
    raw = json.loads(pipeline.DATA_FILE.read_text(encoding="utf-8"))
    jsonschema.validate(raw, SCHEMA)
    result = pipeline.scrape_pages(pipeline.upstream_pages())
    assert pipeline.DATA_FILE.read_text(encoding="utf-8") == result.text


def test_scrape_check_command_passes_on_committed_json():
    done = subprocess.run([sys.executable, "build.py", "scrape", "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    count = len(model.load(pipeline.DATA_FILE).codes)
    assert f"up to date ({count} codes)" in done.stdout and count > 6000


def test_seed_dataset_fields():
    dataset = model.load(pipeline.DATA_FILE)
    seed = {c.code: c for c in dataset.codes
            if any(o.source == "image-recognition.zh" for e in c.entries for o in e.origins)}
    assert len(seed) == 77
    (entry,) = seed["AIP.0005"].entries
    assert entry.placeholders == ("%s",)
    assert seed["AIP.0008"].entries[0].placeholders == ("%s", "%s")
    assert seed["AIS.0014"].entries[0].description == {"zh": "输入数据JSON格式错误。"}
    source = dataset.source("image-recognition.zh")
    assert (source.service, source.service_name) == ("image-recognition", {"zh": "图像识别", "en": "Image Recognition"})
    assert source.remarks[0].label == "其他"
    assert source.example_response["http_status"] == 400


def test_samples_merge_zh_and_en_of_one_service(samples):
    jsonschema.validate(json.loads(samples.text), SCHEMA)
    codes = {c.code: c for c in samples.dataset.codes}
    both = [c for c in samples.dataset.codes if c.prefix == "ModelArts"
            and any(set(e.description) == {"zh", "en"} for e in c.entries)]
    assert len(both) >= 550
    first = codes["ModelArts.0104"].entries[0]
    assert first.description == {"en": "Parameter error.", "zh": "参数错误"}
    assert {o.source for o in first.origins} == {"modelarts.en", "modelarts.zh"}


def test_samples_keep_every_repeated_row(samples):
    entries = {c.code: c.entries for c in samples.dataset.codes}
    assert len(entries["ModelArts.4601"]) == 3
    rows = sum(1 for c in samples.dataset.codes for e in c.entries for o in e.origins
               if o.source == "modelarts.zh")
    assert rows == 631


def test_language_drift_is_kept_as_a_variant(samples):
    (entry,) = [c for c in samples.dataset.codes if c.code == "ModelArts.5000"][0].entries
    assert entry.message == "Please try again later or contact technical support to solve the problem"
    assert entry.variants == ({"source": "modelarts.zh", "message":
                               "Please try again later or contact customer service to solve the problem"},)


def test_codes_are_sorted_by_prefix_then_number(samples):
    names = [c.code for c in samples.dataset.codes]
    assert names == sorted(names, key=code_sort_key)
    assert names.index("ModelArts.0104") < names.index("ModelArts.0113") < names.index("ModelArts.6301")


@pytest.mark.parametrize("code, prefix", [
    ("AIS.0014", "AIS"), ("CCE.01400001", "CCE"), ("SVCSTG.CCE-ADDONMGR.4000003", "SVCSTG.CCE-ADDONMGR"),
    ("1100", ""), ("APIGW-0101", "APIGW"), ("CBC0001", "CBC"),
])
def test_prefix_rule(code, prefix):
    assert prefix_of(code) == prefix


def test_placeholders_in_every_upstream_form():
    assert placeholders_in("The param:%s, val:%d , exceeds {0} and {} or {name}, 100%% %1$s") == \
        ["%s", "%d", "{0}", "{}", "{name}", "%1$s"]


def test_dataset_file_errors_name_the_file_and_place(tmp_path):
    bad = tmp_path / "errors.json"
    bad.write_text('{"schema_version": 1,\n "sources": [],\n "codes": [}', encoding="utf-8")
    with pytest.raises(DataError, match=r"errors.json:3:\d+: invalid JSON"):
        model.load(bad)
    raw = json.loads(pipeline.DATA_FILE.read_text(encoding="utf-8"))
    raw["codes"][3]["entries"][0]["http_status"] = "400"
    bad.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(DataError, match=r"codes\[3\].entries\[0\].http_status: expected an integer or null"):
        model.load(bad)
    raw["codes"][3]["entries"][0]["http_status"] = 400
    raw["codes"][3], raw["codes"][4] = raw["codes"][4], raw["codes"][3]
    bad.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(DataError, match=r"codes\[4\].code: codes must be sorted"):
        model.load(bad)


def test_round_trip_is_byte_identical():
    text = pipeline.DATA_FILE.read_text(encoding="utf-8")
    assert model.dumps(model.load(pipeline.DATA_FILE)) == text


def test_failed_scrape_leaves_the_output_untouched(tmp_path):
    out = tmp_path / "errors.json"
    out.write_text("previous", encoding="utf-8")
    page = tmp_path / "broken.txt"
    page.write_text("错误码\n状态码 | 错误码 | 描述 |\n|---|---|---|\n400 | A.1 (old) | d |\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "build.py", "scrape", str(page), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2
    assert "broken.txt:4 (table 1, row 1, cell '错误码'): 'A.1 (old)' is not an error code" in done.stderr
    assert "Traceback" not in done.stderr
    assert out.read_text(encoding="utf-8") == "previous"
    assert list(tmp_path.iterdir()) == [out, page] or sorted(tmp_path.iterdir()) == sorted([out, page])


def test_strict_turns_warnings_into_failure(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("错误码\n状态码 | 错误码 | 描述 |\n|---|---|---|\n400 | A .1 | d |\n", encoding="utf-8")
    out = tmp_path / "o.json"
    lenient = subprocess.run([sys.executable, "build.py", "scrape", str(page), "--out", str(out)],
                             cwd=ROOT, capture_output=True, text=True)
    assert lenient.returncode == 0 and "normalised to 'A.1'" in lenient.stderr
    strict = subprocess.run([sys.executable, "build.py", "scrape", str(page), "--out", str(out), "--strict"],
                            cwd=ROOT, capture_output=True, text=True)
    assert strict.returncode == 1 and "--strict" in strict.stderr


def test_diff_lists_added_removed_and_changed(tmp_path):
    seed = SEED.read_text(encoding="utf-8")
    changed = (seed.replace("400 | AIS.0002 |", "401 | AIS.0002 |")
               .replace("400 | AIS.0003 | Failed to complete", "400 | AIS.9999 | Failed to complete")
               .replace("输入数据JSON格式错误。", "输入数据的JSON格式错误。"))
    page = tmp_path / "image-recognition.zh.txt"
    page.write_text(changed, encoding="utf-8")
    others = [str(p) for p in pipeline.upstream_pages() if p != SEED]
    done = subprocess.run([sys.executable, "build.py", "scrape", *others, str(page), "--diff"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "added 1, removed 1, changed 2 code(s)" in out
    assert "+ AIS.9999" in out and "- AIS.0003" in out
    assert "entries[0].http_status: 400 -> 401" in out
    assert "entries[0].description.zh: 输入数据{+的+}JSON格式错误。" in out


_CODE_HEADS = st.from_regex(r"([A-Za-z0-9]{1,4}([._-][A-Za-z0-9]{1,3}){0,2}[._-]|[A-Za-z]{1,4}|)", fullmatch=True)


@settings(max_examples=400, deadline=None)
@given(_CODE_HEADS, st.integers(1, 4).flatmap(lambda width: st.tuples(*[st.text("0123456789", min_size=width,
                                                                                 max_size=width)] * 2)))
def test_the_plain_order_test_agrees_with_the_sort_key(head, digits):
    # The order check takes codes that differ only in a number of one width as ordered by their
    # text; whenever it does, the sort key must order them alike.
    before, after = (model.Code(head + d, prefix_of(head + d), ()) for d in digits)
    if model._numbered_in_order(before, after):
        assert code_sort_key(before.code, before.prefix) < code_sort_key(after.code, after.prefix)


def test_the_plain_order_test_leaves_the_rest_to_the_sort_key():
    def plain(before, after):
        return model._numbered_in_order(*(model.Code(c, prefix_of(c), ()) for c in (before, after)))
    assert plain("AIS.0014", "AIS.0015") and plain("CCE.01400001", "CCE.01400002") and plain("AIS0014", "AIS0015")
    assert not plain("AIS.9", "AIS.10")  # by value, not by text: the key decides
    assert not plain("AIS.0015", "AIS.0014") and not plain("AIS.0014", "AIT.0015")
    assert not plain("AIS.001a", "AIS.001b") and not plain("A-0014", "A_0015")


def test_seed_fixture_is_the_seed_page_scraped():
    """The site tests build tests/fixtures/seed-data.json: it must be what the seed gives."""
    from tests.conftest import SEED_DATA
    result = pipeline.scrape_pages([SEED])
    assert SEED_DATA.read_text(encoding="utf-8") == result.text


# ---------------------------------------------------------------- the family


def _page(text, name="p.md"):
    from errdex.scrape import scrape
    from errdex.model import Source
    page = scrape(name, text)
    return page, Source(f"{name.split('.')[0]}.zh", name.split(".")[0], "zh", None, None, name, page.form)


def test_a_row_repeated_under_another_module_is_one_entry_listing_both():
    from errdex.dataset import page_entries
    page, source = _page("# 错误码\n\n|模块|状态码|错误码|错误信息|描述|\n|--|--|--|--|--|\n"
                         "|查询|404|VPC.0504|Not found.|未找到|\n|删除|404|VPC.0504|Not found.|未找到|\n")
    entries, warnings = page_entries(page, source)
    (entry,) = entries["VPC.0504"]
    assert entry.modules == ("查询", "删除") and [o.row for o in entry.origins] == [1, 2] and not warnings


def test_same_status_and_message_with_another_description_keeps_both_and_warns():
    from errdex.dataset import page_entries
    page, source = _page("# 错误码\n\n|状态码|错误码|错误信息|描述|\n|--|--|--|--|\n"
                         "|500|VPC.0302|Neutron Error.|底层异常|\n|500|VPC.0302|Neutron Error.|带宽获取底层资源异常|\n")
    entries, warnings = page_entries(page, source)
    assert [e.description["zh"] for e in entries["VPC.0302"]] == ["底层异常", "带宽获取底层资源异常"]
    assert warnings == ["p.md:6 (table 1, row 2): VPC.0302 again with the status and message of row 1 but another "
                        "description or solution; both kept"]


def test_iam_zh_and_en_pages_merge_by_code_and_english_fills_en():
    result = pipeline.scrape_pages([ROOT / "source/upstream/iam.zh.md", ROOT / "source/upstream/iam.en.rst"])
    codes = {c.code: c for c in result.dataset.codes}
    (entry,) = codes["IAM.0001"].entries
    assert entry.description == {"en": "Authentication failed.", "zh": "请求认证失败。"}
    assert entry.solution["en"] == "Complete or check the authentication information."
    assert {o.source for o in entry.origins} == {"iam.zh", "iam.en"}
    assert sum(1 for c in codes.values() for e in c.entries if set(e.description) == {"zh", "en"}) >= 110
    # Drift between the two is kept: the zh page's message of 1100 is Chinese.
    assert codes["1100"].entries[0].variants == ({"source": "iam.zh", "message": "缺失必选参数。"},)


def test_a_range_code_records_its_bounds():
    raw = json.loads(pipeline.DATA_FILE.read_text(encoding="utf-8"))
    (item,) = [c for c in raw["codes"] if c["code"] == "DIS.5000~DIS.5999"]
    assert item["range"] == {"first": "DIS.5000", "last": "DIS.5999"} and item["prefix"] == "DIS"


@pytest.mark.parametrize("key, value, expected", [
    ("language", "fr", "language: expected one of ['zh', 'en'], got 'fr'"),
    ("retrieved", "yesterday", "retrieved: expected a date YYYY-MM-DD or null"),
    ("url", "ftp://x", "url: expected an http(s) address or null"),
    ("service_name", {"fr": "x"}, "service_name: expected an object of names by language"),
    ("colour", "red", "unknown key 'colour'"),
])
def test_a_bad_provenance_value_is_refused_naming_the_file_and_key(tmp_path, key, value, expected):
    from errdex.dataset import read_provenance
    record = {"file": "a.zh.md", "id": "a.zh", "service": "a", "language": "zh", key: value}
    (tmp_path / "provenance.json").write_text(json.dumps({"pages": [record]}), encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(f"provenance.json: pages[0] (a.zh.md): {expected}")):
        read_provenance(tmp_path)


def test_committed_provenance_has_one_record_per_page():
    from errdex.dataset import read_provenance
    records = read_provenance(pipeline.UPSTREAM_DIR)
    assert set(records) == {p.name for p in pipeline.upstream_pages()}
    assert all(set(r) == {"file", "id", "service", "service_name", "language", "url", "origin", "retrieved",
                          "etag", "last_modified"} for r in records.values())
    assert records["image-recognition.zh.txt"]["service_name"] == {"zh": "图像识别", "en": "Image Recognition"}


def _broken_pages(tmp_path):
    good = tmp_path / "good.zh.md"
    good.write_text("# 错误码\n\n|状态码|错误码|描述|\n|--|--|--|\n|400|A.1|坏|\n", encoding="utf-8")
    bad_one = tmp_path / "bad1.zh.md"
    bad_one.write_text("# 错误码\n\n|状态码|错误码|描述|\n|--|--|--|\n|400|A.1 (old)|坏|\n|400||空|\n", encoding="utf-8")
    bad_two = tmp_path / "bad2.zh.md"
    bad_two.write_text("no table here\n", encoding="utf-8")
    return [good, bad_one, bad_two]


def test_many_pages_report_every_problem_at_once_and_write_nothing(tmp_path):
    out = tmp_path / "errors.json"
    done = subprocess.run([sys.executable, "build.py", "scrape", *map(str, _broken_pages(tmp_path)), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "2 of 3 page(s) could not be read; nothing written" in done.stderr
    assert "bad1.zh.md:5 (table 1, row 1, cell '错误码'): 'A.1 (old)' is not an error code" in done.stderr
    assert "bad1.zh.md:6 (table 1, row 2, cell '错误码'): empty error-code cell" in done.stderr
    assert "bad2.zh.md: no table found" in done.stderr
    assert not out.exists()


def test_keep_going_writes_the_rest_and_names_what_it_skipped(tmp_path):
    out = tmp_path / "errors.json"
    done = subprocess.run([sys.executable, "build.py", "scrape", *map(str, _broken_pages(tmp_path)), "--out", str(out),
                           "--keep-going"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert [c["code"] for c in json.loads(out.read_text(encoding="utf-8"))["codes"]] == ["A.1"]
    assert "skipped 2 page(s) that could not be read:" in done.stderr and "bad2.zh.md" in done.stderr
    table = done.stdout.splitlines()
    assert table[0].split() == ["page", "form", "codes", "entries", "warnings"]
    assert table[1].split()[1:] == ["markdown-pipe", "1", "1", "1"] and table[2].split()[:2] == ["1", "page(s)"]


def test_quiet_prints_nothing_but_errors(tmp_path):
    out = tmp_path / "errors.json"
    done = subprocess.run([sys.executable, "build.py", "scrape", str(_broken_pages(tmp_path)[0]), "--out", str(out),
                           "--quiet"], cwd=ROOT, capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "") and out.exists()
