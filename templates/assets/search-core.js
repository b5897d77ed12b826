/* errdex search core: pure functions over the index that errdex/search_index.py writes
   (its docstring describes the files). No DOM, no fetching: search.js loads the shards
   these functions ask for. normalize() and tokenize() are twins of the Python ones;
   tests/js/tokenize_vectors.json holds both to the same output. */
'use strict';

(function () {
  const CJK = '\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff';
  const WORD_RE = /[\p{L}\p{N}]+/gu;
  const CJK_SPLIT_RE = new RegExp(`[${CJK}]+|[^${CJK}]+`, 'gu');
  const CJK_RE = new RegExp(`^[${CJK}]`, 'u');
  // Same as codes.PLACEHOLDER_RE: printf-style (%s, %d, %1$s, %.2f), brace-style ({}, {0}, {name}).
  const PLACEHOLDER_RE = /%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?[sdifguxXoeEc]|\{\d*\}|\{[A-Za-z_][A-Za-z0-9_]*\}/;
  const WHOLE_CODE_RE = /^[A-Za-z0-9]+(?:[\s._-]+[A-Za-z0-9]+)*$/;
  // A code inside pasted text: segments joined by separators, holding a letter and a digit.
  const CODE_TOKEN_RE = /[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)+/g;
  // The value of a code field in JSON or a log line: "error_code": "X", errorCode=X, "code": 1100.
  const KEYED_CODE_RE = /(?<![A-Za-z_])(?:error[_-]?code|code)["']?\s*[:=]\s*["']?([A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*)/gi;

  const FIELD_WEIGHTS = [[1, 8], [2, 6], [4, 4], [8, 1]]; // code, status, message, texts
  const FIELD_MESSAGE = 4;
  const TIER = { EXACT: 4, PREFIX: 3, TEMPLATE: 2, TERMS: 1 };
  const PREFIX_FACTOR = 0.5;      // a word that only starts a term counts half
  const MIN_PREFIX = 2;           // shorter words match whole terms only
  const MAX_RANGE_SHARDS = 4;     // a prefix spanning more shards is looked up in the first ones
  const MAX_QUERY_CHARS = 2000;
  const MAX_GROUPS = 32;
  const MAX_CODE_KEY = 64;
  const TEMPLATE_CANDIDATES = 10;
  const MIN_TEMPLATE_LITERAL = 10; // a template must explain this many letters of the input

  /** Fold width and case: NFKC, then lower case. */
  function normalize(text) {
    return String(text).normalize('NFKC').toLowerCase();
  }

  /** True if a run of letters is CJK. */
  function isCjk(run) {
    return CJK_RE.test(run);
  }

  /** Split normalised text into runs of letters and digits, CJK runs apart. */
  function segments(text) {
    const words = normalize(text).match(WORD_RE) || [];
    return words.flatMap((word) => word.match(CJK_SPLIT_RE));
  }

  /** The overlapping bigrams of a CJK run; a single character stands for itself. */
  function ngrams(run) {
    if (run.length === 1) return [run];
    const grams = [];
    for (let i = 0; i < run.length - 1; i++) grams.push(run.slice(i, i + 2));
    return grams;
  }

  /** The search terms of a text, in order: words, and bigrams of CJK runs. */
  function tokenize(text) {
    return segments(text).flatMap((run) => (isCjk(run) ? ngrams(run) : [run]));
  }

  /** Fold a code for lookups: width, case and separators ignored (ais0014 == AIS.0014). */
  function foldCode(text) {
    return normalize(text).replace(/[\s._-]+/g, '');
  }

  /** Letters and digits only, lower case: what template matching compares. */
  function skeleton(text) {
    return segments(text).join('');
  }

  /** The literal pieces of a message template, as skeletons, without placeholders. */
  function templatePieces(message) {
    return message.split(PLACEHOLDER_RE).map(skeleton).filter(Boolean);
  }

  /** Letters of the input the template's literal text explains, or 0 if it does not match. */
  function matchTemplate(pieces, input) {
    // Leftmost matches in order are what lazy wildcards between the pieces would find.
    let position = 0;
    let explained = 0;
    for (const piece of pieces) {
      const found = input.indexOf(piece, position);
      if (found < 0) return 0;
      position = found + piece.length;
      explained += piece.length;
    }
    return explained;
  }

  /** Distinct values in first-seen order. */
  function unique(values) {
    return [...new Set(values)];
  }

  /** Lookup keys of the codes quoted in pasted text: keyed values first, then code-like tokens. */
  function codesInText(text) {
    const keyed = [...text.matchAll(KEYED_CODE_RE)].map((m) => m[1]);
    const tokens = (text.match(CODE_TOKEN_RE) || []).filter((t) => /[A-Za-z]/.test(t) && /\d/.test(t));
    return unique([...keyed, ...tokens].map(foldCode));
  }

  /** Parse what the user typed into the parts each kind of matching needs. */
  function parseQuery(text) {
    const raw = String(text).normalize('NFKC').trim().slice(0, MAX_QUERY_CHARS);
    const key = raw.length <= MAX_CODE_KEY && WHOLE_CODE_RE.test(raw) ? foldCode(raw) : '';
    const runs = segments(raw);
    return {
      key,
      codes: unique([key, ...codesInText(raw)].filter(Boolean)),
      codeShaped: /[a-z]/.test(key) && /\d/.test(key),
      words: unique(runs.filter((run) => !isCjk(run))).slice(0, MAX_GROUPS),
      runs: unique(runs.filter(isCjk)).slice(0, MAX_GROUPS),
      skeleton: runs.join(''),
    };
  }

  /** True if the query has nothing to search for. */
  function isEmpty(query) {
    return !query.codes.length && !query.words.length && !query.runs.length;
  }

  /** The shard holding a key: shard i holds bounds[i-1] <= key < bounds[i]. */
  function shardOf(bounds, key) {
    let low = 0;
    let high = bounds.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (key < bounds[middle]) high = middle; else low = middle + 1;
    }
    return low;
  }

  /** The shards holding the keys that start with a prefix (at most MAX_RANGE_SHARDS). */
  function shardsFor(bounds, prefix) {
    const first = shardOf(bounds, prefix);
    const last = Math.min(shardOf(bounds, prefix + '\uffff'), first + MAX_RANGE_SHARDS - 1);
    const shards = [];
    for (let i = first; i <= last; i++) shards.push(i);
    return shards;
  }

  /** The first position in a sorted array whose value is >= key. */
  function lowerBound(sorted, key) {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (sorted[middle] < key) low = middle + 1; else high = middle;
    }
    return low;
  }

  /** The code and term shards a query needs; code-shaped queries try codes alone first. */
  function shardsNeeded(query, meta, withTerms) {
    const codes = new Set(query.codes.map((key) => shardOf(meta.codes, key)));
    if (query.key.length >= MIN_PREFIX) shardsFor(meta.codes, query.key).forEach((i) => codes.add(i));
    const terms = new Set();
    if (withTerms) {
      for (const word of query.words) {
        const shards = word.length >= MIN_PREFIX ? shardsFor(meta.terms, word) : [shardOf(meta.terms, word)];
        shards.forEach((i) => terms.add(i));
      }
      query.runs.flatMap(ngrams).forEach((gram) => terms.add(shardOf(meta.terms, gram)));
    }
    const sorted = (set) => [...set].sort((a, b) => a - b);
    return { codes: sorted(codes), terms: sorted(terms) };
  }

  /** Keep the better of two hits on one document. */
  function addHit(hits, doc, tier, score) {
    const old = hits.get(doc);
    if (!old || tier > old.tier || (tier === old.tier && score > old.score)) hits.set(doc, { doc, tier, score });
  }

  /** Hits on codes: exact codes (in the order quoted), then codes starting with the query. */
  function codeHits(query, index, hits) {
    query.codes.forEach((key, order) => {
      const shard = index.codes.get(shardOf(index.meta.codes, key));
      for (let i = lowerBound(shard.keys, key); shard.keys[i] === key; i++) {
        addHit(hits, shard.docs[i], TIER.EXACT, -order);
      }
    });
    if (query.key.length < MIN_PREFIX) return;
    for (const number of shardsFor(index.meta.codes, query.key)) {
      const shard = index.codes.get(number);
      const retired = new Set(shard.retired);
      for (let i = lowerBound(shard.keys, query.key); i < shard.keys.length && shard.keys[i].startsWith(query.key); i++) {
        if (!retired.has(shard.docs[i])) addHit(hits, shard.docs[i], TIER.PREFIX, 0);
      }
    }
  }

  /** Call visit(doc, fields, exact) for each posting of a term (and of longer terms, for a prefix). */
  function forEachPosting(index, term, prefix, visit) {
    const shards = prefix ? shardsFor(index.meta.terms, term) : [shardOf(index.meta.terms, term)];
    for (const number of shards) {
      const shard = index.terms.get(number);
      for (let i = lowerBound(shard.terms, term); i < shard.terms.length; i++) {
        const exact = shard.terms[i] === term;
        if (!exact && !(prefix && shard.terms[i].startsWith(term))) break;
        const deltas = shard.docs[i];
        const fields = shard.fields[i];
        let doc = -1;
        for (let j = 0; j < deltas.length; j++) {
          doc += deltas[j];
          visit(doc, parseInt(fields[j], 16), exact);
        }
      }
    }
  }

  /** The weight of a posting: the sum of its fields' weights. */
  function fieldWeight(fields) {
    return FIELD_WEIGHTS.reduce((sum, [bit, weight]) => (fields & bit ? sum + weight : sum), 0);
  }

  /** Documents holding a word (or, from MIN_PREFIX letters, a word it starts): doc -> weight. */
  function wordScores(index, word) {
    const scores = new Map();
    forEachPosting(index, word, word.length >= MIN_PREFIX, (doc, fields, exact) => {
      const weight = fieldWeight(fields) * (exact ? 1 : PREFIX_FACTOR);
      if (!(scores.get(doc) >= weight)) scores.set(doc, weight);
    });
    return scores;
  }

  /** True if the bigrams found cover every character of the run. */
  function covers(found) {
    for (let char = 0; char <= found.length; char++) {
      if (!found[char - 1] && !found[char]) return false;
    }
    return true;
  }

  /** Documents holding a CJK run: bigrams covering all its characters, in any order: doc -> weight. */
  function runScores(index, run) {
    const grams = ngrams(run).map((gram) => {
      const scores = new Map();
      forEachPosting(index, gram, false, (doc, fields) => scores.set(doc, fieldWeight(fields)));
      return scores;
    });
    const scores = new Map();
    for (const doc of new Set(grams.flatMap((gram) => [...gram.keys()]))) {
      const found = grams.map((gram) => gram.get(doc));
      if (covers(found)) scores.set(doc, Math.max(...found.filter(Boolean)));
    }
    return scores;
  }

  /** Documents matching every word and run of the query, scored by the sum of their weights. */
  function termHits(query, index, hits) {
    const groups = [...query.words.map((w) => wordScores(index, w)), ...query.runs.map((r) => runScores(index, r))];
    if (!groups.length) return;
    groups.sort((a, b) => a.size - b.size);
    for (const [doc, weight] of groups[0]) {
      let score = weight;
      for (const group of groups.slice(1)) {
        if (!group.has(doc)) { score = null; break; }
        score += group.get(doc);
      }
      if (score !== null) addHit(hits, doc, TIER.TERMS, score);
    }
  }

  /** Documents whose messages share the most words with a pasted message: worth a template test. */
  function templateCandidates(query, index) {
    if (query.words.length < 2 || query.skeleton.length < MIN_TEMPLATE_LITERAL) return [];
    const counts = new Map();
    for (const word of query.words) {
      forEachPosting(index, word, false, (doc, fields) => {
        if (fields & FIELD_MESSAGE) counts.set(doc, (counts.get(doc) || 0) + 1);
      });
    }
    return [...counts].filter(([, count]) => count >= 2)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, TEMPLATE_CANDIDATES).map(([doc]) => doc);
  }

  /** Search the loaded shards: {hits: Map doc -> hit, candidates: docs to test as templates}. */
  function search(query, index, withTerms) {
    const hits = new Map();
    codeHits(query, index, hits);
    if (!withTerms) return { hits, candidates: [] };
    termHits(query, index, hits);
    return { hits, candidates: templateCandidates(query, index) };
  }

  /** Hits ordered best first: tier, then score, then code order. */
  function rank(hits) {
    return [...hits.values()].sort((a, b) => b.tier - a.tier || b.score - a.score || a.doc - b.doc);
  }

  /** The documents to load to show `limit` results: the best ones and the template candidates. */
  function docsNeeded(found, limit) {
    // Template hits only move candidates up, so the final best ones are among these.
    return unique([...rank(found.hits).slice(0, limit).map((hit) => hit.doc), ...found.candidates]);
  }

  /** Add template hits from loaded documents ([code, statuses, messages, ...]); return the ranking. */
  function finish(found, query, docOf) {
    for (const doc of found.candidates) {
      for (const message of docOf(doc)[2]) {
        const explained = matchTemplate(templatePieces(message), query.skeleton);
        if (explained >= MIN_TEMPLATE_LITERAL) addHit(found.hits, doc, TIER.TEMPLATE, explained);
      }
    }
    return rank(found.hits);
  }

  /** Ranges [start, end) of a text to highlight for a query, sorted and merged. */
  function highlight(text, query) {
    const ranges = [];
    for (const word of text.matchAll(WORD_RE)) {
      for (const part of word[0].matchAll(CJK_SPLIT_RE)) {
        if (isCjk(part[0])) continue;
        const folded = normalize(part[0]);
        if (query.words.some((w) => folded === w || (w.length >= MIN_PREFIX && folded.startsWith(w)))) {
          const start = word.index + part.index;
          ranges.push([start, start + part[0].length]);
        }
      }
    }
    for (const gram of query.runs.flatMap(ngrams)) {
      for (let at = text.indexOf(gram); at >= 0; at = text.indexOf(gram, at + 1)) ranges.push([at, at + gram.length]);
    }
    return mergeRanges(ranges);
  }

  /** Sort ranges and join the overlapping or touching ones. */
  function mergeRanges(ranges) {
    const merged = [];
    for (const [start, end] of ranges.sort((a, b) => a[0] - b[0])) {
      const last = merged[merged.length - 1];
      if (last && start <= last[1]) last[1] = Math.max(last[1], end); else merged.push([start, end]);
    }
    return merged;
  }

  const api = {
    TIER, normalize, segments, ngrams, tokenize, foldCode, skeleton, templatePieces, matchTemplate,
    codesInText, parseQuery, isEmpty, shardOf, shardsFor, shardsNeeded, search, rank, docsNeeded,
    finish, highlight,
  };
  if (typeof module !== 'undefined') module.exports = api; else window.ErrdexSearchCore = api;
})();
