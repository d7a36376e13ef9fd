// Helpers shared by the workspace end-to-end scripts (journey, browser, bench): TOTP,
// a cookie-keeping HTTP client, form and CSV parsing, and the two-step sign-in.
import { createHmac } from 'node:crypto';
import assert from 'node:assert/strict';

// RFC 4648 base32 → bytes.
export function base32(s) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out = [];
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    const i = abc.indexOf(ch);
    if (i < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// RFC 6238 TOTP: HMAC-SHA1 over the 30-second step, 6 digits.
export function totp(secretB32, when = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(when / 1000 / 30)));
  const mac = createHmac('sha1', base32(secretB32)).update(counter).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(off) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, '0');
}

// A browser-like client: its own cookie jar, sends Origin on state changes, never
// follows redirects by itself (the journey checks where each one points).
export class Client {
  constructor(base, name) {
    this.base = base;
    this.name = name;
    this.jar = new Map();
  }
  cookieHeader() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  absorb(res) {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq), value = pair.slice(eq + 1);
      if (attrs.some((a) => /^max-age=0$/i.test(a)) || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
  async req(method, path, { body, headers = {} } = {}) {
    const h = { ...headers };
    if (this.jar.size) h.cookie = this.cookieHeader();
    if (method !== 'GET' && !('origin' in h)) h.origin = this.base;
    const res = await fetch(this.base + path, { method, body, headers: h, redirect: 'manual' });
    this.absorb(res);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location') };
  }
  get(path, opts) {
    return this.req('GET', path, opts);
  }
  postForm(path, fields, opts = {}) {
    return this.req('POST', path, {
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(opts.headers || {}) },
    });
  }
}

export function csrfOf(html) {
  const input = html.match(/<input[^>]*name="csrf"[^>]*>/);
  assert.ok(input, 'page has a CSRF field');
  const v = input[0].match(/value="([^"]+)"/);
  assert.ok(v, 'CSRF field has a value');
  return v[1];
}

// RFC 4180 rows (quoted fields may hold commas, quotes and newlines).
export function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field), rows.push(row), (row = []), (field = '');
    } else field += ch;
  }
  if (field !== '' || row.length) row.push(field), rows.push(row);
  return rows;
}

export const sessionCookie = (c) => [...c.jar].find(([k]) => k.startsWith('__Host-'));


// Password, then TOTP; returns where the server sends the signed-in user.
export async function signIn(c, login, password, secretB32) {
  const form = await c.get('/pro/login');
  assert.equal(form.status, 200);
  const r1 = await c.postForm('/pro/login', { login, password });
  assert.equal(r1.status, 303, `password step answers 303, got ${r1.status}: ${r1.text.slice(0, 300)}`);
  assert.equal(r1.location, '/pro/totp', 'an enrolled account goes on to the second factor');
  const half = sessionCookie(c);
  assert.ok(half, 'a __Host- session cookie is set after the password');
  // Without the second factor nothing private is reachable.
  const early = await c.get('/pro/people');
  assert.notEqual(early.status, 200, 'people list is not reachable with the password alone');
  const page = await c.get('/pro/totp');
  assert.equal(page.status, 200);
  const r2 = await c.postForm('/pro/totp', { csrf: csrfOf(page.text), code: totp(secretB32) });
  assert.equal(r2.status, 303, `TOTP step answers 303, got ${r2.status}: ${r2.text.slice(0, 300)}`);
  const full = sessionCookie(c);
  assert.ok(full, 'session cookie after the second factor');
  assert.notEqual(full[1], half[1], 'the session id is rotated when the second factor succeeds');
  return r2.location;
}
