// Search quality on a synthetic corpus, through the browser's own query code
// (themes/default/static/js/search-core.js) over the index the build wrote.
// Reports recall and precision per query against truth.json (written by gen-corpus.cjs),
// and how many index bytes (gzip) each first query fetches. Reported, not asserted.
// Usage: node measure.cjs <built-site-dir> <truth.json> [--json out.json]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const core = require('../../themes/default/static/js/search-core.js');

const [site, truthFile] = process.argv.slice(2);
const jsonOut = process.argv.includes('--json') ? process.argv[process.argv.indexOf('--json') + 1] : null;
const truth = JSON.parse(fs.readFileSync(truthFile, 'utf8'));
const gz = new Map();
function gzipSize(file) {
  if (!gz.has(file)) gz.set(file, zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length);
  return gz.get(file);
}

(async () => {
  const rows = [];
  for (const [q, want] of Object.entries(truth.queries)) {
    const loaded = [];
    // A fresh index per query: what a first search on a phone downloads.
    const ix = new core.SearchIndex(async p => {
      loaded.push(p);
      return JSON.parse(fs.readFileSync(path.join(site, 'search', p), 'utf8'));
    });
    const t0 = process.hrtime.bigint();
    const res = await ix.search({ q });
    const recs = await ix.records(res.docs.slice(0, 20)); // the first page of results
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const all = await ix.records(res.docs);
    const got = new Set(all.map(r => r.id));
    const wantSet = new Set(want);
    const tp = [...got].filter(id => wantSet.has(id)).length;
    const recall = wantSet.size ? tp / wantSet.size : (got.size ? 0 : 1);
    const precision = got.size ? tp / got.size : (wantSet.size ? 0 : 1);
    const firstBytes = loaded.filter((p, i) => loaded.indexOf(p) === i && !p.startsWith('doc/') ? true : false)
      .reduce((s, p) => s + gzipSize(path.join(site, 'search', p)), 0);
    const docBytes = [...new Set(loaded.filter(p => p.startsWith('doc/')))].slice(0, 20).reduce((s, p) => s + gzipSize(path.join(site, 'search', p)), 0);
    rows.push({ q, expected: wantSet.size, found: got.size, recall, precision, ms: +ms.toFixed(1), indexBytes: firstBytes, shown: recs.length });
    void docBytes;
  }
  const w = Math.max(...rows.map(r => [...r.q].length));
  console.log(`${'query'.padEnd(w)}  expected  found  recall  precision  index-kB(gz)  ms`);
  for (const r of rows) {
    console.log(`${r.q.padEnd(w)}  ${String(r.expected).padStart(8)}  ${String(r.found).padStart(5)}  ${r.recall.toFixed(3)}   ${r.precision.toFixed(3)}      ${(r.indexBytes / 1024).toFixed(1).padStart(8)}  ${r.ms}`);
  }
  const minR = Math.min(...rows.map(r => r.recall)), minP = Math.min(...rows.map(r => r.precision));
  console.log(`\n${rows.length} queries on ${truth.documents} resources: min recall ${minR.toFixed(3)}, min precision ${minP.toFixed(3)}`);
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(rows, null, 1));
})().catch(e => { console.error(e); process.exit(1); });
