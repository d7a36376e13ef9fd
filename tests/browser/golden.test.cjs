// The browser port of the normaliser/tokenizer must produce exactly the golden vectors
// the Rust crate is tested against (generator/search/tests/golden.json).
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const root = path.resolve(__dirname, '../..');
const core = require(path.join(root, 'themes/default/static/js/search-core.js'));
const golden = require(path.join(root, 'generator/search/tests/golden.json'));

let failures = [];
for (const [input, want] of golden.normalize) {
  const got = core.normalize(input);
  if (got !== want) failures.push(`normalize ${JSON.stringify(input)}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}
for (const [input, want] of golden.index_tokens) {
  const got = core.indexTokens(core.normalize(input));
  try { assert.deepEqual(got, want); } catch { failures.push(`indexTokens ${JSON.stringify(input)}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`); }
}
for (const [input, want] of golden.query_terms) {
  const got = core.queryTerms(input).map(term => term.map(t => [t.text, t.ord, t.prefix]));
  try { assert.deepEqual(got, want); } catch { failures.push(`queryTerms ${JSON.stringify(input)}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`); }
}
if (failures.length) { console.error(failures.join('\n')); process.exit(1); }
console.log(`golden vectors: ${golden.normalize.length + golden.index_tokens.length + golden.query_terms.length} cases agree with the Rust crate`);
