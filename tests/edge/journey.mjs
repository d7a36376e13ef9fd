// The workspace journey a professional and an administrator make, over HTTP, against a
// running server: sign in with password + TOTP, post to a person's timeline (with an
// attachment), read it back, be refused a person outside the care team, then read the
// audit log as the administrator and find every one of those steps in it.
//
// The same script runs against the native server (`tsunagu serve`, SQLite) and against
// `wrangler dev` (the wasm build in workerd, local D1 and R2), so both runtimes are held
// to the same behaviour.
//
//   node tests/edge/journey.mjs BASE_URL
// Environment: DEMO_PASSWORD, TOTP_<login with . replaced by _> (base32 secrets printed
// by `tsunagu serve`), LABEL (for messages), STATIC=1 to also check the static portal's
// headers (wrangler's `_headers`).
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { Client, csrfOf, parseCsv, signIn as libSignIn } from './lib.mjs';

const BASE = (process.argv[2] || '').replace(/\/$/, '');
const LABEL = process.env.LABEL || BASE;
if (!BASE) {
  console.error('usage: node tests/edge/journey.mjs BASE_URL');
  process.exit(2);
}
const PASSWORD = need('DEMO_PASSWORD');
const PRO = 'nurse.sato'; // on 豊明 花子's care team, not on 前後 ミツ's
const ADMIN = 'admin';

function need(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return v;
}

function secretOf(login) {
  return need('TOTP_' + login.replace(/[^A-Za-z0-9]/g, '_'));
}

let step = 0;
async function check(what, fn) {
  step += 1;
  const t0 = Date.now();
  try {
    await fn();
    console.log(`  ok ${step} - ${what} (${Date.now() - t0} ms)`);
  } catch (e) {
    console.log(`  FAIL ${step} - ${what}`);
    throw e;
  }
}

const signIn = (c, login) => libSignIn(c, login, PASSWORD, secretOf(login));

async function main() {
  console.log(`journey against ${LABEL} (${BASE})`);
  const pro = new Client(BASE, PRO);
  const marker = `申し送り確認 ${randomBytes(4).toString('hex')}`;
  let pid, otherPid, fileUrl;
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  );

  await check('login page carries the security headers', async () => {
    const r = await pro.get('/pro/login');
    assert.equal(r.status, 200);
    assert.match(r.text, /ログイン/);
    const csp = r.headers.get('content-security-policy') || '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(r.headers.get('strict-transport-security') || '', /max-age=\d+/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(r.headers.get('referrer-policy'));
    assert.match(r.headers.get('cache-control') || '', /no-store/);
  });

  await check(`${PRO} signs in with password and TOTP`, async () => {
    const landing = await signIn(pro, PRO);
    assert.equal(landing, '/pro/people');
  });

  await check('people list shows only the care-team people', async () => {
    const r = await pro.get('/pro/people');
    assert.equal(r.status, 200);
    const m = r.text.match(/href="\/pro\/people\/(\d+)"[^>]*>\s*豊明 花子/);
    assert.ok(m, '豊明 花子 is listed with a link');
    pid = Number(m[1]);
    assert.doesNotMatch(r.text, /前後 ミツ/, 'a person outside the team is not listed');
  });

  await check('posting without the CSRF token is refused', async () => {
    const fd = new FormData();
    fd.set('category', '報告');
    fd.set('body', marker + ' (no token)');
    const r = await pro.req('POST', `/pro/people/${pid}/posts`, { body: fd });
    assert.equal(r.status, 403);
  });

  await check('posting from another origin is refused', async () => {
    const page = await pro.get(`/pro/people/${pid}`);
    const fd = new FormData();
    fd.set('csrf', csrfOf(page.text));
    fd.set('category', '報告');
    fd.set('body', marker + ' (cross-site)');
    const r = await pro.req('POST', `/pro/people/${pid}/posts`, { body: fd, headers: { origin: 'https://evil.example' } });
    assert.equal(r.status, 403);
  });

  await check('posts a report with vitals and an attachment', async () => {
    const page = await pro.get(`/pro/people/${pid}`);
    assert.equal(page.status, 200);
    const fd = new FormData();
    fd.set('csrf', csrfOf(page.text));
    fd.set('category', '報告');
    fd.set('body', `${marker}。**血圧**安定。`);
    fd.set('temp_c', '36.8');
    fd.set('bp_sys', '124');
    fd.set('bp_dia', '78');
    fd.set('pulse', '70');
    fd.set('spo2', '98');
    fd.set('file', new Blob([png], { type: 'image/png' }), 'vital-note.png');
    const r = await pro.req('POST', `/pro/people/${pid}/posts`, { body: fd });
    assert.equal(r.status, 303, `post answers 303, got ${r.status}: ${r.text.slice(0, 400)}`);
  });

  await check('the timeline page shows the post, sanitised, newest first', async () => {
    const r = await pro.get(`/pro/people/${pid}`);
    assert.equal(r.status, 200);
    const at = r.text.indexOf(marker);
    assert.ok(at > 0, 'the new post is on the page');
    assert.ok(r.text.includes('<strong>血圧</strong>'), 'Markdown is rendered');
    assert.match(r.text, /体温 36\.8℃/);
    assert.match(r.text, /血圧 124\/78mmHg/);
    // Newest first: the marker comes before the demo posts written days ago.
    const older = r.text.indexOf('お薬カレンダー');
    assert.ok(older < 0 || at < older, 'the new post is above older ones');
    const f = r.text.match(new RegExp(`href="(/pro/people/${pid}/files/\\d+)"`));
    assert.ok(f, 'the attachment is linked');
    fileUrl = f[1];
  });

  await check('the timeline API returns the post and the attachment round-trips', async () => {
    const r = await pro.get(`/api/people/${pid}/timeline`);
    assert.equal(r.status, 200);
    const j = JSON.parse(r.text);
    const post = j.posts[0];
    assert.ok(post.body_html.includes(marker), 'newest post first in the API');
    assert.equal(post.vitals.temp_c, 36.8);
    assert.equal(post.attachments[0].filename, 'vital-note.png');
    const res = await fetch(BASE + fileUrl, { headers: { cookie: pro.cookieHeader() } });
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), png, 'the stored bytes come back unchanged');
  });

  await check('a person outside the care team is not reachable by changing the id', async () => {
    const list = await new Client(BASE, 'probe').get('/pro/people'); // not signed in
    assert.notEqual(list.status, 200);
    // Ids are small integers: try the neighbours of the one we may see.
    for (const id of [pid + 1, pid + 2, pid + 3]) {
      const r = await pro.get(`/pro/people/${id}`);
      if (r.status === 200) {
        assert.doesNotMatch(r.text, /前後 ミツ|二村 正|間米 トメ/, `person ${id} must not be shown`);
      } else {
        assert.ok([403, 404].includes(r.status), `person ${id}: ${r.status}`);
        if (r.text.includes('前後 ミツ')) assert.fail('the refusal page must not leak the name');
        otherPid ??= id;
      }
    }
    assert.ok(otherPid, 'at least one refused id');
  });

  const admin = new Client(BASE, ADMIN);
  await check(`${ADMIN} signs in with password and TOTP`, async () => {
    await signIn(admin, ADMIN);
  });

  await check('the audit log shows the sign-in, the view, the post, the read and the refusal', async () => {
    const r = await admin.get(`/pro/audit?actor=${encodeURIComponent(PRO)}`);
    assert.equal(r.status, 200);
    for (const action of ['signin.password', 'signin', 'timeline.post', 'timeline.read']) {
      assert.ok(r.text.includes(action), `audit page lists ${action}`);
    }
    const csv = await admin.get(`/pro/audit.csv?actor=${encodeURIComponent(PRO)}`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') || '', /text\/csv/);
    const [head, ...rows] = parseCsv(csv.text.replace(/^\uFEFF/, ''));
    const col = (name) => {
      const i = head.indexOf(name);
      assert.ok(i >= 0, `CSV has a ${name} column`);
      return i;
    };
    const [who, act, ttype, tid, outcome, detail] = ['利用者', '操作', '対象種別', '対象ID', '結果', '詳細'].map(col);
    const find = (action, target, out, det) =>
      rows.find((r) => r[who] === PRO && r[act] === action && (target === null || (r[ttype] === 'person' && r[tid] === String(target))) && r[outcome] === out && (det === undefined || r[detail] === det));
    assert.ok(find('signin', null, 'ok', 'totp'), 'CSV: sign-in with TOTP');
    assert.ok(find('person.view', pid, 'ok'), 'CSV: the person was viewed');
    assert.ok(find('timeline.post', pid, 'ok'), 'CSV: the post');
    assert.ok(find('timeline.read', pid, 'ok', 'api'), 'CSV: the API read');
    assert.ok(find('attachment.read', pid, 'ok'), 'CSV: the attachment download');
    assert.ok(find('person.view', otherPid, 'denied'), 'CSV: the refused id');
  });

  await check('the professional cannot open the audit log', async () => {
    const r = await pro.get('/pro/audit');
    assert.ok([403, 404].includes(r.status), `got ${r.status}`);
  });

  await check('sign-out ends the session on the server', async () => {
    const page = await pro.get('/pro/people');
    const r = await pro.postForm('/pro/logout', { csrf: csrfOf(page.text) });
    assert.ok([303, 302].includes(r.status), `logout answers ${r.status}`);
    const after = await pro.get(`/pro/people/${pid}`);
    assert.notEqual(after.status, 200);
  });

  if (process.env.STATIC === '1') {
    await check('the static portal carries the same security headers (_headers)', async () => {
      const r = await fetch(BASE + '/');
      assert.equal(r.status, 200);
      const csp = r.headers.get('content-security-policy') || '';
      assert.match(csp, /default-src 'self'/);
      assert.doesNotMatch(csp.match(/script-src[^;]*/)?.[0] || 'script-src', /unsafe-inline/);
      assert.match(r.headers.get('strict-transport-security') || '', /max-age=\d+/);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.ok(r.headers.get('referrer-policy'));
      const missing = await fetch(BASE + '/no-such-page/');
      assert.equal(missing.status, 404);
      assert.match(await missing.text(), /<html/i);
      const data = await fetch(BASE + '/data/resources.geojson');
      assert.equal(data.status, 200);
      assert.equal(data.headers.get('access-control-allow-origin'), '*', 'open data can be fetched by other sites');
      assert.equal(data.headers.get('x-content-type-options'), 'nosniff', 'and keeps the common headers');
      const hdr = await fetch(BASE + '/_headers');
      assert.equal(hdr.status, 404, '_headers itself is not served');
    });
  }
  console.log(`journey against ${LABEL}: all ${step} steps passed`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
