// Minimal static file server for the E2E tests (no dependencies).
//
// It serves a *root* directory (by default the parent of dist/, i.e. the repo
// root) so the app is opened at http://127.0.0.1:<port>/dist/ -- proving the
// build works from a sub-path, as it must on GitHub Pages (/<repo>/).
//
// CLI:  node e2e/serve.mjs [root] [port]      (port 0 = pick a free one)
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Start serving `root` on 127.0.0.1.
 * @param {{root?: string, port?: number, log?: (line: string) => void}} [opts]
 * @returns {Promise<{url: string, port: number, requests: string[], close: () => Promise<void>}>}
 */
export async function serveStatic({ root, port = 0, log } = {}) {
  const base = resolve(root ?? join(fileURLToPath(new URL('.', import.meta.url)), '..'));
  const requests = [];

  const server = createServer(async (req, res) => {
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      res.end(body);
      log?.(`${status} ${req.method} ${req.url}`);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
      const url = new URL(req.url, 'http://127.0.0.1');
      requests.push(url.pathname);
      const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
      let file = join(base, rel);
      if (file !== base && !file.startsWith(base + sep)) return send(403, 'forbidden');
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        if (!url.pathname.endsWith('/')) {
          return send(301, '', { location: url.pathname + '/' + url.search });
        }
        file = join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) return send(404, 'not found');
      res.writeHead(200, {
        'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': 'no-store',
      });
      log?.(`200 ${req.method} ${req.url}`);
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    } catch (err) {
      send(500, String(err));
    }
  });

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const actualPort = server.address().port;
  return {
    url: `http://127.0.0.1:${actualPort}/`,
    port: actualPort,
    requests,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [root, port] = process.argv.slice(2);
  const s = await serveStatic({ root, port: Number(port ?? 8000), log: (l) => console.log(l) });
  console.log(`serving ${resolve(root ?? '.')} at ${s.url}`);
}
