"""The client-side search index: one folder per language, split so a lookup loads little.

Layout of `search-index/{lang}/` (JSON, UTF-8, sorted keys, no timestamps):

    meta.json       {"format": 2, "lang": "en", "count": N, "url": "en/codes/{code}/",
                     "docs_per_shard": 32, "codes": [bounds], "terms": [bounds], "typos": [bounds],
                     "prefixes": [lookup key, ...], "ranges": [[prefix key, low, high, doc], ...],
                     "elsewhere": [[prefix key or "*", url, page name], ...]}
    codes/{i}.json  {"keys": [...], "docs": [...], "retired": [...]}
    terms/{i}.json  {"terms": [...], "docs": [[...], ...], "fields": ["...", ...]}
    typos/{i}.json  {"keys": [...], "terms": [[term, ...], ...]}
    docs/{i}.json   [[code, [status, ...], [message, ...], snippet, retired 0|1,
                      prefix page, [[service id, service name, service page], ...]], ...]
    lexicon.json    {"fold": "請请過过…", "synonyms": [[said, [written, ...]], ...]}
    services.json   {"services": [[id, name, page], ...], "docs": [[deltas], ...]}

Documents are the N records in their given order; everything else refers to them by
that integer position. Document d lives in docs/{d // docs_per_shard}.json, holding
what a result shows (messages keep their placeholders, for template matching). Its
page is `url` with {code} replaced: every record's URL must follow that one pattern.

codes/ holds every code's lookup key (codes.lookup_key: ais0014), sorted, with its
document; `retired` lists the retired documents of the shard. terms/ holds the
inverted index of the words in codes, statuses, messages (placeholders removed) and
the descriptions, solutions and notes of both languages; retired documents are left
out, since they are found by exact code only. A term's postings are document deltas
(first one from -1) and, at the same position in `fields`, one character of
FIELD_DIGITS (0-9a-zA-Z-_): the bit set of the fields the term occurs in (FIELD_* below).

Both kinds of shard hold a range of sorted keys (compared as UTF-16, as JavaScript
does). `bounds` in meta.json are the shortest strings that separate one shard from
the next: shard i holds the keys k with bounds[i-1] <= k < bounds[i], so a key or a
key prefix maps to its shards by binary search, and a lookup fetches meta.json and
a shard or two, whatever the size of the site.

Terms come from tokenise(), the twin of tokenize() in templates/assets/search-core.js
(tests/js/tokenize_vectors.json holds them to the same output): NFKC, lower case,
runs of letters and digits; a run of CJK characters gives its overlapping bigrams (a
single character stands for itself). The index also holds each CJK character alone,
so that a one-character query finds it anywhere. Before that, traditional and variant
Chinese characters fold to simplified ones (lexicon.py's OpenCC table), in the index and,
through lexicon.json, in the query: 請求體過大 finds 请求体过大. lexicon.json carries only
the pairs whose simplified side the index (or a synonym) holds: no other could match.

typos/ is the deletion neighbourhood of the index's Latin words of MIN_TYPO letters or
more: each word, and each word with one letter deleted, as a key, with the words it
comes from. A query word that the index lacks is looked up under itself and its own
one-letter deletions (a few keys next to it in sort order, so a shard or two), which
finds every word one edit or transposition away, and some two away; search-core.js
keeps those within the edit distance the word's length allows. The work per query
word is bounded by its length, not by the size of the index.

ranges lists the codes that stand for a range of codes (DIS.5000~DIS.5999: prefix key
"dis", "5000", "5999"), so that DIS.5123 finds its row. services.json, fetched only
when a search is narrowed to a service, lists each service's documents as deltas.
"""

import array
import functools
import itertools
import operator
import re
import unicodedata
from dataclasses import dataclass

from . import lexicon, urls
from .codes import PLACEHOLDER_RE, lookup_key
from .pipeline import TreeWriter, compact_json

FORMAT = 2
DOCS_PER_SHARD = 32
CODES_PER_SHARD = 1024
TERM_SHARD_CHARS = 32_000
FIELD_CODE, FIELD_STATUS, FIELD_MESSAGE = 1, 2, 4
FIELD_DESCRIPTION, FIELD_SOLUTION, FIELD_NOTES = 8, 16, 32
FIELD_TEXT = FIELD_DESCRIPTION  # the texts of a record without solutions and notes apart
FIELD_SHIFT = 6
# A posting's field bits as one character: the bit set's position in this alphabet.
FIELD_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
MIN_TYPO, MAX_TYPO = 4, 24  # the lengths of the words whose typos are found

CJK = "\u3005-\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# [^\W_] is exactly Unicode's letters and numbers (\p{L}\p{N} in search-core.js).
_WORD_RE = re.compile(r"[^\W_]+")
_CJK_SPLIT_RE = re.compile(f"[{CJK}]+|[^{CJK}]+")
_CJK_RE = re.compile(f"[{CJK}]")
_TYPO_WORD_RE = re.compile(r"[a-z]+")


@functools.cache
def _fold():
    """str.translate's table of the OpenCC fold, and a pattern finding a character it folds."""
    table = lexicon.read_fold_table()
    return str.maketrans(table), re.compile("[" + "".join(map(re.escape, sorted(table))) + "]")


def fold_chinese(text):
    """Traditional and variant Chinese characters folded to simplified ones (OpenCC's table).

    Most texts are simplified already: a search for a character to fold (in C) spares them
    translate()'s dictionary lookup per character.
    """
    table, pattern = _fold()
    return text.translate(table) if pattern.search(text) else text


def normalise(text):
    """Fold width, case and traditional Chinese: NFKC, lower case, then the OpenCC table."""
    normalised = unicodedata.normalize("NFKC", text).lower()
    return fold_chinese(normalised) if _CJK_RE.search(normalised) else normalised


def segments(text):
    """Split normalised text into runs of letters and digits, CJK runs apart."""
    return [part for word in _WORD_RE.findall(normalise(text)) for part in _CJK_SPLIT_RE.findall(word)]


def ngrams(run):
    """The overlapping bigrams of a CJK run; a single character stands for itself."""
    return [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]


def tokenise(text):
    """The search terms of a text, in order: words, and bigrams of CJK runs."""
    tokens = []
    for part in segments(text):
        tokens.extend(ngrams(part) if _CJK_RE.match(part) else [part])
    return tokens


# A small cache: texts that recur (a service's stock solutions) recur often; a cache of
# every text held the terms of all of them, a fifth of a gigabyte at 100,000 codes.
@functools.lru_cache(maxsize=4096)
def index_terms(text):
    """The terms a text is indexed under: set(tokenise(text)) and its CJK characters alone.

    The same set as that definition (a property test holds them equal), made with fewer
    steps: the index tokenises every text of both languages.
    """
    normalised = unicodedata.normalize("NFKC", text).lower()
    if not _CJK_RE.search(normalised):  # most texts: the words are the terms (as tokenise() gives)
        return frozenset(_WORD_RE.findall(normalised))
    normalised = fold_chinese(normalised)
    # Every CJK character is a term, so a run's single characters come with this set; its
    # bigrams are made by pairing the run with itself shifted by one.
    terms = set(normalised) & _cjk_characters()
    for word in _WORD_RE.findall(normalised):
        for part in _CJK_SPLIT_RE.findall(word):
            if _CJK_RE.match(part):
                terms.update(map(operator.add, part, part[1:]))
            else:
                terms.add(part)
    return frozenset(terms)


@functools.cache
def _cjk_characters():
    """Every character of the CJK ranges: intersecting a text's characters with it costs
    half as much as finding them by a pattern (28,000 characters, 3 MB, made on first use)."""
    ranges = re.findall(r"(.)-(.)|(.)", CJK)
    return frozenset(chr(code) for low, high, single in ranges
                     for code in (range(ord(low), ord(high) + 1) if low else (ord(single),)))


def utf16_key(text):
    """Sort key that orders strings as JavaScript compares them."""
    return text.encode("utf-16-be")


def separator(before, after):
    """The shortest prefix of `after` that sorts above `before`."""
    for end in range(1, len(after) + 1):
        if utf16_key(after[:end]) > utf16_key(before):
            return after[:end]
    return after


def bounds(shards):
    """The separators between consecutive shards of (key, ...) entries."""
    return [separator(left[-1][0], right[0][0]) for left, right in zip(shards, shards[1:])]


def url_pattern(records):
    """The page URL of every record with its code as {code}; all must share it."""
    first = records[0]
    head, _, tail = first["url"].rpartition(first["code"])
    pattern = head + "{code}" + tail
    for record in records:
        if pattern.replace("{code}", record["code"]) != record["url"]:
            raise ValueError(f"search index: {record['code']}: URL {record['url']!r} "
                             f"does not follow {pattern!r}")
    return pattern


def document(record):
    """The display data of a record, as stored in docs/."""
    messages = [m for m in record["messages"] if m is not None]
    return [record["code"], list(record["statuses"]), messages, record["snippet"] or "", int(record["retired"]),
            record.get("prefix_path", ""), [list(s) for s in record.get("services", ())]]


def record_fields(record):
    """Pairs (field bit, text) of a record's code, statuses and messages (its texts are apart)."""
    yield FIELD_CODE, record["code"]
    for status in record["statuses"]:
        yield FIELD_STATUS, str(status)
    for message in record["messages"]:
        if message is not None:
            yield FIELD_MESSAGE, PLACEHOLDER_RE.sub(" ", message)


# The fields of a record's texts, by record key: descriptions, solutions, notes ({lang: [text]}).
TEXT_FIELDS = (("texts", FIELD_DESCRIPTION), ("solutions", FIELD_SOLUTION), ("notes", FIELD_NOTES))
_LATIN_RE = re.compile("[A-Za-z]")


def message_languages(record):
    """The languages the record's messages are written in: zh if one holds CJK, en if one
    holds Latin letters."""
    messages = [m for m in record["messages"] if m]
    return {lang for lang, pattern in (("zh", _CJK_RE), ("en", _LATIN_RE)) if any(map(pattern.search, messages))}


def text_field_terms(record):
    """[(field bits, terms)] of a record's descriptions, solutions and notes (both languages).

    A description in a language the messages are not written in stands for the message in
    that language (Chinese pages often give an English message and a Chinese description):
    its terms weigh as the message's too, as those of a page whose message is in it do.
    """
    found, languages = [], message_languages(record)
    for key, field in TEXT_FIELDS:
        by_lang = record.get(key) or {}
        if field == FIELD_DESCRIPTION:
            for lang, texts in sorted(by_lang.items()):
                if texts:
                    found.append((field | (0 if lang in languages else FIELD_MESSAGE), _joined_terms(texts)))
            continue
        terms = frozenset().union(*[_joined_terms(texts) for texts in by_lang.values() if texts])
        if terms:
            found.append((field, terms))
    return found


def text_groups(fields):
    """[(field bits, terms)] that split the terms of [(field bits, terms)] by the set of fields
    holding them: set operations in C instead of a dictionary update per term."""
    if len(fields) <= 1:
        return fields
    groups = []
    for mask in range(1, 1 << len(fields)):
        inside = [terms for i, (_, terms) in enumerate(fields) if mask >> i & 1]
        outside = [terms for i, (_, terms) in enumerate(fields) if not mask >> i & 1]
        group = frozenset.intersection(*inside).difference(*outside)
        if group:
            groups.append((functools.reduce(operator.or_, (bits for i, (bits, _) in enumerate(fields) if mask >> i & 1)),
                           group))
    return groups


def inverted_index(records):
    """Map each term to its postings: [document << FIELD_SHIFT | field bits, …] in document order.

    Retired documents are left out.
    """
    appenders = _Appenders()
    for doc, record in enumerate(records):
        if record["retired"]:
            continue
        fields = {}  # the terms of the code, statuses and messages: a few, with their bits
        for field, text in record_fields(record):
            for term in index_terms(text):
                fields[term] = fields.get(term, 0) | field
        # The texts hold most of a document's terms, most with one posting per group of fields.
        for bits, terms in text_groups(text_field_terms(record)):
            posting = doc << FIELD_SHIFT | bits
            for append in map(appenders.__getitem__, terms - fields.keys()):
                append(posting)
            for term in terms & fields.keys():
                fields[term] |= bits
        for term, field_bits in fields.items():
            appenders[term](doc << FIELD_SHIFT | field_bits)
    return appenders.postings


class _Appenders(dict):
    """term: the append method of its postings, made on first use; `postings` holds them.

    Postings are arrays of machine integers: at 100,000 codes there are ten million, and
    as Python ints in lists they took a third of a gigabyte. Their bound append methods are
    kept, so that each posting costs a lookup and a call, not an attribute lookup too.
    """

    def __init__(self):
        super().__init__()
        self.postings = {}

    def __missing__(self, term):
        postings = self.postings[term] = array.array("q")
        self[term] = postings.append
        return postings.append


def _joined_terms(texts):
    """The union of index_terms() of the texts, from their text joined by newlines.

    The same terms: a newline is not part of a word, and normalising (NFKC, lower case)
    ends at it as at the end of a text. One call per language instead of one per text
    (descriptions, solutions, their translations, notes): texts of one language take the
    same path (most Chinese ones hold CJK, English ones none), which all texts together
    would not.
    """
    return index_terms(texts[0]) if len(texts) == 1 else index_terms.__wrapped__("\n".join(texts))


def encode_postings(postings):
    """The JSON array of document deltas (first one from -1), and a string of field digits
    (FIELD_DIGITS), in document order.

    Iterated in C (map over operator functions): there are ten million postings at
    100,000 codes, and Python loops over them, with a JSON encoding of the result,
    were a third of the search index's time.
    """
    docs = list(map(operator.rshift, postings, itertools.repeat(FIELD_SHIFT)))
    deltas = map(operator.sub, docs, itertools.chain((-1,), docs))
    bits = "".join(map(FIELD_DIGITS.__getitem__, map(operator.and_, postings, itertools.repeat(63))))
    return "[" + ",".join(map(str, deltas)) + "]", bits


def term_shards(index):
    """Cut the sorted terms into shards of about TERM_SHARD_CHARS of JSON each.

    Returns [(first term, last term, JSON text)]. The index is emptied as its terms are
    encoded: only the JSON text of the shards is kept.
    """
    shards, terms, docs, fields, size = [], [], [], [], 0
    for term in sorted(index, key=utf16_key):
        deltas, bits = encode_postings(index.pop(term))
        terms.append(term)
        docs.append(deltas)
        fields.append(bits)
        size += len(term) + len(bits) + len(deltas)
        if size >= TERM_SHARD_CHARS:
            shards.append(_term_shard(terms, docs, fields))
            terms, docs, fields, size = [], [], [], 0
    if terms or not shards:
        shards.append(_term_shard(terms, docs, fields))
    return shards


def _term_shard(terms, docs, fields):
    """(first term, last term, the shard's JSON) from each term's JSON array of deltas.

    The text of to_json({"terms": terms, "docs": [...], "fields": fields}), assembled
    from the arrays' texts rather than encoded again.
    """
    text = (f'{{"docs":[{",".join(docs)}],"fields":{compact_json(fields)},'
            f'"terms":{compact_json(terms)}}}\n')
    return terms[0] if terms else "", terms[-1] if terms else "", text


def code_shards(records):
    """Cut the sorted (lookup key, document) pairs into shards of CODES_PER_SHARD."""
    pairs = sorted(((lookup_key(r["code"]), doc) for doc, r in enumerate(records)),
                   key=lambda pair: (utf16_key(pair[0]), pair[1]))
    shards = [[]]
    for pair in pairs:
        # Equal keys stay in one shard, so that a lookup finds them all in one place.
        if len(shards[-1]) >= CODES_PER_SHARD and pair[0] != shards[-1][-1][0]:
            shards.append([])
        shards[-1].append(pair)
    return shards


def deletions(word):
    """The word with one letter deleted, each way, in order of position."""
    return [word[:i] + word[i + 1:] for i in range(len(word))]


def typo_keys(terms):
    """{key: sorted words} of the deletion neighbourhood of the Latin words among terms."""
    keys = {}
    for term in terms:
        if MIN_TYPO <= len(term) <= MAX_TYPO and _TYPO_WORD_RE.fullmatch(term):
            for key in {term, *deletions(term)}:
                keys.setdefault(key, []).append(term)
    return {key: sorted(words) for key, words in keys.items()}


def typo_shards(terms):
    """Cut the sorted deletion keys into shards of about TERM_SHARD_CHARS of JSON each.

    Returns [(first key, last key, {"keys", "terms"})].
    """
    shards, keys, words, size = [], [], [], 0
    for key, found in sorted(typo_keys(terms).items()):
        keys.append(key)
        words.append(found)
        size += len(key) + sum(len(w) + 3 for w in found) + 4
        if size >= TERM_SHARD_CHARS:
            shards.append((keys[0], keys[-1], {"keys": keys, "terms": words}))
            keys, words, size = [], [], 0
    if keys or not shards:
        shards.append((keys[0] if keys else "", keys[-1] if keys else "", {"keys": keys, "terms": words}))
    return shards


_RANGE_SPLIT_RE = re.compile(r"\s*[~～]\s*")
_PREFIX_NUMBER_RE = re.compile(r"^(.*?)(\d+)$")


def range_bounds(value):
    """(first code, last code) of a record's range ('A.1~A.9', [first, last] or
    {"first", "last"}), or None."""
    if isinstance(value, str):
        parts = _RANGE_SPLIT_RE.split(value.strip())
    elif isinstance(value, dict):
        parts = [value.get("first") or value.get("from") or "", value.get("last") or value.get("to") or ""]
    else:
        parts = list(value or ())
    return tuple(parts) if len(parts) == 2 and all(isinstance(p, str) and p for p in parts) else None


def code_range(record, doc):
    """[prefix key, low number, high number, doc] of a record that stands for a range of
    codes (its "range", or a code written 'A.5000~A.5999'), or None."""
    bounds_ = range_bounds(record.get("range") or (record["code"] if "~" in record["code"] else None))
    if bounds_ is None:
        return None
    (low_prefix, low), (high_prefix, high) = [
        (m.group(1), m.group(2)) if (m := _PREFIX_NUMBER_RE.match(lookup_key(b))) else (None, None) for b in bounds_]
    if low_prefix is None or low_prefix != high_prefix or len(low) != len(high) or low > high:
        return None
    return [low_prefix, low, high, doc]


def to_json(data):
    """Compact, deterministic JSON."""
    return compact_json(data) + "\n"


@dataclass(frozen=True)
class SharedIndex:
    """The parts of the index that are the same in every language: code and term shards.

    Both languages index the same texts (each other's translations included), so these
    are computed once and written into each language's folder.
    """

    count: int
    codes: list  # {"keys", "docs", "retired"} per shard
    code_bounds: list
    terms: list  # JSON text of {"terms", "docs", "fields"} per shard
    term_bounds: list
    typos: list = ()  # {"keys", "terms"} per shard
    typo_bounds: list = ()
    prefixes: list = ()  # lookup keys of the prefixes, sorted
    ranges: list = ()  # [prefix key, low, high, doc]
    lexicon: dict = None  # lexicon.json


def shard_bounds(shards):
    """The separators between consecutive (first key, last key, ...) shards."""
    return [separator(left[1], right[0]) for left, right in zip(shards, shards[1:])]


def shared_index(records):
    """Build the code and term shards of the records (in their final order)."""
    if not records:
        raise ValueError("search index: no records")
    codes = code_shards(records)
    inverted = inverted_index(records)
    vocabulary = frozenset(inverted)
    typos = typo_shards(vocabulary)
    terms = term_shards(inverted)
    return SharedIndex(
        count=len(records),
        codes=[{"keys": [key for key, _ in shard], "docs": [doc for _, doc in shard],
                "retired": [doc for _, doc in shard if records[doc]["retired"]]} for shard in codes],
        code_bounds=bounds(codes),
        terms=[text for _, _, text in terms], term_bounds=shard_bounds(terms),
        typos=[shard for _, _, shard in typos], typo_bounds=shard_bounds(typos),
        prefixes=sorted({lookup_key(r["prefix"]) for r in records if r["prefix"]}, key=utf16_key),
        ranges=[found for doc, r in enumerate(records) if not r["retired"] and (found := code_range(r, doc))],
        lexicon=lexicon_file(vocabulary))


def lexicon_file(vocabulary):
    """lexicon.json: the fold pairs and synonyms a query can use against this vocabulary."""
    synonyms = [[normalise(s.said), [normalise(w) for w in s.written]] for s in lexicon.read_synonyms()]
    wanted = set(vocabulary) | {char for _, written in synonyms for phrase in written for char in phrase}
    fold = "".join(k + v for k, v in sorted(lexicon.read_fold_table().items()) if v in wanted)
    return {"fold": fold, "synonyms": synonyms}


def elsewhere_rows(lang):
    """meta.json's elsewhere: [prefix key or '*', URL, the page's name in lang]."""
    return [[row.prefix if row.prefix == "*" else lookup_key(row.prefix), row.url, row.names[lang]]
            for row in lexicon.read_elsewhere()]


def shared_files(shared, lang, url):
    """meta.json, codes/, terms/, typos/ and lexicon.json of one language, as {name: data}."""
    files = {f"codes/{i}.json": shard for i, shard in enumerate(shared.codes)}
    files.update({f"terms/{i}.json": shard for i, shard in enumerate(shared.terms)})
    files.update({f"typos/{i}.json": shard for i, shard in enumerate(shared.typos)})
    files["lexicon.json"] = shared.lexicon or {"fold": "", "synonyms": []}
    files["meta.json"] = {
        "format": FORMAT, "lang": lang, "count": shared.count, "url": url,
        "docs_per_shard": DOCS_PER_SHARD, "codes": shared.code_bounds, "terms": shared.term_bounds,
        "typos": list(shared.typo_bounds), "prefixes": list(shared.prefixes), "ranges": list(shared.ranges),
        "elsewhere": elsewhere_rows(lang)}
    return files


def doc_files(records):
    """docs/ and services.json of one language (what a result shows, in that language)."""
    files = {f"docs/{start // DOCS_PER_SHARD}.json": [document(r) for r in records[start:start + DOCS_PER_SHARD]]
             for start in range(0, len(records), DOCS_PER_SHARD)}
    files["services.json"] = services_file(records)
    return files


def services_file(records):
    """services.json: each service (id, name, page) and its current documents, as deltas."""
    services, docs = {}, {}
    for doc, record in enumerate(records):
        for service in record.get("services", ()):
            services.setdefault(service[0], list(service))
            if not record["retired"]:
                docs.setdefault(service[0], []).append(doc)
    ids = sorted(services, key=lambda s: (s.casefold(), s))
    deltas = [[d - (docs[s][i - 1] if i else -1) for i, d in enumerate(docs.get(s, []))] for s in ids]
    return {"services": [services[s] for s in ids], "docs": deltas}


def write_files(files, lang, write):
    """Write {name: data or JSON text} under search-index/{lang}/ with write(site path, text).

    Returns the site-relative paths, sorted.
    """
    root = urls.search_index_path(lang)
    for name, data in files.items():
        write(root + name, data if isinstance(data, str) else to_json(data))
    return sorted(root + name for name in files)


def write_search_index(records, lang, out_dir, shared=None):
    """Write the search index of one language; return the site-relative paths written, sorted.

    `shared`, if given, is shared_index() of the same texts, computed once for all languages.
    """
    if not records:
        raise ValueError(f"search index: no records for {lang!r}")
    files = shared_files(shared or shared_index(records), lang, url_pattern(records))
    files.update(doc_files(records))
    return write_files(files, lang, TreeWriter(out_dir).write)
