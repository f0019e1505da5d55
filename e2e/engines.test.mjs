// One smoke journey, three browser engines: the ones a classroom has.
// Chromebooks run Chromium, Macs and iPads Safari's WebKit, and many schools
// Firefox. The journey is written once against a tiny driver adapter
// (open, js, click, select, problems, close) and runs in:
//   - chromium     Debian's chromium, through playwright-core (harness.mjs)
//   - firefox      Debian's firefox-esr, through puppeteer-core over WebDriver BiDi
//   - webkit       WebKitGTK's MiniBrowser, through Debian's webkit2gtk-driver
//                  (WebKitWebDriver under xvfb-run, plain W3C WebDriver over HTTP)
// scripts/setup.sh installs all three. The journey, as a learner would: open
// the Payments lab from its landing card, play "Response lost, no key" to
// its end, step back once, see the violation, then open a permalink and see
// its preset at its step. Each test fails on any page error, console error,
// failed or non-local request, or HTTP error the engine lets us see.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { test } from 'node:test';
import puppeteer from 'puppeteer-core';
import { DIST_DIR, launchBrowser, newPage, settledInPage } from './harness.mjs';
import { parseIndicator } from './lab-helpers.mjs';
import { serveStatic } from './serve.mjs';

const JOURNEY_TIMEOUT = 60_000;
const WAIT = 20_000;
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function which(cmd, envVar) {
  if (process.env[envVar]) return process.env[envVar];
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${cmd} not found on PATH (run scripts/setup.sh, or set ${envVar})`);
  }
}

/** The static server, one per engine, recording every HTTP error it answers. */
async function serve() {
  assert.ok(existsSync(join(DIST_DIR, 'index.html')), `${DIST_DIR}/index.html is missing: build first`);
  const httpErrors = [];
  const server = await serveStatic({
    root: dirname(DIST_DIR),
    log: (line) => {
      if (/^[45]\d\d /.test(line)) httpErrors.push(`server answered ${line}`);
    },
  });
  return { ...server, httpErrors, appUrl: new URL(`/${basename(DIST_DIR)}/`, server.url).href };
}

// ---------------------------------------------------------------------------
// Drivers. Each: open(url), js(fn, ...args) -> JSON value, click(css),
// select(css, value), problems() -> string[], close().

/** Chromium through playwright-core, instrumented by harness.mjs newPage. */
async function chromiumDriver() {
  const browser = await launchBrowser();
  try {
    const p = await newPage(browser);
    return {
      version: `Chromium ${browser.version()}`,
      open: async (url) => void (await p.page.goto(url, { waitUntil: 'load', timeout: WAIT })),
      // An expression, not eval in the page: the app's CSP forbids eval.
      js: (fn, ...args) => p.page.evaluate(`(${fn})(...${JSON.stringify(args)})`),
      click: (css) => p.page.click(css, { timeout: WAIT }),
      select: async (css, value) => void (await p.page.selectOption(css, value, { timeout: WAIT })),
      problems: async () => [...p.issues],
      close: () => browser.close(),
    };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/** firefox-esr through puppeteer-core over WebDriver BiDi (no download: Debian's binary). */
async function firefoxDriver() {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: which('firefox-esr', 'FIREFOX'),
    headless: true,
    protocol: 'webDriverBiDi',
    defaultViewport: { width: 1280, height: 720 },
    timeout: 60_000,
  });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(WAIT);
    const issues = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') issues.push(`console.error: ${msg.text()}`);
    });
    page.on('pageerror', (err) => issues.push(`page error: ${err?.stack ?? err?.message ?? err}`));
    page.on('request', (req) => {
      const url = new URL(req.url());
      if (['data:', 'blob:', 'about:'].includes(url.protocol)) return;
      if (!LOCAL_HOSTS.has(url.hostname)) issues.push(`non-local request: ${req.method()} ${req.url()}`);
    });
    page.on('requestfailed', (req) => issues.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
    page.on('response', (res) => {
      if (res.status() >= 400) issues.push(`HTTP ${res.status()}: ${res.url()}`);
    });
    return {
      version: `Firefox ${(await browser.version()).replace(/^firefox\//, '')}`,
      open: async (url) => void (await page.goto(url, { waitUntil: 'load' })),
      js: (fn, ...args) => page.evaluate(fn, ...args),
      click: (css) => page.click(css),
      select: async (css, value) => void (await page.select(css, value)),
      problems: async () => [...issues],
      close: () => browser.close(),
    };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/**
 * Stop xvfb-run and everything under it. SIGTERM goes to its command (the
 * driver) first, so that xvfb-run itself stops Xvfb and removes its temporary
 * directory; whatever is left of the process group is killed after that.
 */
async function stopXvfbRun(child) {
  const exited = child.exitCode !== null || child.signalCode !== null;
  if (!exited) {
    const gone = new Promise((ok) => child.once('exit', ok));
    let kids = [];
    try {
      kids = execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
    } catch {}
    for (const pid of kids) {
      try {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'Xvfb') process.kill(Number(pid), 'SIGTERM');
      } catch {}
    }
    const timer = new Promise((ok) => setTimeout(ok, 5_000, 'timeout'));
    if ((await Promise.race([gone, timer])) === 'timeout') {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
      await Promise.race([gone, new Promise((ok) => setTimeout(ok, 2_000))]);
    }
  }
  try {
    process.kill(-child.pid, 'SIGKILL'); // stragglers of the group, if any
  } catch {}
}

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/**
 * Installed in the page after every navigation: WebKitWebDriver speaks no
 * BiDi and MiniBrowser under automation does not print console messages, so
 * the page records its own errors. What happened before it was installed
 * (during the first parse) is not seen here; the journey's own checks (the
 * app rendered, no panic panel) and the server's HTTP log cover that time.
 */
function installCollector() {
  if (window.__engineProblems) return;
  const problems = (window.__engineProblems = []);
  addEventListener(
    'error',
    (e) => {
      if (e.target && e.target !== window) {
        problems.push(`resource failed: <${e.target.localName}> ${e.target.src ?? e.target.href ?? ''}`);
      } else {
        problems.push(`page error: ${e.message}${/^\w+:/.test(e.filename) ? ` (${e.filename}:${e.lineno})` : ''}`);
      }
    },
    true,
  );
  addEventListener('unhandledrejection', (e) => problems.push(`unhandled rejection: ${e.reason?.message ?? e.reason}`));
  const original = console.error;
  console.error = function (...args) {
    problems.push(`console.error: ${args.map(String).join(' ')}`);
    return original.apply(this, args);
  };
  for (const entry of performance.getEntriesByType('resource')) {
    if (entry.responseStatus >= 400) problems.push(`HTTP ${entry.responseStatus}: ${entry.name}`);
  }
}

/** Debian's MiniBrowser: /usr/lib/<multiarch triplet>/webkit2gtk-4.1/MiniBrowser. */
function findMiniBrowser() {
  for (const triplet of readdirSync('/usr/lib')) {
    const path = `/usr/lib/${triplet}/webkit2gtk-4.1/MiniBrowser`;
    if (existsSync(path)) return path;
  }
  throw new Error('MiniBrowser not found in /usr/lib/*/webkit2gtk-4.1/ (run scripts/setup.sh, or set MINIBROWSER)');
}

/** WebKit (MiniBrowser) through WebKitWebDriver, plain W3C WebDriver over HTTP. */
async function webkitDriver() {
  const driverBin = which('WebKitWebDriver', 'WEBKIT_WEBDRIVER');
  const xvfbRun = which('xvfb-run', 'XVFB_RUN');
  const miniBrowser = process.env.MINIBROWSER ?? findMiniBrowser();
  const port = await freePort();
  const child = spawn(xvfbRun, ['-a', driverBin, `--port=${port}`], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const base = `http://127.0.0.1:${port}`;
  let sessionId;
  const call = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(WAIT + 10_000),
    });
    const json = await res.json();
    if (!res.ok || json.value?.error) {
      throw new Error(`WebDriver ${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
    }
    return json.value;
  };
  const s = (path) => `/session/${sessionId}${path}`;
  const problems = [];
  const execute = (script, args = []) => call('POST', s('/execute/sync'), { script, args });
  const harvest = async () => {
    const found = await execute('return window.__engineProblems ? window.__engineProblems.splice(0) : null');
    if (found) problems.push(...found);
  };
  const close = async () => {
    try {
      if (sessionId) await call('DELETE', s(''));
    } catch {}
    await stopXvfbRun(child);
  };

  try {
    const started = Date.now();
    for (;;) {
      try {
        if ((await call('GET', '/status')).ready) break;
      } catch {}
      if (child.exitCode !== null || Date.now() - started > WAIT) {
        throw new Error(`WebKitWebDriver did not come up on port ${port}:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const session = await call('POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'MiniBrowser',
          'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation'] },
        },
      },
    });
    sessionId = session.sessionId;
    await call('POST', s('/timeouts'), { pageLoad: WAIT, script: WAIT });
    await call('POST', s('/window/rect'), { width: 1280, height: 720 }).catch(() => {});
    const collect = `(${installCollector.toString()})()`;
    return {
      version: `WebKitGTK ${session.capabilities.browserVersion} (${session.capabilities.browserName})`,
      open: async (url) => {
        await harvest().catch(() => {});
        await call('POST', s('/url'), { url });
        await execute(collect);
      },
      // A link followed: keep what the page being left recorded, then
      // record on the page it opened.
      leaving: () => harvest(),
      arrived: () => execute(collect),
      js: (fn, ...args) => execute(`return (${fn.toString()}).apply(null, arguments)`, args),
      click: async (css) => {
        const el = await call('POST', s('/element'), { using: 'css selector', value: css });
        await call('POST', s(`/element/${el[ELEMENT]}/click`), {});
      },
      select: async (css, value) => {
        const el = await call('POST', s('/element'), {
          using: 'css selector',
          value: `${css} option[value="${value}"]`,
        });
        await call('POST', s(`/element/${el[ELEMENT]}/click`), {});
      },
      problems: async () => {
        await harvest();
        return [...problems];
      },
      close,
    };
  } catch (err) {
    await close();
    throw new Error(`${err.message}\nWebKitWebDriver said:\n${output}`, { cause: err });
  }
}

// ---------------------------------------------------------------------------
// The journey, written once.

/** Where the page is, for error messages. */
function pageState() {
  const text = (css) => document.querySelector(css)?.textContent?.trim() ?? '(none)';
  const active = document.querySelector('button.preset[aria-pressed="true"]')?.dataset.preset ?? '(none)';
  return `${location.href.slice(0, 100)} | indicator "${text('#step-indicator')}" | active preset ${active} | message "${text('#message')}"`;
}

/** Poll `fn` (run in the page) until it returns a truthy value. */
async function waitInPage(d, what, fn, ...args) {
  const started = Date.now();
  let last;
  for (;;) {
    last = await d.js(fn, ...args);
    if (last) return last;
    if (Date.now() - started > WAIT) {
      const problems = await d.problems().catch(() => []);
      const where = await d.js(pageState).catch((e) => `(unreadable: ${e.message})`);
      throw new Error(
        `timed out after ${WAIT} ms waiting for ${what}; the page is at ${where}; it reported:\n  ` +
          (problems.join('\n  ') || '(nothing)'),
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Wait until `css` matches an element that is rendered (has a box). */
function waitVisible(d, css) {
  return waitInPage(
    d,
    `"${css}" to be visible`,
    (sel) => {
      const el = document.querySelector(sel);
      return !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    },
    css,
  );
}

/** The step indicator, "Step 14 / 16 · 1.674 s", parsed by the lab tests' own parser. */
async function indicator(d) {
  return parseIndicator(await d.js(() => document.querySelector('#step-indicator')?.textContent ?? ''));
}

async function waitIndicator(d, what, predicate) {
  const started = Date.now();
  for (;;) {
    const text = await d.js(() => document.querySelector('#step-indicator')?.textContent ?? '');
    const ind = /^Step \d+/.test(text.trim()) ? parseIndicator(text) : null;
    if (ind && predicate(ind)) return ind;
    if (Date.now() - started > WAIT) {
      throw new Error(`timed out waiting for ${what}; the page is at ${await d.js(pageState).catch(() => '?')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const activePreset = (d) =>
  d.js(() => [...document.querySelectorAll('button.preset[aria-pressed="true"]')].map((b) => b.dataset.preset));

/**
 * Wait until the page has settled: the static landing page, or a lab page
 * whose app has replaced its static shell (an old link at the landing page
 * goes on to its lab's page first). A navigation may replace the page
 * between two looks: a look that fails is taken again.
 */
async function waitSettled(d, what) {
  const started = Date.now();
  while (!(await d.js(settledInPage).catch(() => false))) {
    if (Date.now() - started > WAIT) {
      const where = await d.js(pageState).catch((e) => `(unreadable: ${e.message})`);
      throw new Error(`timed out after ${WAIT} ms waiting for ${what}; the page is at ${where}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await d.arrived?.();
}

/** Open a page of the app and wait until it has settled (see waitSettled). */
async function openApp(d, url) {
  await d.open(url);
  await waitSettled(d, `${url.slice(0, 80)} to open (the app in place of the static shell)`);
}

/** Follow the link `css` (a lab card) and wait until the page it opens has settled. */
async function followLink(d, css) {
  await d.leaving?.();
  await d.js(() => {
    window.__faultlineLeaving = true;
  });
  await d.click(css);
  await waitSettled(d, `the page "${css}" links to`);
}

/** What a learner does, in any engine. Returns the milliseconds it took. */

async function journey(d, appUrl) {
  const started = performance.now();

  // The landing page, then the Payments lab from its card (a link to the lab's page).
  await openApp(d, appUrl);
  const card = 'a[aria-label^="Open the lab: "][data-lab="payments"]';
  await waitVisible(d, card);
  await followLink(d, card);
  assert.match(await d.js(() => location.pathname), /\/payments\/$/, "on the Payments lab's page");
  await waitVisible(d, '#play:enabled');
  assert.deepEqual(await activePreset(d), ['lost-response-no-key'], 'the lab opens on "Response lost, no key"');
  const start = await indicator(d);
  assert.equal(start.step, 0, 'paused at step 0');
  assert.equal(await d.js(() => !!document.querySelector('#violation-banner')), false, 'no violation yet');

  // Play it to its end (at 4×, as an impatient learner would).
  await d.select('#speed', '4');
  await d.click('#play');
  const end = await waitIndicator(d, 'playback to reach the last step', (i) => i.step === i.last);
  await waitVisible(d, '#play[aria-label="Play"]');
  assert.equal(end.last, 16, 'the preset has 16 steps');

  // One step back: the customer is still charged twice.
  await d.click('#step-back');
  await waitIndicator(d, `step ${end.last - 1}`, (i) => i.step === end.last - 1);
  await waitVisible(d, '#violation-banner');
  const banner = await d.js(() => document.querySelector('#violation-banner').textContent);
  assert.match(banner, /charged twice/, 'the violation banner says what went wrong');

  // A permalink to another preset, opened fresh as a shared link is: an
  // old one, at the root, that the landing page forwards to the lab's page.
  await d.open('about:blank');
  await openApp(d, `${appUrl}#lab=payments&preset=lost-response-with-key&step=3`);
  await waitVisible(d, '#play:enabled');
  await waitInPage(d, 'the linked preset to be active', () =>
    !!document.querySelector('button.preset[aria-pressed="true"][data-preset="lost-response-with-key"]'),
  );
  assert.deepEqual(await activePreset(d), ['lost-response-with-key'], 'the linked preset is the active one');
  await waitIndicator(d, 'step 3', (i) => i.step === 3);
  assert.equal((await indicator(d)).step, 3, 'the link opens at its step');
  assert.match(await d.js(() => location.pathname), /\/payments\/$/, "on the Payments lab's page");

  // A step of the guided lesson, from its link: the lessons file is
  // fetched, the question asked; the answer plays the run on to the verdict.
  await d.open('about:blank');
  await openApp(d, `${appUrl}#lab=payments&lesson=retries&ls=2`);
  await waitVisible(d, '#lesson-predict [data-act="choice:0"]');
  assert.match(await d.js(() => document.querySelector('#lesson-h').textContent), /A timeout is not a no/, 'the lesson step on screen');
  await d.click('#lesson-predict [data-act="choice:0"]');
  await waitVisible(d, '#lesson-verdict .result');
  assert.match(await d.js(() => document.querySelector('#lesson-verdict').textContent), /^Right\./, 'the verdict, scored against the run');

  // Nothing went wrong on the way: let late errors land, then look.
  await d.js(() => new Promise((r) => requestAnimationFrame(() => setTimeout(() => r(true), 100))));
  assert.equal(await d.js(() => document.querySelector('#panic-panel')?.textContent ?? null), null, 'no panic');
  return Math.round(performance.now() - started);
}

const ENGINES = [
  ['chromium (playwright-core)', chromiumDriver],
  ['firefox-esr (puppeteer-core, WebDriver BiDi)', firefoxDriver],
  ['webkit (WebKitWebDriver, MiniBrowser)', webkitDriver],
];

for (const [name, makeDriver] of ENGINES) {
  test(`smoke journey in ${name}`, { timeout: JOURNEY_TIMEOUT + 60_000 }, async (t) => {
    const server = await serve();
    const launched = performance.now();
    let d;
    try {
      d = await makeDriver();
      const launchMs = Math.round(performance.now() - launched);
      const ms = await journey(d, server.appUrl);
      t.diagnostic(`${d.version}: launch ${launchMs} ms, journey ${ms} ms`);
      const problems = [...(await d.problems()), ...server.httpErrors];
      assert.deepEqual(problems, [], `${name} reported problems:\n  ${problems.join('\n  ')}`);
      assert.ok(ms < JOURNEY_TIMEOUT, `the journey took ${ms} ms (budget ${JOURNEY_TIMEOUT} ms)`);
    } finally {
      const closing = performance.now();
      await d?.close();
      await server.close();
      t.diagnostic(`closed in ${Math.round(performance.now() - closing)} ms`);
    }
  });
}
