// Unit tests of templates/assets/search-core.js: run with `node --test tests/js/`.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const core = require('../../templates/assets/search-core.js');
const vectors = require('./tokenize_vectors.json');

/** The committed OpenCC fold table (source/opencc-t2s.tsv) as lexicon.json's pairs. */
function foldPairs() {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', 'source', 'opencc-t2s.tsv'), 'utf8');
  return text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => line.replace('\t', '')).join('');
}
const FOLD = core.foldTable(foldPairs());
const FIELD_DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_'; // search_index.FIELD_DIGITS

/** The deletion neighbourhood of Latin words, as typos/ holds it (search_index.typo_keys). */
function typoShard(terms) {
  const keys = new Map();
  for (const term of terms.filter((t) => /^[a-z]{4,24}$/.test(t))) {
    for (const key of core.typoKeys(term)) keys.set(key, [...(keys.get(key) || []), term]);
  }
  const sorted = [...keys.keys()].sort();
  return { keys: sorted, terms: sorted.map((key) => keys.get(key).sort()) };
}

/** A one-shard index of a few documents, in the format errdex/search_index.py writes. */
function tinyIndex(docs, extra = {}) {
  const postings = new Map();
  const codes = [];
  docs.forEach((doc, number) => {
    codes.push([core.foldCode(doc.code), number]);
    if (doc.retired) return;
    const fields = [[1, doc.code], [2, String(doc.status)], [4, doc.message.replace(/%s/g, ' ')], [8, doc.text],
      [16, doc.solution || '']];
    for (const [bit, text] of fields) {
      const folded = core.foldChinese(core.normalize(text), FOLD);
      const cjkChars = [...folded].filter((char) => /[\u4e00-\u9fff]/.test(char));
      for (const term of new Set([...core.tokenize(folded), ...cjkChars])) {
        const entry = postings.get(term) || new Map();
        entry.set(number, (entry.get(number) || 0) | bit);
        postings.set(term, entry);
      }
    }
  });
  const terms = [...postings.keys()].sort();
  codes.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
  const shard = {
    terms,
    docs: terms.map((t) => [...postings.get(t).keys()].map((d, i, all) => d - (i ? all[i - 1] : -1))),
    fields: terms.map((t) => [...postings.get(t).values()].map((f) => FIELD_DIGITS[f]).join('')),
  };
  return {
    meta: { codes: [], terms: [], typos: [], count: docs.length, docs_per_shard: 32, url: 'en/codes/{code}/',
      prefixes: [...new Set(docs.map((d) => core.foldCode(d.code.replace(/[._-][^._-]*$/, ''))))].sort(), ...extra },
    codes: new Map([[0, { keys: codes.map((c) => c[0]), docs: codes.map((c) => c[1]),
      retired: docs.flatMap((d, i) => (d.retired ? [i] : [])) }]]),
    terms: new Map([[0, shard]]),
    typos: new Map([[0, typoShard(terms)]]),
    docs: docs.map((d) => [d.code, [d.status], [d.message], d.text, d.retired ? 1 : 0, `en/${d.code.split('.')[0]}/`,
      [[d.service || 'ais', d.service || 'AIS', '']]]),
  };
}

const DOCS = [
  { code: 'AIP.0008', status: 405, message: 'The request method %s is not allowed, allow is %s.', text: '请求方法不允许。' },
  { code: 'AIS.0013', status: 400, message: 'The request method is not allowed.', text: '请求方法不允许。' },
  { code: 'AIS.0014', status: 400, message: 'The JSON format of the input data is incorrect.', text: '输入数据JSON格式错误。' },
  { code: 'AIS.0027', status: 400, message: 'The account has been frozen.', text: '此账户已被冻结。' },
  { code: 'AIS.0201', status: 400, message: 'An exception occurred.', text: '获取输入图像异常。' },
  { code: 'AIS.0202', status: 400, message: 'The image format is not supported.', text: '图片格式不支持。' },
  { code: 'AIS.0999', status: 400, message: 'The image is gone.', text: '旧的。', retired: true },
  { code: 'ModelArts.4101', status: 400, message: 'The token is empty.', text: 'Token为空。' },
  { code: 'AIP.0500', status: 500, message: 'Internal error.', text: '服务内部错误。' },
];
const INDEX = tinyIndex(DOCS);

/** Search an index as search.js does (all shards are loaded): {total, hits, weak}. */
function rankedIn(index, text, lexicon = LEXICON, limit = 100) {
  let query = core.parseQuery(text);
  let found = query.codeShaped ? core.search(query, index, false) : null;
  if (!found || !found.special.size) {
    query = core.parseQuery(text, lexicon);
    core.addTypos(query, core.typoWords(query, index), index);
    found = core.search(query, index, true);
  }
  return core.finish(found, query, (doc) => index.docs[doc], limit);
}

const LEXICON = { fold: FOLD, synonyms: [['photo', ['image']], ['没权限', ['权限', '未授权']], ['太多', ['频繁']],
  ['not found', ['does not exist']]] };

/** Search the tiny index: {total, hits, weak}. */
function ranked(text, limit = 100) {
  return rankedIn(INDEX, text, LEXICON, limit);
}

/** The codes a query finds in the tiny index, best first. */
function codesFor(text) {
  return ranked(text).hits.map((hit) => DOCS[hit.doc].code);
}

test('tokenize matches the Python twin on the shared vectors', () => {
  for (const [input, expected] of vectors.tokenize) assert.deepEqual(core.tokenize(input), expected, input);
});

test('foldCode matches codes.lookup_key on the shared vectors', () => {
  for (const [input, expected] of vectors.fold) assert.equal(core.foldCode(input), expected, input);
});

test('normalize folds width and case', () => {
  assert.equal(core.normalize('ＡＩＳ．００１４ Token'), 'ais.0014 token');
  assert.equal(core.foldCode('ＡＩＳ－００１４'), 'ais0014');
});

test('CJK runs give bigrams, a single character stands for itself', () => {
  assert.deepEqual(core.ngrams('冻'), ['冻']);
  assert.deepEqual(core.ngrams('冻结'), ['冻结']);
  assert.deepEqual(core.ngrams('账户冻结'), ['账户', '户冻', '冻结']);
  assert.deepEqual(core.tokenize('TOKEN为空'), ['token', '为空']);
});

test('templates: placeholders are lazy wildcards over letters and digits', () => {
  const method = core.templatePieces('The request method %s is not allowed, allow is %s.');
  assert.deepEqual(method, ['therequestmethod', 'isnotallowedallowis']);
  const input = (text) => core.skeleton(text);
  assert.equal(core.matchTemplate(method, input('The request method POST is not allowed, allow is GET.')), 35);
  assert.equal(core.matchTemplate(method, input('the request method [PATCH, x-y] is not allowed , allow is GET, POST')), 35);
  assert.equal(core.matchTemplate(method, input('The request method is not allowed.')), 0);
  const range = core.templatePieces('The param:%s, val:%s , exceeds the range:[%s,%s].');
  assert.ok(core.matchTemplate(range, input('The param:image size, val:5000 , exceeds the range:[1,4096].')) > 0);
  assert.deepEqual(core.templatePieces('Failed {0} of {} and {name}: %d%% %1$s'), ['failed', 'of', 'and']);
  assert.equal(core.matchTemplate(core.templatePieces('%s already exists.'), input('bucket "a b" already exists')), 13);
});

test('templates: pieces must come in order', () => {
  const pieces = core.templatePieces('The %s is %s.');
  assert.equal(core.matchTemplate(pieces, core.skeleton('is the')), 0);
  assert.equal(core.matchTemplate(pieces, core.skeleton('The file is big.')), 5);
});

test('codes quoted in pasted text are found, keyed values first', () => {
  assert.deepEqual(core.codesInText('{"error_code": "AIS.0015", "error_msg": "x"}'), ['ais0015']);
  assert.deepEqual(core.codesInText('{"errorMessage": "y", "errorCode": "ModelArts.4101"}'), ['modelarts4101']);
  assert.deepEqual(core.codesInText('{"code": 1100, "status_code": 400}'), ['1100']);
  assert.deepEqual(core.codesInText('2024-05-01 ERROR ModelArts.4101 AIS.0014 base64 trace.java:42'),
    ['modelarts4101', 'ais0014']);
});

test('parseQuery: code keys, words and CJK runs', () => {
  const query = core.parseQuery('modelarts 4101');
  assert.equal(query.key, 'modelarts4101');
  assert.ok(query.codeShaped);
  assert.deepEqual(query.words, ['modelarts', '4101']);
  assert.ok(!core.parseQuery('4101').codeShaped);
  const mixed = core.parseQuery('Token为空 账户冻结');
  assert.equal(mixed.key, '');
  assert.deepEqual(mixed.words, ['token']);
  assert.deepEqual(mixed.runs, ['为空', '账户冻结']);
  assert.ok(core.isEmpty(core.parseQuery(' ,. ')));
  assert.equal(core.parseQuery('AIS').key, 'ais');
  assert.equal(core.parseQuery('failed star').key, '');
});

test('shards: a key and a prefix map to the shards holding them', () => {
  const bounds = ['b', 'd', 'da', 'f'];
  assert.equal(core.shardOf(bounds, 'a'), 0);
  assert.equal(core.shardOf(bounds, 'b'), 1);
  assert.equal(core.shardOf(bounds, 'czz'), 1);
  assert.equal(core.shardOf(bounds, 'd'), 2);
  assert.equal(core.shardOf(bounds, 'zzz'), 4);
  assert.deepEqual(core.shardsFor(bounds, 'd'), [2, 3]);
  assert.deepEqual(core.shardsFor(bounds, 'c'), [1]);
  assert.deepEqual(core.shardsFor([], 'x'), [0]);
});

test('search: codes in any spelling, number alone, prefix', () => {
  for (const spelling of ['AIS.0014', 'ais0014', 'AIS-0014', 'ais_0014', 'ais 0014', 'ＡＩＳ．００１４']) {
    assert.equal(codesFor(spelling)[0], 'AIS.0014', spelling);
  }
  assert.equal(codesFor('modelarts 4101')[0], 'ModelArts.4101');
  assert.equal(codesFor('4101')[0], 'ModelArts.4101');
  assert.deepEqual(codesFor('AIS.02'), ['AIS.0201', 'AIS.0202']);
  assert.deepEqual(codesFor('ais').slice(0, 5), ['AIS.0013', 'AIS.0014', 'AIS.0027', 'AIS.0201', 'AIS.0202']);
});

test('ranking: tiers first, then score, then code order; each document counted once', () => {
  const result = ranked('ais', 2);
  assert.equal(result.total, 5);
  assert.deepEqual(result.hits.map((hit) => [DOCS[hit.doc].code, hit.tier]),
    [['AIS.0013', core.TIER.PREFIX], ['AIS.0014', core.TIER.PREFIX]]);
  const mixed = ranked('ModelArts.4101 token');
  assert.deepEqual(mixed.hits.map((hit) => hit.tier), [core.TIER.EXACT]);
});

test('search: retired codes only by exact code', () => {
  assert.deepEqual(codesFor('AIS.0999'), ['AIS.0999']);
  assert.ok(!codesFor('AIS.09').includes('AIS.0999'));
  assert.ok(!codesFor('image').includes('AIS.0999'));
});

test('search: pasted text, filled templates, the longer template wins', () => {
  assert.equal(codesFor('{"error_code": "AIS.0027", "error_msg": "The request method is not allowed."}')[0], 'AIS.0027');
  assert.equal(codesFor('The request method POST is not allowed, allow is GET.')[0], 'AIP.0008');
  assert.deepEqual(codesFor('The request method is not allowed, allow is GET.').slice(0, 2), ['AIP.0008', 'AIS.0013']);
  assert.equal(codesFor('The request method is not allowed.')[0], 'AIS.0013');
});

test('ranking: every word adds to the score, none is required; more of the query ranks higher', () => {
  assert.equal(codesFor('json format')[0], 'AIS.0014');
  assert.equal(codesFor('imag form')[0], 'AIS.0202');
  // One unknown word among known ones: the right code still comes first.
  assert.equal(codesFor('image nothing')[0], 'AIS.0202');
  assert.equal(codesFor('json zebra format')[0], 'AIS.0014');
  assert.equal(codesFor('token')[0], 'ModelArts.4101');
  assert.deepEqual(codesFor('zebra quagga'), []);
});

test('search: Chinese bigrams, non-contiguous terms, mixed scripts, one character', () => {
  assert.deepEqual(codesFor('账户冻结'), ['AIS.0027']);
  assert.deepEqual(codesFor('token为空'), ['ModelArts.4101']);
  assert.deepEqual(codesFor('冻'), ['AIS.0027']);
  assert.deepEqual(codesFor('格式'), ['AIS.0014', 'AIS.0202']);
});

test('search: HTTP status numbers', () => {
  assert.deepEqual(codesFor('405'), ['AIP.0008']);
  assert.equal(codesFor('500')[0], 'AIP.0500');
});

test('highlight marks words, word prefixes and CJK bigrams', () => {
  const query = core.parseQuery('JSON forma 数据');
  const text = 'The JSON format of the input data: 输入数据JSON格式错误。';
  const marked = core.highlight(text, query).map(([a, b]) => text.slice(a, b));
  assert.deepEqual(marked, ['JSON', 'format', '数据JSON']);
  assert.deepEqual(core.highlight('ＡＩＳ', core.parseQuery('ais')), [[0, 3]]);
});

// ------------------------------------------------------------ folding, particles, synonyms

test('foldChinese matches the Python twin on the shared vectors (OpenCC table)', () => {
  for (const [input, expected] of vectors.fold_chinese) {
    assert.equal(core.foldChinese(core.normalize(input), FOLD), expected, input);
  }
});

test('traditional and variant characters fold to simplified at query time', () => {
  assert.equal(core.foldChinese('請求體過大', FOLD), '请求体过大');
  assert.equal(core.foldChinese('錯誤 token', FOLD), '错误 token');
  assert.equal(core.foldChinese('峯爲', FOLD), '峰为');
  assert.equal(core.foldChinese('显著', FOLD), '显著'); // a simplified character stays
  assert.equal(codesFor('賬戶凍結')[0], 'AIS.0027');
});

test('particles and fillers end a CJK run and count for nothing', () => {
  assert.deepEqual(core.withoutParticles('请求太多了'), ['请求太多']);
  assert.deepEqual(core.withoutParticles('账户冻结了吗'), ['账户冻结']);
  assert.deepEqual(core.withoutParticles('看一下账户'), ['看', '账户']);
  assert.deepEqual(core.parseQuery('为什么账户冻结了呢').runs, ['为什么账户冻结']);
  assert.equal(codesFor('账户冻结了吗')[0], 'AIS.0027');
  assert.equal(codesFor('账户冻结了吗').length, codesFor('账户冻结').length);
});

test('synonyms: a phrase people use finds what the docs say, below the literal word', () => {
  const query = core.parseQuery('photo not found', LEXICON);
  assert.deepEqual(query.synonyms.map((s) => s.phrase), ['image', 'does not exist']);
  assert.deepEqual(core.parseQuery('没权限啊', LEXICON).synonyms.map((s) => s.phrase), ['权限', '未授权']);
  assert.deepEqual(core.parseQuery('notfound', LEXICON).synonyms, []);
  const docs = [
    { code: 'A.1', status: 400, message: 'The image is too large.', text: '图片过大。' },
    { code: 'A.2', status: 400, message: 'The photo is too large.', text: '照片过大。' },
    { code: 'A.3', status: 403, message: 'Unauthorized.', text: '未授权。' },
  ];
  const index = tinyIndex(docs);
  const codes = (text) => rankedIn(index, text).hits.map((hit) => docs[hit.doc].code);
  assert.deepEqual(codes('photo'), ['A.2', 'A.1']); // the literal word first, the synonym after
  assert.deepEqual(codes('没权限'), ['A.3']);
});

// ------------------------------------------------------------ typos

test('typo keys are a word and its one-letter deletions', () => {
  assert.deepEqual(core.deletions('token'), ['oken', 'tken', 'toen', 'tokn', 'toke']);
  assert.deepEqual(core.typoKeys('aab'), ['aab', 'ab', 'aa']);
  for (const [word, keys] of vectors.typo_keys) assert.deepEqual(core.typoKeys(word).sort(), keys, word);
});

test('edit distance counts insertions, deletions, substitutions and swaps, up to a limit', () => {
  assert.equal(core.editDistance('invlaid', 'invalid', 2), 1);
  assert.equal(core.editDistance('tokne', 'token', 2), 1);
  assert.equal(core.editDistance('formt', 'format', 2), 1);
  assert.equal(core.editDistance('requets', 'request', 2), 1);
  assert.equal(core.editDistance('autentication', 'authentication', 2), 1);
  assert.equal(core.editDistance('kitten', 'sitting', 5), 3);
  assert.equal(core.editDistance('abcdef', 'uvwxyz', 2), 3); // stops past the limit
  assert.equal(core.allowedEdits(5), 1);
  assert.equal(core.allowedEdits(9), 2);
});

test('typos: words the index lacks are corrected from the deletion neighbourhood, below exact words', () => {
  const query = core.parseQuery('invlaid tokne');
  assert.deepEqual(core.typoWords(query, TYPO_INDEX), ['invlaid', 'tokne']);
  core.addTypos(query, ['invlaid', 'tokne'], TYPO_INDEX);
  assert.deepEqual(query.typos.get('invlaid'), [{ term: 'invalid', edits: 1 }]);
  assert.deepEqual(query.typos.get('tokne'), [{ term: 'token', edits: 1 }]);
  const codes = (text) => rankedIn(TYPO_INDEX, text).hits.map((hit) => TYPO_DOCS[hit.doc].code);
  assert.equal(codes('invlaid tokne')[0], 'T.1');
  assert.equal(codes('requets formt')[0], 'T.2');
  assert.equal(codes('authentcation failed')[0], 'T.3');
  assert.equal(codes('xyzzy')[0], undefined);
  // A word the index holds in three or more documents is not corrected; a rarer one is (upstream
  // has typos too), and still ranks first where it is written so.
  assert.deepEqual(core.typoWords(core.parseQuery('token'), TYPO_INDEX), []);
  assert.deepEqual(core.typoWords(core.parseQuery('tokens'), TYPO_INDEX), ['tokens']);
  assert.equal(codes('tokens')[0], 'T.4');
  assert.equal(codes('toekn')[0], 'T.1');
  assert.deepEqual(codes('token').slice(0, 2), ['T.1', 'T.5']);
});

const TYPO_DOCS = [
  { code: 'T.1', status: 401, message: 'The token is invalid.', text: '' },
  { code: 'T.2', status: 400, message: 'The request format is wrong.', text: '' },
  { code: 'T.3', status: 401, message: 'Authentication failed.', text: '' },
  { code: 'T.4', status: 401, message: 'Too many tokens.', text: '' },
  { code: 'T.5', status: 401, message: 'The token has expired.', text: '' },
  { code: 'T.6', status: 401, message: 'Other.', text: 'Send a token.' },
];
const TYPO_INDEX = tinyIndex(TYPO_DOCS);

// ------------------------------------------------------------ the scorer

test('scorer: message above description above solution; exact above prefix; rarer terms weigh more', () => {
  const docs = [
    { code: 'F.1', status: 400, message: 'Other.', text: '', solution: 'Check the quota.' },
    { code: 'F.2', status: 400, message: 'Other.', text: 'The quota is used up.' },
    { code: 'F.3', status: 400, message: 'The quota is used up.', text: '' },
    { code: 'F.4', status: 400, message: 'The quotas are used up.', text: '' },
  ];
  const index = tinyIndex(docs);
  const codes = (text) => rankedIn(index, text).hits.map((hit) => docs[hit.doc].code);
  // In the message: exact, then as the start of a longer word; then the description, then the solution.
  assert.deepEqual(codes('quota'), ['F.3', 'F.4', 'F.2', 'F.1']);
  assert.ok(core.idf(1, 100) > core.idf(50, 100));
  assert.ok(core.MATCH.EXACT > core.MATCH.PREFIX && core.MATCH.PREFIX > core.MATCH.TYPO1);
  assert.ok(core.MATCH.TYPO1 > core.MATCH.TYPO2 && core.MATCH.SYNONYM < core.MATCH.EXACT);
});

test('a weak best result, or none, is flagged for help', () => {
  assert.equal(ranked('zebra quagga').weak, true);
  assert.equal(ranked('json format').weak, false);
  assert.equal(ranked('json zebra quagga yak').weak, true);
  assert.equal(ranked('AIS.0014').weak, false);
});

// ------------------------------------------------------------ codes: ranges, closest, elsewhere

test('a code inside a range row finds the row', () => {
  const docs = [{ code: 'DIS.5000', status: 500, message: 'Internal errors.', text: '' },
    { code: 'DIS.0001', status: 400, message: 'Bad.', text: '' }];
  const index = tinyIndex(docs, { ranges: [['dis', '5000', '5999', 0]] });
  assert.deepEqual(core.rangeDocs(index.meta.ranges, 'dis5123'), [0]);
  assert.deepEqual(core.rangeDocs(index.meta.ranges, 'dis6000'), []);
  assert.deepEqual(core.rangeDocs(index.meta.ranges, 'dis51230'), []);
  const hits = rankedIn(index, 'DIS.5123').hits;
  assert.equal(docs[hits[0].doc].code, 'DIS.5000');
  assert.equal(hits[0].tier, core.TIER.EXACT);
});

test('closest codes by spelling: same letters first, then fewer of them', () => {
  const closest = (key) => core.closestCodes(key, INDEX).map((doc) => DOCS[doc].code);
  assert.ok(closest('ais9999').every((code) => code.startsWith('AIS.')));
  assert.ok(!closest('ais9999').includes('AIS.0999')); // retired codes are not offered
  assert.equal(closest('ais0015')[0], 'AIS.0014');
  assert.equal(closest('aip0009')[0], 'AIP.0008');
  assert.equal(closest('aixx0014')[0], 'AIS.0014'); // no aixx: codes starting with ai
  assert.deepEqual(closest('zz0001'), []);
  assert.equal(core.letterPrefix('modelarts4101'), 'modelarts');
  assert.equal(core.helpCode(core.parseQuery('AIS.9999')), 'ais9999');
  assert.equal(core.helpCode(core.parseQuery('{"error_code": "APIGW.0301"}')), 'apigw0301');
  assert.equal(core.helpCode(core.parseQuery('frozen account')), '');
});

test('a prefix the site does not cover points to where it is documented', () => {
  const meta = { prefixes: ['aip', 'ais', 'apig'], elsewhere: [['apigw', 'https://x.test/apigw', 'APIGW codes'],
    ['*', 'https://x.test/center', 'Error Center']] };
  assert.equal(core.coversPrefix(meta, 'apig'), true);
  assert.equal(core.coversPrefix(meta, 'apigw'), false);
  assert.deepEqual(core.documentedElsewhere(meta, 'apigw0301'), ['apigw', 'https://x.test/apigw', 'APIGW codes']);
  assert.equal(core.documentedElsewhere(meta, 'apig0301'), null);
  assert.deepEqual(core.errorCenter(meta), ['*', 'https://x.test/center', 'Error Center']);
});

test('a search narrowed to a service keeps its documents only', () => {
  const services = { services: [['ais', 'AIS', ''], ['ma', 'ModelArts', '']], docs: [[1, 1, 1], [7]] };
  assert.deepEqual([...core.serviceDocs(services, 'ais')], [0, 1, 2]);
  assert.deepEqual([...core.serviceDocs(services, 'ma')], [6]);
  assert.equal(core.serviceDocs(services, 'nope'), null);
  const query = core.parseQuery('token', LEXICON);
  const found = core.narrowTo(core.search(query, INDEX, true), new Set([0, 1, 2]));
  assert.deepEqual(core.finish(found, query, (doc) => INDEX.docs[doc], 10).hits.map((h) => h.doc), []);
  const all = core.narrowTo(core.search(query, INDEX, true), new Set([7]));
  assert.deepEqual(core.finish(all, query, (doc) => INDEX.docs[doc], 10).hits.map((h) => DOCS[h.doc].code), ['ModelArts.4101']);
});

test('highlight marks corrections, synonyms and folded characters', () => {
  const query = core.parseQuery('tokne 賬戶', LEXICON);
  core.addTypos(query, ['tokne'], INDEX);
  const text = 'The token of 账户';
  assert.deepEqual(core.highlight(text, query, FOLD).map(([a, b]) => text.slice(a, b)), ['token', '账户']);
});

test('CJK runs are cut at the synonyms\u2019 phrases, longest first', () => {
  const phrases = new Set(['不对', '太多', '请求太多了']);
  assert.deepEqual(core.splitAtPhrases('签名不对', phrases), ['签名', '不对']);
  assert.deepEqual(core.splitAtPhrases('请求太多', phrases), ['请求', '太多']);
  assert.deepEqual(core.splitAtPhrases('不对不对', phrases), ['不对', '不对']);
  assert.deepEqual(core.splitAtPhrases('账户冻结', phrases), ['账户冻结']);
  assert.deepEqual(core.splitAtPhrases('账户冻结', null), ['账户冻结']);
  assert.deepEqual(core.parseQuery('签名不对吗', { synonyms: [['不对', ['错误']]] }).runs, ['签名', '不对']);
});

test('a run scores by the share of its bigrams a document holds', () => {
  const docs = [
    { code: 'C.1', status: 400, message: '集群名已经存在。', text: '' },
    { code: 'C.2', status: 400, message: 'The cluster does not exist.', text: '集群不存在。' },
  ];
  const index = tinyIndex(docs);
  assert.deepEqual(rankedIn(index, '集群不存在').hits.map((hit) => docs[hit.doc].code), ['C.2', 'C.1']);
});

test('a code-shaped query that no code has is weak: the help offers the closest codes', () => {
  assert.equal(ranked('AIS.9999').weak, true);
  assert.equal(ranked('ModelArts 4101').weak, false);
});
