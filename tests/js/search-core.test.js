// Unit tests of templates/assets/search-core.js: run with `node --test tests/js/`.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const core = require('../../templates/assets/search-core.js');
const vectors = require('./tokenize_vectors.json');

/** A one-shard index of a few documents, in the format errdex/search_index.py writes. */
function tinyIndex(docs) {
  const postings = new Map();
  const codes = [];
  docs.forEach((doc, number) => {
    codes.push([core.foldCode(doc.code), number]);
    if (doc.retired) return;
    const fields = [[1, doc.code], [2, String(doc.status)], [4, doc.message.replace(/%s/g, ' ')], [8, doc.text]];
    for (const [bit, text] of fields) {
      const cjkChars = [...core.normalize(text)].filter((char) => /[\u4e00-\u9fff]/.test(char));
      for (const term of new Set([...core.tokenize(text), ...cjkChars])) {
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
    fields: terms.map((t) => [...postings.get(t).values()].map((f) => f.toString(16)).join('')),
  };
  return {
    meta: { codes: [], terms: [], count: docs.length, docs_per_shard: 32, url: 'en/codes/{code}/' },
    codes: new Map([[0, { keys: codes.map((c) => c[0]), docs: codes.map((c) => c[1]),
      retired: docs.flatMap((d, i) => (d.retired ? [i] : [])) }]]),
    terms: new Map([[0, shard]]),
    docs: docs.map((d) => [d.code, [d.status], [d.message], d.text, d.retired ? 1 : 0]),
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

/** Search the tiny index as search.js does: {total, hits}. */
function ranked(text, limit = 100) {
  const query = core.parseQuery(text);
  let found = core.search(query, INDEX, !query.codeShaped);
  if (query.codeShaped && !found.special.size) found = core.search(query, INDEX, true);
  return core.finish(found, query, (doc) => INDEX.docs[doc], limit);
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

test('search: words are ANDed, prefixes count, messages rank above texts', () => {
  assert.deepEqual(codesFor('json format'), ['AIS.0014']);
  assert.deepEqual(codesFor('imag form'), ['AIS.0202']);
  assert.deepEqual(codesFor('image nothing'), []);
  assert.equal(codesFor('token')[0], 'ModelArts.4101');
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
