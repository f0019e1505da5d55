// Shared E2E helpers: static server, Chromium launch, instrumented pages.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { serveStatic } from './serve.mjs';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The built app (trunk build --release output). Override with FAULTLINE_DIST. */
export const DIST_DIR = resolve(process.env.FAULTLINE_DIST ?? join(REPO_ROOT, 'dist'));
/**
 * The same build with the test hook `faultlineDigests` (built with
 * FAULTLINE_E2E_HOOKS=1; not shipped: it costs 2.2 KB gzipped), for the
 * golden digests test. scripts/test.sh builds it. Override with
 * FAULTLINE_DIST_HOOKS.
 */
export const HOOKS_DIST_DIR = resolve(process.env.FAULTLINE_DIST_HOOKS ?? join(REPO_ROOT, 'dist-e2e-hooks'));

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Serve the PARENT of dist/ on 127.0.0.1 (random port), so the app lives at a
 * sub-path: `appUrl` is http://127.0.0.1:<port>/dist/.
 */
export async function startServer(dist = DIST_DIR) {
  assert.ok(
    existsSync(join(dist, 'index.html')),
    `${dist}/index.html is missing: run "trunk build --release" first (scripts/test.sh does)`,
  );
  const server = await serveStatic({ root: dirname(dist) });
  const appPath = `/${basename(dist)}/`;
  return { ...server, appPath, appUrl: new URL(appPath, server.url).href };
}

function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium not found on PATH (run scripts/setup.sh, or set CHROMIUM=/path/to/chromium)');
  }
}

/** Launch the system Chromium headless (Playwright gives it a fresh temporary user-data-dir). */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A page in a fresh context, instrumented to record problems:
 * console errors, uncaught page errors, failed/4xx/5xx requests, and any
 * request that is not to 127.0.0.1/localhost (data: and blob: are fine).
 *
 * One kind of failed request is not a problem: a request aborted because
 * the document that made it was left (the landing page forwarding an old
 * link to its lab's page while its favicon or its own body still loads, a
 * lab's page sending a link of another lab to the landing page, the test
 * opening another page). Nothing is broken there and nobody sees it; such
 * an abort counts only while the page is still on the document that made
 * the request.
 */
export async function newPage(browser, { viewport = { width: 1280, height: 720 }, ...contextOptions } = {}) {
  // The pages register a service worker that fetches the whole build into
  // its cache; a test sees it only when it asks for it (offline.test.mjs),
  // so it never adds traffic to a test that measures something else.
  const context = await browser.newContext({ viewport, serviceWorkers: 'block', ...contextOptions });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const issues = [];
  const requests = [];
  // Documents the main frame has shown (a new path is a new document; a
  // new hash is not), and which document made each request.
  let documents = 0;
  let shown = null;
  const madeBy = new WeakMap();
  const aborted = [];
  page.on('framenavigated', (frame) => {
    if (frame !== page.mainFrame()) return;
    const url = new URL(frame.url());
    const doc = `${url.origin}${url.pathname}${url.search}`;
    if (doc !== shown) {
      shown = doc;
      documents += 1;
    }
  });

  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      issues.push(`console.error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => issues.push(`page error: ${err.stack ?? err.message ?? err}`));
  page.on('request', (req) => {
    const url = new URL(req.url());
    requests.push(req.url());
    madeBy.set(req, documents);
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.protocol === 'about:') return;
    if (!LOCAL_HOSTS.has(url.hostname) && !LOCAL_HOSTS.has(`[${url.hostname}]`)) {
      issues.push(`non-local request: ${req.method()} ${req.url()}`);
    }
  });
  /** Requests a test makes fail on purpose (`expectFailedRequests`). */
  const meantToFail = [];
  page.on('requestfailed', (req) => {
    if (meantToFail.some((re) => re.test(req.url()))) return;
    const text = `request failed: ${req.url()} (${req.failure()?.errorText})`;
    if (req.failure()?.errorText === 'net::ERR_ABORTED') aborted.push({ text, doc: madeBy.get(req) ?? documents });
    else issues.push(text);
  });
  /** The problems recorded, with the aborts of documents since left taken out. */
  const problems = () => [...issues, ...aborted.filter((a) => a.doc >= documents).map((a) => a.text)];
  page.on('response', (res) => {
    if (res.status() >= 400) issues.push(`HTTP ${res.status()}: ${res.url()}`);
  });

  return {
    page,
    context,
    get issues() {
      return problems();
    },
    requests,
    /** Navigate to `url` and wait until `ready` is visible (see gotoApp). */
    goto: (url, opts) => gotoApp(page, problems, url, opts),
    /** Do `action` (click a link) and wait until the page it opens shows `ready` (see followToApp). */
    follow: (action, opts) => followToApp(page, problems, action, opts),
    /** Requests whose URL matches `re` are failed by the test itself: not problems. */
    expectFailedRequests: (re) => meantToFail.push(re),
    /** Fail the test if anything was recorded. */
    assertNoIssues: () => assertNoIssues(problems()),
    close: () => context.close(),
  };
}

/** Assert that no console error, page error, failed or non-local request was recorded. */
export function assertNoIssues(issues) {
  assert.deepEqual(issues, [], `page reported problems:\n  ${issues.join('\n  ')}`);
}

/**
 * The address of a lab's own page (dist/<lab>/), with an optional hash
 * ("lab=payments&preset=happy-path&step=3", "#v1.…"; the "#" is optional).
 */
export function labUrl(server, lab, hash = '') {
  const h = hash && !hash.startsWith('#') ? `#${hash}` : hash;
  return `${server.appUrl}${lab}/${h}`;
}

/**
 * True once the page shows what a visitor ends up on: the landing page
 * (static, no wasm) when it keeps the hash (none, "#main", or a link to no
 * known lab, with its "#no-lab" notice shown), or a lab page whose app has
 * started (its static shell removed, the app's <main> in its place). False
 * while the landing page forwards an old link to a lab's page, while a lab
 * page's static shell waits for the wasm (or forwards a link of another
 * lab), and on a document marked as left (see markLeaving).
 */
export function settledInPage() {
  if (window.__faultlineLeaving) return false;
  if (document.readyState === 'loading') return false;
  if (document.querySelector('main.landing')) {
    const noLab = document.getElementById('no-lab');
    return !/^#(?!main$)./.test(location.hash) || !!(noLab && !noLab.hidden);
  }
  return !document.getElementById('shell') && !!document.querySelector('body > main');
}

/**
 * Mark the current document as one the page is leaving (a link was
 * clicked): waitForApp then waits for the next document, not this one.
 */
export async function markLeaving(page) {
  await page.evaluate(() => {
    window.__faultlineLeaving = true;
  });
}

/**
 * Wait until the page has settled (see settledInPage: through every
 * forward from the landing page to a lab's page and back) and `ready` is
 * visible there. Never satisfied by a lab page's static shell, which
 * carries the same heading and controls as the app.
 */
export async function waitForApp(page, { ready = 'main h1', timeout = 15_000 } = {}) {
  const started = Date.now();
  // The pages gone through on the way (forwards), for the error message.
  const path = [];
  const went = (frame) => {
    if (frame === page.mainFrame()) path.push(new URL(frame.url()).pathname);
  };
  page.on('framenavigated', went);
  try {
    for (;;) {
      // A navigation destroys the context mid-evaluate: ask the next document.
      const settled = await page.evaluate(settledInPage).catch(() => false);
      if (settled) break;
      if (Date.now() - started > timeout) {
        const where = await page
          .evaluate(() => ({
            url: location.href.slice(0, 120),
            shell: !!document.getElementById('shell'),
            landing: !!document.querySelector('main.landing'),
          }))
          .catch((e) => e.message.split('\n')[0]);
        const pages = path.length > 8 ? `${path.length} pages, the last: ${path.slice(-8).join(' → ')}` : path.join(' → ');
        throw new Error(
          `timed out after ${timeout} ms waiting for the page to settle: ${JSON.stringify(where)}; went through ${pages || 'no other page'}`,
        );
      }
      await page.waitForTimeout(25);
    }
  } finally {
    page.off('framenavigated', went);
  }
  await page.locator(ready).first().waitFor({ state: 'visible', timeout: Math.max(1000, timeout - (Date.now() - started)) });
}

/**
 * Navigate and wait for the page to render `ready` (a CSS selector): on
 * the landing page, its static text; on a lab page, the app in place of
 * the static shell. An old link at the landing page (dist/#lab=…, #v1.…)
 * is forwarded to its lab's page first: this waits for the page it ends
 * on. On failure, the error includes everything the page reported, so a
 * blank page caused by, say, a CSP violation or a wasm panic says why.
 * @returns {Promise<number>} milliseconds from navigation start to `ready` visible
 */
export async function gotoApp(page, issues, url, { ready = 'main h1', timeout = 15_000 } = {}) {
  const started = performance.now();
  try {
    const response = await page.goto(url, { waitUntil: 'load', timeout });
    assert.equal(response?.status(), 200, `GET ${url}`);
    // A lab page carries a static first paint (the lab shell) that the app
    // removes when it renders: wait for the app, not for the static copy
    // of what it will show; and for the page a forwarded link ends on.
    await waitForApp(page, { ready, timeout });
  } catch (err) {
    throw failure(`app did not render "${ready}" at ${url}`, err, issues);
  }
  return Math.round(performance.now() - started);
}

/**
 * Do `action` (a click on a link: a lab card, "← All labs") and wait for
 * the page it opens to render `ready` (see waitForApp).
 * @returns {Promise<number>} milliseconds from the action to `ready` visible
 */
export async function followToApp(page, issues, action, { ready = 'main h1', timeout = 15_000 } = {}) {
  const started = performance.now();
  try {
    await markLeaving(page);
    await action();
    await waitForApp(page, { ready, timeout });
  } catch (err) {
    throw failure(`the page opened did not render "${ready}" (from ${page.url()})`, err, issues);
  }
  return Math.round(performance.now() - started);
}

/** `issues`: what the page reported (an array, or a function returning one). */
function failure(what, err, issues) {
  const list = typeof issues === 'function' ? issues() : issues;
  const reported = list.length ? list.join('\n  ') : '(nothing)';
  return new Error(`${what}: ${err.message.split('\n')[0]}\nthe page reported:\n  ${reported}`, { cause: err });
}

/**
 * Register the suite's before/after hooks: one static server and one
 * browser for every test in the suite, closed at the end. `ready(server,
 * browser)` receives them once they are up.
 */
export function serveAndLaunch(ready, dist = DIST_DIR) {
  let server;
  let browser;
  before(async () => {
    server = await startServer(dist);
    browser = await launchBrowser();
    await ready(server, browser);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
}
