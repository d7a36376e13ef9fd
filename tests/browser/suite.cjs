// Browser suite for the portal's search, map, accessibility and print, in Debian's
// headless Chromium driven by playwright-core, over a site built from
// tests/fixtures/site-search and served on 127.0.0.1 by ./server.cjs.
// Usage: node suite.cjs <built-site-dir>   (run.sh builds the site first)
// Writes screenshots and PDFs to tests/artifacts/ and the axe results to docs/a11y-results.md.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { chromium } = require('playwright-core');
const { start } = require('./server.cjs');
const expected = require('./expected.cjs');
const { measurePage } = require('./measure.cjs');

const ROOT = path.resolve(__dirname, '../..');
const SITE = path.resolve(process.argv[2] || path.join(ROOT, 'tests/out/site-search'));
const ARTIFACTS = path.join(ROOT, 'tests/artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'];
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 900 };

const results = [];
async function test(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push({ name, ok: false, error: e });
    console.log(`FAIL ${name}\n     ${String(e && e.stack || e).split('\n').slice(0, 6).join('\n     ')}`);
  }
}
function assertSameSet(got, want, what) {
  const g = [...new Set(got)].sort(), w = [...new Set(want)].sort();
  if (got.length !== g.length) throw new Error(`${what}: duplicate results ${JSON.stringify(got)}`);
  if (JSON.stringify(g) !== JSON.stringify(w)) {
    const extra = g.filter(x => !w.includes(x)), missing = w.filter(x => !g.includes(x));
    throw new Error(`${what}: unexpected ${JSON.stringify(extra)}, missing ${JSON.stringify(missing)}`);
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }
function haversine(lat1, lon1, lat2, lon2) {
  const rad = Math.PI / 180, dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(a)));
}

async function resultIds(page) {
  return page.$$eval('#search-results .result-name a', as => as.map(a => a.getAttribute('href').split('/')[2]));
}
async function openSearch(page, base, query) {
  await page.goto(`${base}/search/?${query}`);
  await page.waitForSelector('html[data-search-done]', { timeout: 15000 });
  return resultIds(page);
}

(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const server = await start(SITE);
  const base = `http://127.0.0.1:${server.address().port}`;
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: DESKTOP, locale: 'ja-JP',
  });
  // Only the local server: map tiles (and anything else) cannot load, as on a bad network.
  await context.route('**/*', route => {
    const host = new URL(route.request().url()).hostname;
    return host === '127.0.0.1' ? route.continue() : route.abort();
  });
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  const geo = JSON.parse(fs.readFileSync(path.join(SITE, 'data/resources.geojson'), 'utf8'));

  // ---- search ------------------------------------------------------------------------
  for (const [q, want] of Object.entries(expected.queries)) {
    await test(`search ${q} finds exactly the expected resources`, async () => {
      assertSameSet(await openSearch(page, base, 'q=' + encodeURIComponent(q)), want, q);
    });
  }
  for (const [query, want] of Object.entries(expected.filters)) {
    await test(`filter ${query}`, async () => {
      assertSameSet(await openSearch(page, base, query.replace(/=([^&]+)/g, (_, v) => '=' + encodeURIComponent(v))), want, query);
    });
  }
  await test('typing たいそう shows results and puts the query in the URL', async () => {
    await page.goto(`${base}/search/`);
    await page.focus('#q');
    await page.keyboard.type('たいそう', { delay: 30 });
    await page.waitForFunction(() => document.getElementById('search-status').textContent.includes('4 件'), null, { timeout: 10000 });
    assert(decodeURIComponent(new URL(page.url()).search).includes('q=たいそう'), `URL ${page.url()}`);
    assertSameSet(await resultIds(page), expected.queries['たいそう'], 'typed');
  });
  await test('while an IME is composing nothing is searched; the confirmed word is', async () => {
    await page.goto(`${base}/search/`);
    await page.focus('#q');
    const cdp = await page.context().newCDPSession(page);
    const searches = () => page.evaluate(() => window.__tsunaguSearch.searches);
    const before = await searches();
    // かな漢字変換 in progress: 「たいs」 is on screen but not confirmed.
    await cdp.send('Input.imeSetComposition', { text: 'たいs', selectionStart: 3, selectionEnd: 3 });
    await page.waitForTimeout(300);
    assert(await searches() === before, 'a search ran during composition');
    await cdp.send('Input.insertText', { text: 'たいそう' });
    await page.waitForFunction(n => window.__tsunaguSearch.searches > n, before, { timeout: 10000 });
    assertSameSet(await resultIds(page), expected.queries['たいそう'], 'after composition');
    await cdp.detach();
  });
  await test('every hit links to its resource page', async () => {
    await openSearch(page, base, 'q=' + encodeURIComponent('体操'));
    const href = await page.$eval('#search-results .result-name a', a => a.getAttribute('href'));
    const res = await page.goto(base + href);
    assert(res.status() === 200, `${href} → ${res.status()}`);
  });
  await test('near me: sort=distance with an emulated position orders by distance', async () => {
    const here = { latitude: 35.0620, longitude: 137.0370 };
    await context.grantPermissions(['geolocation'], { origin: base });
    await context.setGeolocation(here);
    const ids = await openSearch(page, base, 'cat=kayoinoba&sort=distance');
    const coords = Object.fromEntries(geo.features.map(f => [f.properties.id, f.geometry.coordinates]));
    const want = expected.filters['cat=kayoinoba'].slice()
      .sort((a, b) => haversine(here.latitude, here.longitude, coords[a][1], coords[a][0]) - haversine(here.latitude, here.longitude, coords[b][1], coords[b][0]));
    assert(JSON.stringify(ids) === JSON.stringify(want), `order ${ids} ≠ ${want}`);
    const first = await page.$eval('#search-results .distance', e => e.textContent);
    assert(/ここから約\d+m/.test(first), `distance text ${first}`);
  });

  await test('without JavaScript, the search page\'s category and area lists reach every resource', async () => {
    const nojs = await context.newPage();
    const cdp = await context.newCDPSession(nojs);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    await nojs.goto(`${base}/search/?q=${encodeURIComponent('体操')}`);
    assert(await nojs.isVisible('.browse'), 'category list not shown');
    const start = await nojs.$$eval('.browse a', as => as.map(a => a.getAttribute('href')));
    const seen = new Set(start), queue = [...start], found = new Set();
    while (queue.length) {
      const url = queue.shift();
      await nojs.goto(base + url);
      const links = await nojs.$$eval('main a[href^="/"]', as => as.map(a => a.getAttribute('href')));
      for (const l of links) {
        const m = /^\/resources\/([^/]+)\/$/.exec(l);
        if (m) { found.add(m[1]); continue; }
        // Follow list pages only: categories, areas and their pages.
        if (/^\/(categories|areas)\//.test(l) && !seen.has(l)) { seen.add(l); queue.push(l); }
      }
    }
    assertSameSet([...found], expected.ALL, 'reachable without JavaScript');
    await nojs.close();
  });

  // ---- map ---------------------------------------------------------------------------
  await test('map shows a marker for every resource with a location, tiles blocked', async () => {
    await page.goto(`${base}/map/`);
    await page.waitForSelector('html[data-map-ready]', { timeout: 15000 });
    const markers = Number(await page.getAttribute('#map', 'data-markers'));
    assert(markers === geo.features.length, `markers ${markers} ≠ features ${geo.features.length}`);
    // What the map draws: single markers plus the counts on cluster icons.
    const drawn = await page.evaluate(() => {
      const c = window.__tsunaguMap.cluster;
      let n = 0;
      c._featureGroup.eachLayer(l => { n += l.getChildCount ? l.getChildCount() : 1; });
      return n;
    });
    assert(drawn === geo.features.length, `drawn ${drawn}`);
    assert(await page.$('.leaflet-marker-icon') !== null, 'no marker icon in the DOM');
  });
  await test('map category filter includes child categories', async () => {
    await page.selectOption('#map-cat', 'kayoinoba');
    const want = geo.features.filter(f => expected.filters['cat=kayoinoba'].includes(f.properties.id)).length;
    assert(Number(await page.getAttribute('#map', 'data-markers')) === want, 'kayoinoba markers');
    assert(new URL(page.url()).searchParams.get('cat') === 'kayoinoba', 'cat in URL');
  });
  await test('map is keyboard operable: Enter on a focused marker opens a popup linking to the page', async () => {
    await page.selectOption('#map-cat', 'dementia-cafe');
    await page.focus('.leaflet-marker-icon');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.leaflet-popup-content a', { timeout: 5000 });
    const href = await page.$eval('.leaflet-popup-content a', a => a.getAttribute('href'));
    assert(href === '/resources/orange-cafe-omiya/', href);
  });
  await test('map near me lists the nearest resources in distance order', async () => {
    const here = { latitude: 35.0440, longitude: 137.0050 }; // 前後町
    await context.setGeolocation(here);
    await page.goto(`${base}/map/`);
    await page.waitForSelector('html[data-map-ready]');
    await page.click('#near-me');
    await page.waitForSelector('#near-list li');
    const ids = await page.$$eval('#near-list li', lis => lis.map(li => li.getAttribute('data-id')));
    const want = geo.features.filter(f => f.properties.status !== 'suspended')
      .map(f => [f.properties.id, haversine(here.latitude, here.longitude, f.geometry.coordinates[1], f.geometry.coordinates[0])])
      .sort((a, b) => a[1] - b[1]).slice(0, 20).map(x => x[0]);
    assert(JSON.stringify(ids) === JSON.stringify(want), `near ${ids}`);
    assert(ids[0] === 'zengo-fureai-salon', ids[0]);
  });
  await test('resource page small map loads on request', async () => {
    await page.goto(`${base}/resources/kutsukake-yunosato-kayoinoba/`);
    assert(await page.evaluate(() => !window.L), 'Leaflet loaded before asked');
    await page.click('.map-open');
    await page.waitForSelector('#resource-map .leaflet-marker-icon', { timeout: 10000 });
  });

  // ---- accessibility -----------------------------------------------------------------
  const tagLink = await (async () => {
    await page.goto(`${base}/tags/`);
    return page.$eval('main a[href^="/tags/"]', a => a.getAttribute('href')).catch(() => null);
  })();
  const pages = [
    ['トップ', '/'],
    ['資源', '/resources/kutsukake-yunosato-kayoinoba/'],
    ['資源（休止中）', '/resources/magome-salon/'],
    ['分類', '/categories/kayoinoba/'],
    ['タグ一覧', '/tags/'],
    ...(tagLink ? [['タグ', tagLink]] : []),
    ['地区一覧', '/areas/'],
    ['地区', '/areas/' + encodeURIComponent('沓掛町') + '/'],
    ['検索（結果あり）', '/search/?q=' + encodeURIComponent('体操')],
    ['検索（0件）', '/search/?q=' + encodeURIComponent('該当なし')],
    ['印刷リスト', '/search/?ids=sakaemachi-ikiiki-taiso,zengo-fureai-salon'],
    ['地図', '/map/'],
    ['オープンデータ', '/data/'],
    ['404', '/no-such-page/'],
    ...fs.readdirSync(path.join(ROOT, 'tests/fixtures/site-search/pages')).filter(f => f.endsWith('.md'))
      .map(f => ['固定ページ ' + f, '/' + f.replace(/\.md$/, '') + '/']),
  ];
  const axeRows = [];
  for (const [label, url] of pages) {
    for (const [vpName, vp] of [['スマートフォン', PHONE], ['パソコン', DESKTOP]]) {
      await test(`axe ${label} ${url} (${vpName}): 0 violations`, async () => {
        await page.setViewportSize(vp);
        await page.goto(base + url);
        if (url.startsWith('/search/?q')) await page.waitForSelector('html[data-search-done]');
        if (url.startsWith('/search/?ids')) await page.waitForSelector('html[data-print-ready]');
        if (url === '/map/') await page.waitForSelector('html[data-map-ready]');
        await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
        const r = await page.evaluate(tags => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), AXE_TAGS);
        axeRows.push({ label, url, vp: vpName, violations: r.violations.length, passes: r.passes.length, incomplete: r.incomplete.length,
          detail: r.violations.map(v => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(', ')}`) });
        assert(r.violations.length === 0, r.violations.map(v => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`).join('\n'));
      });
    }
  }
  await page.setViewportSize(DESKTOP);
  await test('320px wide at 200% text: no horizontal scrolling on the resource and search pages', async () => {
    for (const url of ['/resources/kutsukake-yunosato-kayoinoba/', '/search/?q=' + encodeURIComponent('体操'), '/']) {
      await page.setViewportSize({ width: 320, height: 640 });
      await page.goto(base + url);
      await page.addStyleTag({ content: 'html { font-size: 200% !important; }' });
      const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert(over <= 0, `${url}: ${over}px wider than the screen`);
    }
    await page.setViewportSize(DESKTOP);
  });
  await test('skip link is first and moves focus to the main content', async () => {
    await page.goto(base + '/resources/kutsukake-yunosato-kayoinoba/');
    await page.keyboard.press('Tab');
    const text = await page.evaluate(() => document.activeElement.textContent.trim());
    assert(text === '本文へ移動', `first focus: ${text}`);
    await page.keyboard.press('Enter');
    assert(await page.evaluate(() => document.activeElement.id === 'main' || location.hash === '#main'), 'focus did not move to #main');
  });

  await test('text-size switch enlarges the text and is remembered on the next page', async () => {
    await page.goto(base + '/');
    const before = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    await page.click('#a11y-tools [data-text-size="xlarge"]');
    const after = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    assert(after >= before * 1.35, `font ${before} → ${after}`);
    await page.goto(base + '/resources/kutsukake-yunosato-kayoinoba/');
    const kept = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    assert(kept === after, `not remembered: ${kept}`);
    assert(await page.getAttribute('#a11y-tools [data-text-size="xlarge"]', 'aria-pressed') === 'true', 'aria-pressed');
    await page.click('#a11y-tools [data-text-size="normal"]');
  });
  await test('furigana toggle hides the reading; screen readers never get it twice', async () => {
    await page.goto(base + '/resources/kutsukake-yunosato-kayoinoba/');
    assert(await page.isVisible('h1 rt'), 'reading not shown by default');
    // The accessibility tree of the heading holds the name once and not the reading.
    const snap = await page.locator('h1').ariaSnapshot();
    assert(snap.includes('湯の郷 ふれあい通いの場') && !snap.includes('ゆのさと'), `heading reads as: ${snap}`);
    await page.click('#furigana-toggle');
    assert(!(await page.isVisible('h1 rt')), 'reading still shown');
    await page.goto(base + '/resources/sakaemachi-ikiiki-taiso/');
    assert(!(await page.isVisible('h1 rt')), 'choice not remembered');
    await page.click('#furigana-toggle');
    assert(await page.isVisible('h1 rt'), 'reading not shown again');
  });

  // ---- print -------------------------------------------------------------------------
  const pdftext = (file, first, last) => execFileSync('pdftotext', ['-layout', ...(first ? ['-f', String(first), '-l', String(last)] : []), file, '-'], { encoding: 'utf8' });
  const pdfpages = file => Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))[1]);
  await test('print a resource page to A4 PDF: name, phone, verified date, one page', async () => {
    await page.goto(base + '/resources/sakaemachi-ikiiki-taiso/');
    await page.emulateMedia({ media: 'print' });
    const file = path.join(ARTIFACTS, 'print-resource.pdf');
    await page.pdf({ path: file, format: 'A4', printBackground: true, preferCSSPageSize: true });
    await page.emulateMedia({ media: null });
    const text = pdftext(file);
    for (const s of ['栄町いきいき体操教室', '0562-92-1234', '確認日']) assert(text.includes(s), `PDF lacks ${s}`);
    assert(!text.includes('本文へ移動') && !text.includes('主なメニュー'), 'site chrome printed');
    assert(pdfpages(file) === 1, `pages: ${pdfpages(file)}`);
  });
  await test('print a list of chosen resources: one resource per page', async () => {
    const ids = ['sakaemachi-ikiiki-taiso', 'zengo-fureai-salon', 'kutsukake-yunosato-kayoinoba'];
    const names = ['栄町いきいき体操教室', '前後ふれあいサロン', '湯の郷 ふれあい通いの場'];
    const phones = ['0562-92-1234', '0562-97-0001', '0562-92-0000'];
    await page.goto(`${base}/search/?ids=${ids.join(',')}`);
    await page.waitForSelector('html[data-print-ready]');
    const file = path.join(ARTIFACTS, 'print-list.pdf');
    await page.pdf({ path: file, format: 'A4', printBackground: true, preferCSSPageSize: true });
    const n = pdfpages(file);
    assert(n === ids.length, `${n} pages for ${ids.length} resources`);
    for (let i = 0; i < ids.length; i++) {
      const t = pdftext(file, i + 1, i + 1).replace(/\s+/g, ' ');
      const nameFlat = names[i].replace(/\s+/g, ' ');
      assert(t.includes(nameFlat) || t.includes(names[i].replace(/\s+/g, '')), `page ${i + 1} lacks ${names[i]}`);
      assert(t.includes(phones[i]), `page ${i + 1} lacks ${phones[i]}`);
      names.forEach((other, j) => { if (j !== i) assert(!t.includes(phones[j]), `page ${i + 1} also has ${phones[j]}`); });
    }
  });

  // ---- screenshots (look at them) and figures -----------------------------------------
  await test('screenshots of top, resource, search results and map at phone and desktop sizes', async () => {
    const shots = [['top', '/'], ['resource', '/resources/kutsukake-yunosato-kayoinoba/'],
      ['search', '/search/?q=' + encodeURIComponent('体操')], ['map', '/map/']];
    for (const [vpName, vp] of [['phone', PHONE], ['desktop', DESKTOP]]) {
      await page.setViewportSize(vp);
      for (const [name, url] of shots) {
        await page.goto(base + url);
        if (name === 'search') await page.waitForSelector('html[data-search-done]');
        if (name === 'map') await page.waitForSelector('html[data-map-ready]');
        await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${vpName}.png`), fullPage: name !== 'map' });
      }
    }
    await page.setViewportSize(DESKTOP);
  });
  await test('no script errors on any page', async () => { assert(errors.length === 0, errors.join('\n')); });

  const figures = {};
  for (const [label, url, ready] of [['top', '/', null], ['resource', '/resources/kutsukake-yunosato-kayoinoba/', null],
    ['first search', '/search/?q=' + encodeURIComponent('体操'), 'html[data-search-done]']]) {
    figures[label] = await measurePage(context, base + url, ready);
  }
  console.log('\nfixture-site figures (gzip bytes over the wire, fresh cache):');
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k}: ${v.bytes} bytes in ${v.requests} requests`);

  writeA11yResults(axeRows);
  await context.close();
  server.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
  const failed = results.filter(r => !r.ok);
  console.log(`\n${results.length - failed.length} passed, ${failed.length} failed`);
  process.exit(failed.length ? 1 : 0);
})().catch(e => { console.error(e); process.exit(1); });

function writeA11yResults(rows) {
  const version = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const axeVersion = require('axe-core/package.json').version;
  const lines = [
    '# アクセシビリティ試験結果（自動試験）',
    '',
    `この表は \`tests/browser/run.sh\` が実行のたびに書き出します（手で編集しないでください）。`,
    `試験日: ${new Date().toISOString().slice(0, 10)} / ブラウザ: ${version} / axe-core ${axeVersion} / 基準: ${AXE_TAGS.join(', ')}（WCAG 2.2 AA 相当、JIS X 8341-3:2016 AA の自動判定できる項目）`,
    `対象: 試験用サイト tests/fixtures/site-search の各ページ種別を、スマートフォン（375×812）とパソコン（1280×900）の幅で。`,
    '',
    '| ページ | URL | 画面 | 違反 | 合格 | 要確認 |',
    '|---|---|---|---:|---:|---:|',
    ...rows.map(r => `| ${r.label} | \`${decodeURIComponent(r.url)}\` | ${r.vp} | ${r.violations} | ${r.passes} | ${r.incomplete} |`),
    '',
    `違反の合計: ${rows.reduce((s, r) => s + r.violations, 0)} 件。`,
    '「要確認」は自動では判定できず人が確かめる項目（色の重なりなど）の数です。',
    ...rows.filter(r => r.detail.length).map(r => `- ${r.label} ${r.vp}: ${r.detail.join('; ')}`),
    '',
  ];
  fs.writeFileSync(path.join(ROOT, 'docs/a11y-results.md'), lines.join('\n'));
}
