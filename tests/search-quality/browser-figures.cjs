// Figures from a real browser on a built site (e.g. the 10,000-resource synthetic site):
// bytes transferred (gzip, cold cache) for the top page, a resource page and first
// searches, and the time from keystroke to results. Reported, not asserted.
// Usage: node browser-figures.cjs <built-site-dir> [resource-id]
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { start } = require('../browser/server.cjs');
const { measurePage } = require('../browser/measure.cjs');

const site = path.resolve(process.argv[2]);
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

(async () => {
  const server = await start(site);
  const base = `http://127.0.0.1:${server.address().port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-figures-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', headless: true, args: FLAGS, viewport: { width: 375, height: 812 } });
  await context.route('**/*', r => (new URL(r.request().url()).hostname === '127.0.0.1' ? r.continue() : r.abort()));
  const resource = process.argv[3] || fs.readdirSync(path.join(site, 'resources')).find(f => !f.includes('.'));
  const pages = [['top page', '/', null], [`resource page (${resource})`, `/resources/${resource}/`, null]];
  for (const q of ['体操', 'たいそう', '豊明', '子ども食堂', '移動スーパー', '沓掛町', '0562-92']) {
    pages.push([`first search ${q}`, '/search/?q=' + encodeURIComponent(q), 'html[data-search-done]']);
  }
  pages.push(['map page (with all markers)', '/map/', 'html[data-map-ready]']);
  console.log('bytes transferred (gzip, cold cache, tiles blocked):');
  for (const [label, url, ready] of pages) {
    const m = await measurePage(context, base + url, ready);
    console.log(`  ${label.padEnd(28)} ${(m.bytes / 1024).toFixed(1).padStart(7)} kB in ${m.requests} requests`);
  }
  // Keystroke to results: type each query into the box one key at a time (warm page).
  const page = await context.newPage();
  await page.goto(base + '/search/');
  const rows = [];
  for (const q of ['たいそう', '子ども食堂', '豊明', '沓掛町', 'サロン']) {
    await page.fill('#q', '');
    await page.waitForTimeout(300);
    const before = await page.evaluate(() => window.__tsunaguSearch.timings.length);
    await page.type('#q', q, { delay: 200 });
    await page.waitForFunction(n => window.__tsunaguSearch.timings.length > n, before);
    await page.waitForTimeout(400);
    const t = await page.evaluate(n => window.__tsunaguSearch.timings.slice(n), before);
    rows.push([q, t]);
  }
  console.log('keystroke → results (ms; "search" is from the search start, after the URL update):');
  for (const [q, t] of rows) {
    const last = t[t.length - 1];
    console.log(`  ${q}: last key ${last.keystroke.toFixed(0)} ms (search ${last.search.toFixed(1)} ms); all keys search ${t.map(x => x.search.toFixed(1)).join(', ')}`);
  }
  await context.close();
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
})().catch(e => { console.error(e); process.exit(1); });
