// Lighthouse (mobile defaults) against the release build in dist/, served
// locally with gzip as GitHub Pages serves it, from a sub-path as on Pages.
// Runs each page three times with Debian's chromium and prints the median
// score per category and the median LCP, TBT and CLS.
//
// Exit status: 1 when a median is below its floor (a regression gate) or a
// run fails. The goals (performance >= 95 on the landing page and
// >= 90 on a lab link; accessibility, best practices and SEO 100) are
// printed beside the figures; FAULTLINE_LIGHTHOUSE_STRICT=1 gates on them.
//
// Usage: node tools/lighthouse/run.mjs [dist dir]   (CHROME_PATH defaults
// to /usr/bin/chromium)
import { execFile } from 'node:child_process';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.argv[2] ?? join(here, '..', '..', 'dist'));
const RUNS = 3;
const STRICT = process.env.FAULTLINE_LIGHTHOUSE_STRICT === '1';
const SUB = '/faultline/';

// Floors: a regression gate under today's figures (2026-11-26, fifth
// session, median of 3 on a quiet machine: landing 100, lab link 92, runs
// 88-94). Since the wasm is fetched after the first paint
// (scripts/paint_first.py) Lighthouse's simulated LCP is the static title's,
// 1.0 s on both pages (2.6 s before, when it counted the preloaded wasm);
// the lab link's TBT still swings (360-510 ms). A busy CI machine must not
// fail the gate by chance; the other categories must stay at 100. Goals:
// what issue 8 asks for, gated with FAULTLINE_LIGHTHOUSE_STRICT=1.
const LAB_FLOOR = { performance: 80, accessibility: 100, 'best-practices': 100, seo: 100 };
const LAB_GOAL = { performance: 90, accessibility: 100, 'best-practices': 100, seo: 100 };
const PAGES = [
  {
    name: 'landing',
    path: '',
    floor: { performance: 90, accessibility: 100, 'best-practices': 100, seo: 100 },
    goal: { performance: 95, accessibility: 100, 'best-practices': 100, seo: 100 },
  },
  // A deep link into every lab's page.
  { name: 'payments link', path: 'payments/#lab=payments&preset=lost-response-no-key', floor: LAB_FLOOR, goal: LAB_GOAL },
  { name: 'oauth link', path: 'oauth/#lab=oauth&preset=happy-path&step=17', floor: LAB_FLOOR, goal: LAB_GOAL },
  { name: 'sagas link', path: 'sagas/#lab=sagas&preset=2pc-coordinator-crash&step=10', floor: LAB_FLOOR, goal: LAB_GOAL },
];
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

function serve() {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!path.startsWith(SUB)) {
      res.writeHead(404).end();
      return;
    }
    let file = normalize(join(dist, path.slice(SUB.length)));
    if (!file.startsWith(dist + sep) && file !== dist) {
      res.writeHead(403).end();
      return;
    }
    if (path.endsWith('/')) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const body = await readFile(file);
    const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      'cache-control': 'max-age=600',
    });
    res.end(gzip ? gzipSync(body, { level: 9 }) : body);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

const run = promisify(execFile);
const bin = join(here, 'node_modules', '.bin', 'lighthouse');
const FLAGS = '--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run';

async function lighthouse(url, out) {
  await run(bin, [url, '--output=json', `--output-path=${out}`, '--quiet', `--chrome-flags=${FLAGS}`], {
    env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH ?? '/usr/bin/chromium' },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 180_000,
  });
  return JSON.parse(await readFile(out, 'utf8'));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await serve();
const base = `http://127.0.0.1:${server.address().port}${SUB}`;
const keep = process.env.FAULTLINE_LIGHTHOUSE_KEEP;
const work = keep ? resolve(keep) : await mkdtemp(join(tmpdir(), 'faultline-lh-'));
let failed = false;
try {
  // FAULTLINE_LIGHTHOUSE_ONLY=oauth runs only the pages whose name has that
  // word; FAULTLINE_LIGHTHOUSE_KEEP=dir keeps the JSON reports there.
  const only = process.env.FAULTLINE_LIGHTHOUSE_ONLY;
  for (const page of PAGES.filter((p) => !only || p.name.includes(only))) {
    const reports = [];
    for (let i = 0; i < RUNS; i++) {
      const started = Date.now();
      const r = await lighthouse(base + page.path, join(work, `${page.name.replace(' ', '-')}-${i}.json`));
      if (r.runtimeError) throw new Error(`${page.name}: ${r.runtimeError.message}`);
      reports.push(r);
      console.log(`  ${page.name} run ${i + 1}: performance ${Math.round(r.categories.performance.score * 100)} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
    const audit = (id) => median(reports.map((r) => r.audits[id].numericValue));
    console.log(`FIGURE lighthouse ${page.name} (median of ${RUNS}): LCP ${(audit('largest-contentful-paint') / 1000).toFixed(1)} s, TBT ${Math.round(audit('total-blocking-time'))} ms, CLS ${audit('cumulative-layout-shift').toFixed(3)}, FCP ${(audit('first-contentful-paint') / 1000).toFixed(1)} s`);
    for (const c of CATEGORIES) {
      const score = median(reports.map((r) => Math.round(r.categories[c].score * 100)));
      const gate = STRICT ? page.goal[c] : page.floor[c];
      const verdict = score < gate ? 'FAIL' : score < page.goal[c] ? 'TARGET NOT MET (issue 8)' : 'ok';
      if (score < gate) failed = true;
      console.log(`FIGURE lighthouse ${page.name} ${c}: ${score} (floor ${page.floor[c]}, goal ${page.goal[c]}) ${verdict}`);
      // Below its goal (other than performance): which audits failed, and where.
      if (c !== 'performance' && score < page.goal[c]) {
        for (const r of reports) {
          for (const ref of r.categories[c].auditRefs) {
            const a = r.audits[ref.id];
            if (ref.weight > 0 && a.score !== null && a.score < 1) {
              const where = (a.details?.items ?? []).slice(0, 3).map((it) => it.node?.selector ?? it.node?.snippet ?? '').join(', ');
              console.log(`  ${c} audit failed: ${ref.id} (${a.title}) ${where}`);
              if (process.env.FAULTLINE_LIGHTHOUSE_DETAIL) console.log(JSON.stringify(a.details?.items?.slice(0, 2)).slice(0, 1500));
            }
          }
        }
      }
    }
  }
} finally {
  server.close();
  if (!keep) await rm(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
