/* errdex search core: pure functions over the index that errdex/search_index.py writes
   (its docstring describes the files). No DOM, no fetching: search.js loads the shards
   these functions ask for. normalize(), foldChinese() and tokenize() are twins of the
   Python ones; tests/js/tokenize_vectors.json holds both to the same output.

   Ranking: codes, then code prefixes, then filled-in message templates come first; below
   them every part of the query (a Latin word, a run of CJK characters, a synonym's phrase)
   adds to a document's score and none is required. A term adds its rarity (BM25's idf)
   times the weight of the fields it occurs in (code, status, message, description,
   solution, notes), times how it matched: exactly, as the start of a longer word, through
   a typo (one or two edits), or through a synonym from source/synonyms.tsv. */
'use strict';

(function () {
  const CJK = '\u3005-\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff';
  const WORD_RE = /[\p{L}\p{N}]+/gu;
  const CJK_SPLIT_RE = new RegExp(`[${CJK}]+|[^${CJK}]+`, 'gu');
  const CJK_RE = new RegExp(`^[${CJK}]`, 'u');
  const HAS_CJK_RE = new RegExp(`[${CJK}]`, 'u');
  // Same as codes.PLACEHOLDER_RE: printf-style (%s, %d, %1$s, %.2f), brace-style ({}, {0}, {name}).
  const PLACEHOLDER_RE = /%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?[sdifguxXoeEc]|\{\d*\}|\{[A-Za-z_][A-Za-z0-9_]*\}/;
  const WHOLE_CODE_RE = /^[A-Za-z0-9]+(?:[\s._-]+[A-Za-z0-9]+)*$/;
  // A code inside pasted text: segments joined by separators, holding a letter and a digit.
  const CODE_TOKEN_RE = /[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)+/g;
  // The value of a code field in JSON or a log line: "error_code": "X", errorCode=X, "code": 1100.
  const KEYED_CODE_RE = /(?<![A-Za-z_])(?:error[_-]?code|code)["']?\s*[:=]\s*["']?([A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*)/gi;
  // Sentence particles and fillers: they end a run of CJK characters and count for nothing.
  const FILLERS_RE = /一下/g;
  const PARTICLES_RE = /[了的吗呢啊吧呀嘛哦哈啦]+/u;
  const TYPO_WORD_RE = /^[a-z]+$/;

  // Field bits of a posting (search_index.FIELD_*) and their weights.
  const FIELD_WEIGHTS = [[1, 8], [2, 6], [4, 4], [8, 2], [16, 1.5], [32, 1]];
  const FIELD_MESSAGE = 4;
  // One character of a posting's fields: its position in this alphabet is the bit set.
  const FIELD_DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
  const TIER = { EXACT: 4, PREFIX: 3, TEMPLATE: 2, TERMS: 1 };
  const MATCH = { EXACT: 1, PREFIX: 0.6, TYPO1: 0.45, TYPO2: 0.3, SYNONYM: 0.5 };
  const MIN_PREFIX = 2;           // shorter words match whole terms only
  const MIN_EARLIER_PREFIX = 4;   // the same for a word before the last one
  const MAX_PREFIX_TERMS = 64;    // a short prefix stands for at most this many terms
  const MIN_TYPO = 4;             // shorter words are not corrected
  const MAX_TYPO = 24;
  const TWO_EDITS_FROM = 8;       // words this long may be two edits away
  const MAX_TYPO_TERMS = 8;       // corrections kept per word, closest first
  const RARE_WORD = 2;            // a word in this many documents or fewer is corrected too
  const MAX_RANGE_SHARDS = 4;     // a prefix spanning more shards is looked up in the first ones
  const MAX_QUERY_CHARS = 2000;
  const MAX_GROUPS = 32;
  const MAX_CODE_KEY = 64;
  const TEMPLATE_CANDIDATES = 10;
  const MIN_TEMPLATE_WORDS = 3;    // shorter queries are typed, not pasted
  const MIN_TEMPLATE_LITERAL = 10; // a template must explain this many letters of the input
  const WEAK_COVERAGE = 0.5;       // a best result matching less of the query than this is weak
  const SUGGESTIONS = 5;
  const PHRASE_BONUS = 1.25;       // a message holding the query as typed
  const MIN_PHRASE = 3;            // CJK runs at least this long count as typed phrases

  /** Fold width and case: NFKC, then lower case. */
  function normalize(text) {
    const string = String(text);
    // NFKC leaves ASCII alone, and skipping it keeps highlighting cheap.
    return (/[^\0-\x7f]/.test(string) ? string.normalize('NFKC') : string).toLowerCase();
  }

  /** The fold table of lexicon.json ("請请過过…": pairs of characters) as a Map. */
  function foldTable(pairs) {
    const chars = [...(pairs || '')];
    const table = new Map();
    for (let i = 0; i + 1 < chars.length; i += 2) table.set(chars[i], chars[i + 1]);
    return table;
  }

  /** Traditional and variant Chinese characters folded to simplified ones by a fold table. */
  function foldChinese(text, table) {
    if (!table || !table.size || !HAS_CJK_RE.test(text)) return text;
    let folded = '';
    for (const char of text) folded += table.get(char) || char;
    return folded;
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

  /** A CJK run without its particles and fillers, as the runs between them. */
  function withoutParticles(run) {
    return run.replace(FILLERS_RE, ' ').split(PARTICLES_RE).flatMap((part) => part.split(' ')).filter(Boolean);
  }

  /** A CJK run cut at the phrases of a dictionary (longest first), which stand as runs of their own.

      Bigrams across a phrase's edge are noise: 签名不对 is 签名 and 不对, not 名不. */
  function splitAtPhrases(run, phrases) {
    if (!phrases || !phrases.size) return [run];
    const longest = longestOf(phrases);
    const pieces = [];
    let start = 0;
    let i = 0;
    while (i < run.length) {
      let found = '';
      for (let length = Math.min(longest, run.length - i); length >= 2 && !found; length--) {
        if (phrases.has(run.slice(i, i + length))) found = run.slice(i, i + length);
      }
      if (!found) {
        i++;
        continue;
      }
      if (i > start) pieces.push(run.slice(start, i));
      pieces.push(found);
      i += found.length;
      start = i;
    }
    if (start < run.length) pieces.push(run.slice(start));
    return pieces;
  }

  /** The length of the longest string of a Set, computed once per Set. */
  const longestIn = new WeakMap();
  function longestOf(strings) {
    if (!longestIn.has(strings)) longestIn.set(strings, Math.max(0, ...[...strings].map((s) => s.length)));
    return longestIn.get(strings);
  }

  /** The CJK phrases of the synonyms table, as a Set (made once per lexicon). */
  const cjkPhrasesOf = new WeakMap();
  function cjkPhrases(lexicon) {
    if (!lexicon || !lexicon.synonyms) return null;
    if (!cjkPhrasesOf.has(lexicon)) cjkPhrasesOf.set(lexicon, new Set(lexicon.synonyms.map((s) => s[0]).filter(isCjk)));
    return cjkPhrasesOf.get(lexicon);
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

  /** The letters a piece of text counts for: a CJK character says as much as two Latin letters. */
  function literalLength(piece) {
    let length = piece.length;
    for (const char of piece) if (CJK_RE.test(char)) length++;
    return length;
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
      explained += literalLength(piece);
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

  /** The synonyms' phrases that a query's words (in order) and CJK runs call for. */
  function synonymPhrases(sequence, runs, synonyms) {
    const phrases = [];
    const text = ` ${sequence.join(' ')} `;
    const seen = new Set();
    for (const [said, written] of synonyms || []) {
      const found = isCjk(said) ? runs.some((run) => run.includes(said)) : text.includes(` ${said} `);
      for (const phrase of found ? written : []) {
        if (seen.has(phrase)) continue;
        seen.add(phrase);
        const runsOf = segments(phrase);
        phrases.push({ phrase, said, words: runsOf.filter((r) => !isCjk(r)), runs: runsOf.filter(isCjk) });
      }
    }
    return phrases;
  }

  /** Parse what the user typed into the parts each kind of matching needs.

      `lexicon` (from lexicon.json, optional) folds traditional Chinese and adds synonyms. */
  function parseQuery(text, lexicon) {
    const raw = String(text).normalize('NFKC').trim().slice(0, MAX_QUERY_CHARS);
    // Several words without a digit ('failed star') are words, not a spelling of a code.
    const codeLike = raw.length <= MAX_CODE_KEY && WHOLE_CODE_RE.test(raw) && (/\d/.test(raw) || !/\s/.test(raw));
    const key = codeLike ? foldCode(raw) : '';
    const folded = foldChinese(normalize(raw), lexicon && lexicon.fold);
    const all = segments(folded);
    const sequence = all.filter((run) => !isCjk(run));
    const phrases = cjkPhrases(lexicon);
    const typed = unique(all.filter(isCjk).flatMap(withoutParticles)).slice(0, MAX_GROUPS);
    const runs = unique(typed.flatMap((run) => splitAtPhrases(run, phrases))).slice(0, MAX_GROUPS);
    return {
      key,
      codes: unique([key, ...codesInText(raw)].filter(Boolean)),
      codeShaped: /[a-z]/.test(key) && /\d/.test(key),
      words: unique(sequence).slice(0, MAX_GROUPS),
      runs,
      phrases: typed.filter((run) => run.length >= MIN_PHRASE),
      synonyms: synonymPhrases(sequence, runs, lexicon && lexicon.synonyms).slice(0, MAX_GROUPS),
      typos: new Map(), // word -> [{term, edits}], filled in by addTypos()
      skeleton: segments(raw).join(''),
    };
  }

  /** True if the query has nothing to search for. */
  function isEmpty(query) {
    return !query.codes.length && !query.words.length && !query.runs.length;
  }

  /** True if searching the query's words needs lexicon.json (folding or synonyms). */
  function needsLexicon(query) {
    return query.words.length > 0 || query.runs.length > 0;
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

  /** The letters a code's lookup key starts with (ais0014 -> ais), or ''. */
  function letterPrefix(key) {
    const match = /^[a-z]+/.exec(key);
    return match ? match[0] : '';
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
      const exact = [...query.runs.flatMap(ngrams), ...query.synonyms.flatMap((s) => [...s.words, ...s.runs.flatMap(ngrams)])];
      for (const found of query.typos.values()) exact.push(...found.map((typo) => typo.term));
      exact.forEach((term) => terms.add(shardOf(meta.terms, term)));
    }
    const sorted = (set) => [...set].sort((a, b) => a - b);
    return { codes: sorted(codes), terms: sorted(terms) };
  }

  /** Keep the better of two hits on one document. */
  function addHit(hits, doc, tier, score) {
    const old = hits.get(doc);
    if (!old || tier > old.tier || (tier === old.tier && score > old.score)) hits.set(doc, { doc, tier, score });
  }

  /** Documents whose code range ([prefix key, low, high, doc] in meta.ranges) holds a key. */
  function rangeDocs(ranges, key) {
    const match = /^(.*?)(\d+)$/.exec(key);
    if (!match) return [];
    return (ranges || []).filter(([prefix, low, high]) =>
      prefix === match[1] && low.length === match[2].length && low <= match[2] && match[2] <= high).map((r) => r[3]);
  }

  /** Hits on codes: exact codes (in the order quoted), ranges holding them, then codes starting with the query. */
  function codeHits(query, index, hits) {
    query.codes.forEach((key, order) => {
      const shard = index.codes.get(shardOf(index.meta.codes, key));
      for (let i = lowerBound(shard.keys, key); shard.keys[i] === key; i++) {
        addHit(hits, shard.docs[i], TIER.EXACT, -order);
      }
      for (const doc of rangeDocs(index.meta.ranges, key)) addHit(hits, doc, TIER.EXACT, -order - 0.5);
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

  // The weight of a posting by its field bits: the sum of the code's, status's and message's
  // weights, and the best of the texts' (a note repeating the description adds nothing).
  const TEXT_FIELDS = 8 | 16 | 32;
  const WEIGHT_OF = Array.from({ length: 64 }, (_, fields) => {
    const sum = (bits) => FIELD_WEIGHTS.reduce((total, [bit, weight]) => (bits & bit ? total + weight : total), 0);
    const best = FIELD_WEIGHTS.reduce((top, [bit, weight]) => (fields & bit & TEXT_FIELDS ? Math.max(top, weight) : top), 0);
    return sum(fields & ~TEXT_FIELDS) + best;
  });
  const FIELD_OF = new Map([...FIELD_DIGITS].map((digit, bits) => [digit, bits]));
  const decoded = new WeakMap();

  /** Terms equal to a term and, for a prefix, longer terms it starts: [{shard, i, exact, size}]. */
  function matchingTerms(index, term, prefix) {
    const found = [];
    for (const number of prefix ? shardsFor(index.meta.terms, term) : [shardOf(index.meta.terms, term)]) {
      const shard = index.terms.get(number);
      if (!shard) continue;
      for (let i = lowerBound(shard.terms, term); i < shard.terms.length && found.length <= MAX_PREFIX_TERMS; i++) {
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
      const digits = term.shard.fields[term.i];
      const docs = new Int32Array(deltas.length);
      const fields = new Uint8Array(deltas.length);
      for (let j = 0, doc = -1; j < deltas.length; j++) {
        doc += deltas[j];
        docs[j] = doc;
        fields[j] = FIELD_OF.get(digits[j]);
      }
      cache[term.i] = { docs, fields };
    }
    return cache[term.i];
  }

  /** BM25's rarity of a term found in `size` of `count` documents. */
  function idf(size, count) {
    return Math.log(1 + (count - size + 0.5) / (size + 0.5));
  }

  // ---------------------------------------------------------------- typos

  /** The word with one letter deleted, each way. */
  function deletions(word) {
    const found = [];
    for (let i = 0; i < word.length; i++) found.push(word.slice(0, i) + word.slice(i + 1));
    return found;
  }

  /** The keys of typos/ under which a word's corrections are listed: itself and its deletions. */
  function typoKeys(word) {
    return unique([word, ...deletions(word)]);
  }

  /** Edits (insert, delete, substitute, swap two neighbours) between two words, or > limit. */
  function editDistance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    let before = null;
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const current = [i];
      let best = i;
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
        if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2] + 1);
        current.push(value);
        best = Math.min(best, value);
      }
      if (best > limit) return limit + 1;
      before = previous;
      previous = current;
    }
    return previous[b.length];
  }

  /** The edits a word of this length may be away from its correction. */
  function allowedEdits(length) {
    return length >= TWO_EDITS_FROM ? 2 : 1;
  }

  /** The query's Latin words that the loaded term shards do not hold, or hold in only a
      document or two (upstream has typos too: "faild"): they want corrections. */
  function typoWords(query, index) {
    return query.words.filter((word) => word.length >= MIN_TYPO && word.length <= MAX_TYPO && TYPO_WORD_RE.test(word)
      && !matchingTerms(index, word, false).some((term) => term.exact && term.size > RARE_WORD));
  }

  /** The typos/ shards that the corrections of some words are in. */
  function typoShards(words, meta) {
    const shards = new Set();
    for (const word of words) typoKeys(word).forEach((key) => shards.add(shardOf(meta.typos || [], key)));
    return [...shards].sort((a, b) => a - b);
  }

  /** Corrections of a word from the loaded typos/ shards: [{term, edits}], closest first. */
  function corrections(word, index) {
    const limit = allowedEdits(word.length);
    const found = new Map();
    for (const key of typoKeys(word)) {
      const shard = index.typos.get(shardOf(index.meta.typos || [], key));
      if (!shard) continue;
      const i = lowerBound(shard.keys, key);
      if (shard.keys[i] !== key) continue;
      for (const term of shard.terms[i]) {
        if (term !== word && !found.has(term)) found.set(term, editDistance(word, term, limit));
      }
    }
    return [...found].filter(([, edits]) => edits <= limit).map(([term, edits]) => ({ term, edits }))
      .sort((a, b) => a.edits - b.edits || (a.term < b.term ? -1 : 1)).slice(0, MAX_TYPO_TERMS);
  }

  /** Put the corrections of some words into the query (for shardsNeeded and search). */
  function addTypos(query, words, index) {
    for (const word of words) {
      const found = corrections(word, index);
      if (found.length) query.typos.set(word, found);
    }
    return query;
  }

  // ---------------------------------------------------------------- scoring

  /** Scores being added up over the parts of a query, document by document; `matched` is a
      bit set of the query's literal parts (words, runs) a document matches, itself or by synonym. */
  function scoreboard(count) {
    return { total: new Float32Array(count), matched: new Uint32Array(count), part: new Float32Array(count),
      hits: new Uint8Array(count), touched: [], partTouched: [] };
  }

  /** The number of bits set in a 32-bit integer. */
  function bitCount(bits) {
    let n = bits - ((bits >>> 1) & 0x55555555);
    n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
    return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }

  /** The bit of the query's literal part number i (parts past 31 do not count for coverage). */
  function slotBit(i) {
    return i >= 0 && i < 32 ? (1 << i) >>> 0 : 0;
  }

  /** Add a term's postings to the current part: its best (or, for runs and phrases, summed) weight. */
  function addTerm(board, term, weight, sum) {
    const { docs, fields } = postings(term);
    const { part, hits, partTouched } = board;
    for (let j = 0; j < docs.length; j++) {
      const doc = docs[j];
      const value = WEIGHT_OF[fields[j]] * weight;
      if (!part[doc] && !hits[doc]) partTouched.push(doc);
      if (sum) {
        part[doc] += value;
        hits[doc]++;
      } else if (value > part[doc]) {
        part[doc] = value;
        hits[doc] = 1;
      }
    }
  }

  /** Close the current part: add it to the totals (scaled, and only where `needed` terms hit;
      with `of`, also scaled by the share of its `of` terms that hit). */
  function closePart(board, scale, needed, slots, of) {
    const { total, matched, part, hits, touched, partTouched } = board;
    for (const doc of partTouched) {
      if (hits[doc] >= needed && part[doc] > 0) {
        if (!total[doc]) touched.push(doc);
        total[doc] += part[doc] * scale * (of ? Math.min(1, hits[doc] / of) : 1);
        matched[doc] |= slots;
      }
      part[doc] = 0;
      hits[doc] = 0;
    }
    board.partTouched = [];
  }

  /** True if a query word also stands for longer words it starts: the last word (being typed)
      from MIN_PREFIX letters, the others from MIN_EARLIER_PREFIX (ModelArts' "no" is a word). */
  function asPrefix(query, word) {
    return word.length >= (query.words[query.words.length - 1] === word ? MIN_PREFIX : MIN_EARLIER_PREFIX);
  }

  /** Score a Latin word: exact term, longer terms it starts, corrections; the best one counts.

      The rarity is the word's, from all the documents it matches: a rare longer word it
      starts must not outweigh the word itself. */
  function scoreWord(board, index, query, word, slot) {
    const matches = matchingTerms(index, word, asPrefix(query, word))
      .map((term) => [term, term.exact ? MATCH.EXACT : MATCH.PREFIX]);
    for (const typo of query.typos.get(word) || []) {
      for (const term of matchingTerms(index, typo.term, false)) {
        if (term.exact) matches.push([term, typo.edits === 1 ? MATCH.TYPO1 : MATCH.TYPO2]);
      }
    }
    const rarity = idf(Math.min(index.meta.count, matches.reduce((sum, [term]) => sum + term.size, 0)), index.meta.count);
    for (const [term, factor] of matches) addTerm(board, term, rarity * factor, false);
    closePart(board, 1, 1, slot);
  }

  /** The rarity of one term in the index. */
  function termRarity(index, term) {
    return idf(term.size, index.meta.count);
  }

  /** The exact terms of the bigrams of a CJK run, one list per bigram. */
  function gramTerms(index, run) {
    return ngrams(run).map((gram) => matchingTerms(index, gram, false).filter((term) => term.exact));
  }

  /** Score a CJK run: the mean of its bigrams' weights, times the share of its bigrams found.

      Bigrams are not words: a document holding all of a run's bigrams in its description
      must rank above one holding half of them (集群 and 存在 of 集群不存在) in its message. */
  function scoreRun(board, index, run, slot) {
    const grams = gramTerms(index, run);
    for (const terms of grams) for (const term of terms) addTerm(board, term, termRarity(index, term), true);
    closePart(board, 1 / grams.length, 1, slot, grams.length);
  }

  /** Score a synonym's phrase: only documents holding all of its terms, below a literal match;
      they match the part of the query it stands for. */
  function scorePhrase(board, index, phrase, slots) {
    const lists = [...phrase.words.map((word) => matchingTerms(index, word, false).filter((t) => t.exact)),
      ...phrase.runs.flatMap((run) => gramTerms(index, run))];
    if (!lists.length || lists.some((terms) => !terms.length)) return;
    for (const terms of lists) for (const term of terms) addTerm(board, term, termRarity(index, term), true);
    closePart(board, MATCH.SYNONYM / lists.length, lists.length, slots);
  }

  /** Score every document for the query's parts: {docs, scores, matched, parts}. */
  function termHits(query, index) {
    const board = scoreboard(index.meta.count);
    const literal = [...query.words, ...query.runs];
    query.words.forEach((word, i) => scoreWord(board, index, query, word, slotBit(i)));
    query.runs.forEach((run, i) => scoreRun(board, index, run, slotBit(query.words.length + i)));
    for (const phrase of query.synonyms) {
      const said = isCjk(phrase.said) ? [phrase.said] : phrase.said.split(' ');
      scorePhrase(board, index, phrase, said.reduce((bits, part) => (bits | slotBit(literal.indexOf(part))) >>> 0, 0));
    }
    const parts = Math.min(32, literal.length);
    // Lucene's coordination factor: a document matching more of the query ranks above one
    // matching its rarest word in a better field.
    const docs = Int32Array.from(board.touched.sort((a, b) => a - b));
    const scores = new Float32Array(docs.length);
    const matched = new Uint8Array(docs.length);
    docs.forEach((doc, i) => {
      matched[i] = bitCount(board.matched[doc]);
      scores[i] = board.total[doc] * (parts ? Math.max(matched[i], 0.5) / parts : 1);
    });
    return { docs, scores, matched, parts };
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
    const words = [...query.words, ...query.runs.flatMap(ngrams)];
    for (const term of words.flatMap((word) => matchingTerms(index, word, false).filter((t) => t.exact))) {
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

  const NO_TERMS = { docs: new Int32Array(0), scores: new Float32Array(0), matched: new Uint8Array(0), parts: 0 };

  /** Search the loaded shards: {special: Map doc -> code hit, terms: {docs, scores, ...}, candidates}. */
  function search(query, index, withTerms) {
    const special = new Map();
    codeHits(query, index, special);
    const codeShaped = query.codeShaped;
    if (!withTerms) return { special, terms: NO_TERMS, candidates: [], codeShaped };
    return { special, terms: termHits(query, index), candidates: templateCandidates(query, index), codeShaped };
  }

  /** Keep the hits of documents a filter allows (a Set of documents), or all without one. */
  function narrowTo(found, allowed) {
    if (!allowed) return found;
    const special = new Map([...found.special].filter(([doc]) => allowed.has(doc)));
    const keep = [];
    found.terms.docs.forEach((doc, i) => { if (allowed.has(doc)) keep.push(i); });
    const pick = (array) => array.constructor.from(keep.map((i) => array[i]));
    const terms = { ...found.terms, docs: pick(found.terms.docs), scores: pick(found.terms.scores),
      matched: pick(found.terms.matched) };
    return { ...found, special, terms, candidates: found.candidates.filter((doc) => allowed.has(doc)) };
  }

  /** The best `limit` hits ({doc, tier, score}), the number of documents found, and whether the best is weak. */
  function rank(found, limit) {
    // Every special hit (code, prefix, template) ranks above every term hit.
    const special = [...found.special.values()].sort((a, b) => b.tier - a.tier || b.score - a.score || a.doc - b.doc);
    const { docs, scores, matched, parts } = found.terms;
    const compare = (a, b) => scores[b] - scores[a] || docs[a] - docs[b];
    const top = [];
    let total = special.length;
    for (let i = 0; i < docs.length; i++) {
      if (found.special.has(docs[i])) continue;
      total++;
      keepBest(top, i, limit, compare);
    }
    const terms = top.map((i) => ({ doc: docs[i], tier: TIER.TERMS, score: scores[i] }));
    const coverage = special.length ? 1 : (top.length && parts ? matched[top[0]] / parts : 0);
    return { total, hits: special.concat(terms).slice(0, limit), weak: coverage < WEAK_COVERAGE || (!special.length && found.codeShaped) };
  }

  /** The documents to load to show `limit` results: the best ones and the template candidates. */
  function docsNeeded(found, limit) {
    // Template hits only move candidates up, so the final best ones are among these.
    return unique([...rank(found, limit).hits.map((hit) => hit.doc), ...found.candidates]);
  }

  /** True if a loaded document's message holds the query as typed: a whole CJK run of three
      or more characters (before cutting it at phrases), or all of two or more words. */
  function holdsPhrase(query, doc, fold) {
    const messages = doc[2].map((message) => foldChinese(normalize(message), fold));
    const runs = query.phrases || [];
    if (runs.some((run) => messages.some((message) => message.includes(run)))) return true;
    if (query.words.length < 2) return false;
    const spellings = query.words.map((word) => new Set([word, ...(query.typos.get(word) || []).map((t) => t.term)]));
    return messages.some((message) => {
      const words = segments(message);
      return spellings.every((spelling) => words.some((word) => spelling.has(word)));
    });
  }

  /** Add the template hits among loaded documents ([code, statuses, messages, ...]); rank.

      Term hits whose message holds the query as typed move up (by PHRASE_BONUS): the index
      knows terms, not their order, and 身份认证失败 as a message beats its words apart. */
  function finish(found, query, docOf, limit, fold) {
    for (const doc of found.candidates) {
      for (const message of docOf(doc)[2]) {
        const explained = matchTemplate(templatePieces(message), query.skeleton);
        if (explained >= MIN_TEMPLATE_LITERAL) addHit(found.special, doc, TIER.TEMPLATE, explained);
      }
    }
    const ranked = rank(found, limit);
    const terms = ranked.hits.filter((hit) => hit.tier === TIER.TERMS);
    for (const hit of terms) if (holdsPhrase(query, docOf(hit.doc), fold)) hit.score *= PHRASE_BONUS;
    terms.sort((a, b) => b.score - a.score || a.doc - b.doc);
    ranked.hits = ranked.hits.filter((hit) => hit.tier !== TIER.TERMS).concat(terms);
    return ranked;
  }

  // ---------------------------------------------------------------- no dead ends

  /** The code a query is about, for help: the code typed, else the first quoted one with a letter and digit. */
  function helpCode(query) {
    if (query.codeShaped) return query.key;
    return query.codes.find((key) => /[a-z]/.test(key) && /\d/.test(key)) || '';
  }

  /** The code shards that hold codes spelled like a key: those of its letters and shorter starts. */
  function suggestionShards(key, meta) {
    const letters = letterPrefix(key);
    const shards = new Set();
    for (let end = letters.length; end >= MIN_PREFIX; end--) shardsFor(meta.codes, letters.slice(0, end)).forEach((i) => shards.add(i));
    return [...shards].sort((a, b) => a - b);
  }

  /** Current codes spelled closest to a key (among those starting with its letters, or fewer of them): docs. */
  function closestCodes(key, index, limit = SUGGESTIONS) {
    const letters = letterPrefix(key);
    for (let end = letters.length; end >= MIN_PREFIX; end--) {
      const start = letters.slice(0, end);
      const found = [];
      for (const number of shardsFor(index.meta.codes, start)) {
        const shard = index.codes.get(number);
        if (!shard) continue;
        const retired = new Set(shard.retired);
        for (let i = lowerBound(shard.keys, start); i < shard.keys.length && shard.keys[i].startsWith(start); i++) {
          if (!retired.has(shard.docs[i]) && shard.keys[i] !== key) found.push([shard.keys[i], shard.docs[i]]);
        }
      }
      if (!found.length) continue;
      const distance = (candidate) => editDistance(key, candidate, key.length + candidate.length);
      const number = (text) => Number((/\d+/.exec(text) || ['0'])[0]);
      const scored = found.map(([k, doc]) => [distance(k), Math.abs(number(k) - number(key)), doc]);
      scored.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
      return unique(scored.map((s) => s[2])).slice(0, limit);
    }
    return [];
  }

  /** True if the site lists a code prefix (meta.prefixes: lookup keys, sorted). */
  function coversPrefix(meta, letters) {
    const prefixes = meta.prefixes || [];
    return prefixes[lowerBound(prefixes, letters)] === letters;
  }

  /** Where codes starting with a key are documented if not here: [prefix key, url, name] or null. */
  function documentedElsewhere(meta, key) {
    const rows = meta.elsewhere || [];
    const specific = rows.filter(([prefix]) => prefix !== '*' && key.startsWith(prefix) && !coversPrefix(meta, letterPrefix(key)))
      .sort((a, b) => b[0].length - a[0].length);
    return specific[0] || null;
  }

  /** The catch-all place for codes the site does not know (the `*` row of elsewhere), or null. */
  function errorCenter(meta) {
    return (meta.elsewhere || []).find(([prefix]) => prefix === '*') || null;
  }

  // ---------------------------------------------------------------- marks

  /** The Latin words and CJK runs to mark in results: the query's, their corrections, its synonyms. */
  function markedTerms(query) {
    const words = [...query.words, ...[...query.typos.values()].flat().map((typo) => typo.term),
      ...query.synonyms.flatMap((s) => s.words)];
    return { words: unique(words), runs: unique([...query.runs, ...query.synonyms.flatMap((s) => s.runs)]) };
  }

  /** Ranges [start, end) of a text to highlight for a query, sorted and merged. */
  function highlight(text, query, fold) {
    const { words, runs } = query.typos ? markedTerms(query) : query;
    const ranges = [];
    for (const word of text.matchAll(WORD_RE)) {
      for (const part of word[0].matchAll(CJK_SPLIT_RE)) {
        if (isCjk(part[0])) continue;
        const folded = normalize(part[0]);
        if (words.some((w) => folded === w || (w.length >= MIN_PREFIX && folded.startsWith(w)))) {
          const start = word.index + part.index;
          ranges.push([start, start + part[0].length]);
        }
      }
    }
    // Folding keeps a string's length in UTF-16 units for the characters of the CJK ranges.
    const folded = foldChinese(text, fold);
    for (const gram of runs.flatMap(ngrams)) {
      for (let at = folded.indexOf(gram); at >= 0; at = folded.indexOf(gram, at + 1)) ranges.push([at, at + gram.length]);
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

  /** A Set of the documents of one service in services.json, or null if it has no such service. */
  function serviceDocs(services, id) {
    const i = services.services.findIndex((service) => service[0] === id);
    if (i < 0) return null;
    const docs = new Set();
    let doc = -1;
    for (const delta of services.docs[i]) docs.add(doc += delta);
    return docs;
  }

  const api = {
    TIER, MATCH, normalize, foldTable, foldChinese, segments, ngrams, tokenize, withoutParticles, splitAtPhrases, foldCode,
    skeleton, templatePieces, matchTemplate, codesInText, synonymPhrases, parseQuery, isEmpty, needsLexicon,
    shardOf, shardsFor, shardsNeeded, letterPrefix, rangeDocs, deletions, typoKeys, editDistance, allowedEdits,
    typoWords, typoShards, corrections, addTypos, search, narrowTo, docsNeeded, finish, rank, helpCode,
    suggestionShards, closestCodes, coversPrefix, documentedElsewhere, errorCenter, highlight, serviceDocs, idf,
  };
  if (typeof module !== 'undefined') module.exports = api; else window.ErrdexSearchCore = api;
})();
