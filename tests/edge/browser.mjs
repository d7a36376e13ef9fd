// Browser test of the workspace on a phone-sized screen, in headless Chromium:
// a professional signs in with password and TOTP, opens a person, posts a vital-signs
// entry and sees it on the timeline. The page must fit 375 px without sideways scrolling
// and break no rule of its Content-Security-Policy. A screenshot of the timeline goes to
// tests/artifacts/workspace-timeline-phone.png.
//
//   node tests/edge/browser.mjs BASE_URL      (env: DEMO_PASSWORD, TOTP_dr_tanaka)
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { totp } from './lib.mjs';

const BASE = (process.argv[2] || '').replace(/\/$/, '');
const LOGIN = 'dr.tanaka'; // on 豊明 花子's care team; a different account from the journey's
const PASSWORD = process.env.DEMO_PASSWORD;
const SECRET = process.env.TOTP_dr_tanaka;
if (!BASE || !PASSWORD || !SECRET) {
  console.error('usage: DEMO_PASSWORD=… TOTP_dr_tanaka=… node tests/edge/browser.mjs BASE_URL');
  process.exit(2);
}
const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const userDataDir = mkdtempSync(join(tmpdir(), 'tsunagu-edge-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: FLAGS,
  viewport: { width: 375, height: 812 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'ja-JP',
});
const violations = [];
const failures = [];
try {
  const page = context.pages()[0] || (await context.newPage());
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  page.on('pageerror', (e) => failures.push(String(e)));
  const marker = `ブラウザからの記録 ${randomBytes(3).toString('hex')}`;

  await page.goto(BASE + '/pro/login');
  assert.equal(await page.locator('h1').innerText(), 'ログイン');
  await page.fill('#login', LOGIN);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL('**/pro/totp'), page.click('button[type=submit]')]);
  await page.fill('#code', totp(SECRET));
  await Promise.all([page.waitForURL('**/pro/people'), page.click('button[type=submit]')]);
  const cookies = await context.cookies(BASE);
  assert.ok(cookies.some((c) => c.name.startsWith('__Host-') && c.httpOnly && c.secure), 'the browser holds a __Host- HttpOnly Secure session cookie');

  await Promise.all([page.waitForURL(/\/pro\/people\/\d+$/), page.getByRole('link', { name: /豊明 花子/ }).first().click()]);
  await page.selectOption('#category', '報告');
  await page.fill('#body', `${marker}：訪問時のバイタルです。`);
  await page.fill('#temp_c', '36.9');
  await page.fill('#bp_sys', '132');
  await page.fill('#bp_dia', '84');
  await page.fill('#pulse', '74');
  await page.fill('#spo2', '97');
  await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/posts"] button[type=submit]')]);
  await page.waitForSelector(`text=${marker}`);

  // The new entry, with its vitals, is the first post of the timeline.
  const post = page.locator('article', { hasText: marker }).first();
  await post.scrollIntoViewIfNeeded();
  const text = await post.innerText();
  for (const v of ['体温 36.9℃', '血圧 132/84mmHg', '脈拍 74回/分', 'SpO2 97%']) {
    assert.ok(text.includes(v), `the post shows ${v}: ${text}`);
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page fits a 375 px screen (overflows by ${overflow} px)`);

  // Screenshot from the timeline heading down: the new entry is right under it.
  await page.locator('#timeline').evaluate((h) => h.scrollIntoView({ block: 'start' }));
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'workspace-timeline-phone.png') });
  await page.screenshot({ path: join(ARTIFACTS, 'workspace-person-phone-full.png'), fullPage: true });

  assert.deepEqual(violations, [], 'no Content-Security-Policy violations');
  assert.deepEqual(failures, [], 'no script errors');
  console.log(`  ok - browser: ${LOGIN} signed in with TOTP, posted vitals and saw them (375×812); screenshot in tests/artifacts/`);
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
