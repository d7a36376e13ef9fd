// A tiny static server over a built site, on 127.0.0.1, gzip-compressing text like a CDN
// would (so the byte counts the suite reports are what a phone downloads).
// Usage: node server.cjs <dir> [port]   (prints "listening <port>")
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.geojson': 'application/geo+json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.xml': 'application/xml', '.txt': 'text/plain; charset=utf-8', '.csv': 'text/csv; charset=utf-8',
  '.ico': 'image/x-icon', '.webmanifest': 'application/manifest+json',
};
const COMPRESS = /^(text\/|application\/(json|geo\+json|xml|manifest)|image\/svg)/;

function start(root, port = 0) {
  root = path.resolve(root);
  const server = http.createServer((req, res) => {
    let pathname;
    try { pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { res.writeHead(400).end(); return; }
    let file = path.join(root, pathname);
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    let status = 200;
    try {
      if (fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
      fs.accessSync(file);
    } catch {
      status = 404;
      file = path.join(root, '404.html');
    }
    let body;
    try { body = fs.readFileSync(file); } catch { res.writeHead(404).end('not found'); return; }
    const type = TYPES[path.extname(file)] || 'application/octet-stream';
    const headers = { 'content-type': type, 'cache-control': 'no-cache' };
    if (COMPRESS.test(type) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
      body = zlib.gzipSync(body, { level: 9 });
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = body.length;
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise(resolve => server.listen(port, '127.0.0.1', () => resolve(server)));
}

module.exports = { start };

if (require.main === module) {
  start(process.argv[2] || 'public', Number(process.argv[3] || 8080)).then(s => console.log('listening', s.address().port));
}
