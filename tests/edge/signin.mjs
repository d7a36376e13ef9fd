// Signs in as a demo account and prints the Cookie header of the signed-in session
// (for load tools): node tests/edge/signin.mjs BASE_URL LOGIN
// Environment: DEMO_PASSWORD, TOTP_<login with . replaced by _>.
import { Client, signIn } from './lib.mjs';

const [base, login] = process.argv.slice(2);
const secret = process.env['TOTP_' + (login || '').replace(/[^A-Za-z0-9]/g, '_')];
if (!base || !login || !secret || !process.env.DEMO_PASSWORD) {
  console.error('usage: DEMO_PASSWORD=… TOTP_<login>=… node tests/edge/signin.mjs BASE_URL LOGIN');
  process.exit(2);
}
const c = new Client(base.replace(/\/$/, ''), login);
await signIn(c, login, process.env.DEMO_PASSWORD, secret);
console.log(c.cookieHeader());
