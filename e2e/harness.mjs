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
 */
export async function newPage(browser, { viewport = { width: 1280, height: 720 }, ...contextOptions } = {}) {
  const context = await browser.newContext({ viewport, ...contextOptions });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const issues = [];
  const requests = [];

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
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.protocol === 'about:') return;
    if (!LOCAL_HOSTS.has(url.hostname) && !LOCAL_HOSTS.has(`[${url.hostname}]`)) {
      issues.push(`non-local request: ${req.method()} ${req.url()}`);
    }
  });
  page.on('requestfailed', (req) => issues.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on('response', (res) => {
    if (res.status() >= 400) issues.push(`HTTP ${res.status()}: ${res.url()}`);
  });

  return {
    page,
    context,
    issues,
    requests,
    /** Navigate to `url` and wait until `ready` is visible (see gotoApp). */
    goto: (url, opts) => gotoApp(page, issues, url, opts),
    /** Fail the test if anything was recorded. */
    assertNoIssues: () => assertNoIssues(issues),
    close: () => context.close(),
  };
}

/** Assert that no console error, page error, failed or non-local request was recorded. */
export function assertNoIssues(issues) {
  assert.deepEqual(issues, [], `page reported problems:\n  ${issues.join('\n  ')}`);
}

/**
 * Navigate and wait for the app to render `ready` (a CSS selector) in place
 * of the static shell. On
 * failure, the error includes everything the page reported, so a blank page
 * caused by, say, a CSP violation or a wasm panic says why.
 * @returns {Promise<number>} milliseconds from navigation start to `ready` visible
 */
export async function gotoApp(page, issues, url, { ready = 'main h1', timeout = 15_000 } = {}) {
  const started = performance.now();
  try {
    const response = await page.goto(url, { waitUntil: 'load', timeout });
    assert.equal(response?.status(), 200, `GET ${url}`);
    // index.html carries a static first paint (the landing text or the lab
    // shell) that the app removes when it renders: wait for the app, not
    // for the static copy of what it will show.
    await page.locator('#shell').waitFor({ state: 'detached', timeout });
    await page.locator(ready).first().waitFor({ state: 'visible', timeout });
  } catch (err) {
    const reported = issues.length ? issues.join('\n  ') : '(nothing)';
    throw new Error(
      `app did not render "${ready}" at ${url}: ${err.message.split('\n')[0]}\n` +
        `the page reported:\n  ${reported}`,
      { cause: err },
    );
  }
  return Math.round(performance.now() - started);
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
