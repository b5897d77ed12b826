/* errdex search core: pure functions over the index that errdex/search_index.py writes
   (its docstring describes the files). No DOM, no fetching: search.js loads the shards
   these functions ask for. normalize() and tokenize() are twins of the Python ones;
   tests/js/tokenize_vectors.json holds both to the same output. */
'use strict';

(function () {
  const CJK = '\u3005-\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff';
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

  const FIELD_WEIGHTS = [[1, 8], [2, 6], [4, 4], [8, 1]]; // field bit and weight: code, status, message, texts
  const FIELD_MESSAGE = 4;
  const TIER = { EXACT: 4, PREFIX: 3, TEMPLATE: 2, TERMS: 1 };
  const PREFIX_FACTOR = 0.5;      // a word that only starts a term counts half
  const MIN_PREFIX = 2;           // shorter words match whole terms only
  const MAX_RANGE_SHARDS = 4;     // a prefix spanning more shards is looked up in the first ones
  const MAX_QUERY_CHARS = 2000;
  const MAX_GROUPS = 32;
  const MAX_CODE_KEY = 64;
  const TEMPLATE_CANDIDATES = 10;
  const MIN_TEMPLATE_WORDS = 3;    // shorter queries are typed, not pasted
  const MIN_TEMPLATE_LITERAL = 10; // a template must explain this many letters of the input

  /** Fold width and case: NFKC, then lower case. */
  function normalize(text) {
    const string = String(text);
    // NFKC leaves ASCII alone, and skipping it keeps highlighting cheap.
    return (/[^\0-\x7f]/.test(string) ? string.normalize('NFKC') : string).toLowerCase();
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
    // Several words without a digit ('failed star') are words, not a spelling of a code.
    const codeLike = raw.length <= MAX_CODE_KEY && WHOLE_CODE_RE.test(raw) && (/\d/.test(raw) || !/\s/.test(raw));
    const key = codeLike ? foldCode(raw) : '';
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

  // The weight of a posting by its field bits: the sum of its fields' weights.
  const WEIGHT_OF = Array.from({ length: 16 }, (_, fields) =>
    FIELD_WEIGHTS.reduce((sum, [bit, weight]) => (fields & bit ? sum + weight : sum), 0));
  const decoded = new WeakMap();

  /** The terms equal to a term and, for a prefix, the longer terms it starts: [{shard, i, exact, size}]. */
  function matchingTerms(index, term, prefix) {
    const found = [];
    for (const number of prefix ? shardsFor(index.meta.terms, term) : [shardOf(index.meta.terms, term)]) {
      const shard = index.terms.get(number);
      for (let i = lowerBound(shard.terms, term); i < shard.terms.length; i++) {
        const exact = shard.terms[i] === term;
        if (!exact && !(prefix && shard.terms[i].startsWith(term))) break;
        found.push({ shard, i, exact, size: shard.docs[i].length });
      }
    }
    return found;
  }

  /** A term's postings as {docs: Int32Array, fields: Uint8Array}, decoded once. */
  function postings(term) {
    if (!decoded.has(term.shard)) decoded.set(term.shard, []);
    const cache = decoded.get(term.shard);
    if (!cache[term.i]) {
      const deltas = term.shard.docs[term.i];
      const hex = term.shard.fields[term.i];
      const docs = new Int32Array(deltas.length);
      const fields = new Uint8Array(deltas.length);
      for (let j = 0, doc = -1; j < deltas.length; j++) {
        doc += deltas[j];
        docs[j] = doc;
        fields[j] = parseInt(hex[j], 16);
      }
      cache[term.i] = { docs, fields };
    }
    return cache[term.i];
  }

  /** The weight of a document in a term's postings, 0 if absent; a longer term counts less. */
  function weightIn(term, doc) {
    const { docs, fields } = postings(term);
    const j = lowerBound(docs, doc);
    return docs[j] === doc ? WEIGHT_OF[fields[j]] * (term.exact ? 1 : PREFIX_FACTOR) : 0;
  }

  /** The best weight of a document among terms, 0 if in none. */
  function bestWeight(terms, doc) {
    return terms.reduce((weight, term) => Math.max(weight, weightIn(term, doc)), 0);
  }

  /** Every document of the terms' postings, scored by its best weight: {docs: sorted, scores}. */
  function union(index, terms) {
    if (terms.length === 1) {
      const { docs, fields } = postings(terms[0]);
      const factor = terms[0].exact ? 1 : PREFIX_FACTOR;
      const scores = new Float32Array(docs.length);
      for (let j = 0; j < docs.length; j++) scores[j] = WEIGHT_OF[fields[j]] * factor;
      return { docs, scores };
    }
    const weight = new Float32Array(index.meta.count);
    for (const term of terms) {
      const { docs, fields } = postings(term);
      const factor = term.exact ? 1 : PREFIX_FACTOR;
      for (let j = 0; j < docs.length; j++) weight[docs[j]] = Math.max(weight[docs[j]], WEIGHT_OF[fields[j]] * factor);
    }
    // Passes over all documents are quicker than sorting the ones found.
    let count = 0;
    for (let doc = 0; doc < weight.length; doc++) if (weight[doc]) count++;
    const docs = new Int32Array(count);
    const scores = new Float32Array(count);
    for (let doc = 0, i = 0; doc < weight.length; doc++) {
      if (!weight[doc]) continue;
      docs[i] = doc;
      scores[i++] = weight[doc];
    }
    return { docs, scores };
  }

  /** The weight of a document for a CJK run: its bigrams must cover every character, else 0. */
  function runWeight(grams, doc) {
    const weights = grams.map((terms) => bestWeight(terms, doc));
    for (let char = 0; char <= weights.length; char++) {
      if (!weights[char - 1] && !weights[char]) return 0;
    }
    return Math.max(...weights);
  }

  /** Keep the documents a part of the query matches, adding its weight to their scores. */
  function narrow(found, weightOf) {
    const docs = new Int32Array(found.docs.length);
    const scores = new Float32Array(found.docs.length);
    let count = 0;
    for (let i = 0; i < found.docs.length; i++) {
      const weight = weightOf(found.docs[i]);
      if (!weight) continue;
      docs[count] = found.docs[i];
      scores[count++] = found.scores[i] + weight;
    }
    return { docs: docs.subarray(0, count), scores: scores.subarray(0, count) };
  }

  /** The number of postings of some terms. */
  function size(terms) {
    return terms.reduce((sum, term) => sum + term.size, 0);
  }

  /** The parts every result must match (words, CJK runs), fewest postings first: {terms, all(), weight(doc)}. */
  function queryParts(query, index) {
    const words = query.words.map((word) => {
      const terms = matchingTerms(index, word, word.length >= MIN_PREFIX);
      return { terms, all: () => union(index, terms), weight: (doc) => bestWeight(terms, doc) };
    });
    const runs = query.runs.map((run) => {
      const grams = ngrams(run).map((gram) => matchingTerms(index, gram, false));
      // Only the first bigram covers the first character, only the last the last: both must be there.
      const [first, last] = [grams[0], grams[grams.length - 1]];
      const terms = size(first) <= size(last) ? first : last;
      const weight = (doc) => runWeight(grams, doc);
      const all = () => {
        const { docs } = union(index, terms);
        return narrow({ docs, scores: new Float32Array(docs.length) }, weight);
      };
      return { terms, all, weight };
    });
    return [...words, ...runs].sort((a, b) => size(a.terms) - size(b.terms));
  }

  /** Documents matching every part of the query: {docs, scores}, scores summing the weights. */
  function termHits(query, index) {
    const parts = queryParts(query, index);
    if (!parts.length) return { docs: new Int32Array(0), scores: new Float32Array(0) };
    // Start from the rarest part, then look the few survivors up in the others' postings.
    let found = parts[0].all();
    for (const part of parts.slice(1)) {
      if (!found.docs.length) break;
      found = narrow(found, part.weight);
    }
    return found;
  }

  /** Put an item into `top`, the k best so far by a comparator, best first. */
  function keepBest(top, item, k, compare) {
    if (top.length === k && compare(item, top[k - 1]) >= 0) return;
    let low = 0;
    let high = top.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (compare(item, top[middle]) < 0) high = middle; else low = middle + 1;
    }
    top.splice(low, 0, item);
    if (top.length > k) top.pop();
  }

  /** Documents whose messages share the rarest words with a pasted message: worth a template test. */
  function templateCandidates(query, index) {
    if (query.words.length < MIN_TEMPLATE_WORDS || query.skeleton.length < MIN_TEMPLATE_LITERAL) return [];
    const score = new Float32Array(index.meta.count);
    for (const term of query.words.flatMap((word) => matchingTerms(index, word, false))) {
      const { docs, fields } = postings(term);
      const rarity = Math.log(1 + index.meta.count / docs.length);
      for (let j = 0; j < docs.length; j++) if (fields[j] & FIELD_MESSAGE) score[docs[j]] += rarity;
    }
    const top = [];
    for (let doc = 0; doc < score.length; doc++) {
      if (score[doc]) keepBest(top, doc, TEMPLATE_CANDIDATES, (a, b) => score[b] - score[a] || a - b);
    }
    return top;
  }

  /** Search the loaded shards: {special: Map doc -> code hit, terms: {docs, scores}, candidates}. */
  function search(query, index, withTerms) {
    const special = new Map();
    codeHits(query, index, special);
    if (!withTerms) return { special, terms: { docs: new Int32Array(0), scores: new Float32Array(0) }, candidates: [] };
    return { special, terms: termHits(query, index), candidates: templateCandidates(query, index) };
  }

  /** The best `limit` hits ({doc, tier, score}) and the number of documents found. */
  function rank(found, limit) {
    // Every special hit (code, prefix, template) ranks above every term hit.
    const special = [...found.special.values()].sort((a, b) => b.tier - a.tier || b.score - a.score || a.doc - b.doc);
    const { docs, scores } = found.terms;
    const compare = (a, b) => scores[b] - scores[a] || docs[a] - docs[b];
    const top = [];
    let total = special.length;
    for (let i = 0; i < docs.length; i++) {
      if (found.special.has(docs[i])) continue;
      total++;
      keepBest(top, i, limit, compare);
    }
    const terms = top.map((i) => ({ doc: docs[i], tier: TIER.TERMS, score: scores[i] }));
    return { total, hits: special.concat(terms).slice(0, limit) };
  }

  /** The documents to load to show `limit` results: the best ones and the template candidates. */
  function docsNeeded(found, limit) {
    // Template hits only move candidates up, so the final best ones are among these.
    return unique([...rank(found, limit).hits.map((hit) => hit.doc), ...found.candidates]);
  }

  /** Add the template hits among loaded documents ([code, statuses, messages, ...]); rank. */
  function finish(found, query, docOf, limit) {
    for (const doc of found.candidates) {
      for (const message of docOf(doc)[2]) {
        const explained = matchTemplate(templatePieces(message), query.skeleton);
        if (explained >= MIN_TEMPLATE_LITERAL) addHit(found.special, doc, TIER.TEMPLATE, explained);
      }
    }
    return rank(found, limit);
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
    codesInText, parseQuery, isEmpty, shardOf, shardsFor, shardsNeeded, search, docsNeeded, finish, highlight,
  };
  if (typeof module !== 'undefined') module.exports = api; else window.ErrdexSearchCore = api;
})();
