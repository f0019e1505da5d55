// The static first paint (issue 8): index.html carries the landing text and
// a lab shell (written by the native test in src/components/shell.rs), so
// text paints before the WebAssembly arrives. A permalink's first paint is
// the lab shell, never the landing text; the app then replaces the shell
// in one go: no frame shows both or neither, and nothing on screen moves
// (layout shift well under 0.1).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newPage, serveAndLaunch } from './harness.mjs';

const LINK = '#lab=payments&preset=lost-response-no-key&step=5';
const LEAD = 'Break a distributed system on purpose';

/**
 * Open `url` with the wasm request held back: the page shows only what
 * index.html carries. Returns the page and a function that lets the wasm
 * through.
 */
async function openWithoutWasm(browser, url) {
  const p = await newPage(browser, { viewport: { width: 412, height: 823 } });
  let release;
  const held = new Promise((ok) => {
    release = ok;
  });
  let asked = 0;
  await p.page.route('**/*.wasm', async (route) => {
    asked += 1;
    await held;
    await route.continue();
  });
  // Layout shifts from the first paint on (the metric Lighthouse reports),
  // and what each animation frame (just before it paints) holds: the static
  // shell, the app's page (a <main> straight under <body>), both or neither.
  await p.page.addInitScript(() => {
    window.__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
    window.__frames = { total: 0, both: 0, neither: 0 };
    const look = () => {
      if (document.body) {
        const shell = !!document.getElementById('shell');
        const app = !!document.querySelector('body > main');
        window.__frames.total += 1;
        if (shell && app) window.__frames.both += 1;
        if (!shell && !app) window.__frames.neither += 1;
      }
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
  const response = await p.page.goto(url, { waitUntil: 'domcontentloaded' });
  assert.equal(response.status(), 200);
  return { p, release: () => release(), wasmAsked: () => asked };
}

/** No frame painted the static shell and the app's page together, or neither. */
async function assertOneThingPerFrame(p) {
  const frames = await p.page.evaluate(() => window.__frames);
  assert.ok(frames.total > 0, 'frames were observed');
  assert.equal(frames.both, 0, `frames with the static shell and the app both on the page: ${JSON.stringify(frames)}`);
  assert.equal(frames.neither, 0, `frames with neither the static shell nor the app: ${JSON.stringify(frames)}`);
}

describe('first paint', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  test('the shipped HTML carries the landing text and the lab shell', async () => {
    const html = await (await fetch(server.appUrl)).text();
    assert.ok(html.includes(LEAD), "the landing's lead is in index.html");
    assert.match(html, /<h2>Payments: retries and idempotency keys<\/h2>/, 'the Payments card');
    assert.match(html, /<div class="shell-lab">/, 'the lab shell');
    assert.match(html, /<script>\(function\(\)\{var x=location\.hash;if\(!\/\^#/, 'the inline script that picks the shell');
    assert.match(html, /<template id="shell-titles"><span data-lab="payments">Payments: retries and idempotency keys<\/span>/, "the lab titles the shell's heading takes");
  });

  test('without a hash, the landing text paints before the wasm runs', async () => {
    const { p, release, wasmAsked } = await openWithoutWasm(browser, server.appUrl);
    try {
      await p.page.locator('.shell-landing main h1').waitFor({ state: 'visible' });
      assert.ok(await p.page.getByText(LEAD).isVisible(), 'the lead is on screen');
      assert.equal(await p.page.locator('.shell-lab').isVisible(), false, 'no lab shell');
      assert.ok(wasmAsked() >= 1, 'the wasm was requested (and is held back)');
      release();
      await p.page.locator('#shell').waitFor({ state: 'detached' });
      await p.page.locator('body > main.landing button[data-lab="payments"]').waitFor({ state: 'visible' });
      await p.page.waitForTimeout(500);
      await assertOneThingPerFrame(p);
      const cls = await p.page.evaluate(() => window.__cls);
      assert.ok(cls < 0.1, `layout shift ${cls} (under 0.1)`);
      p.assertNoIssues();
    } finally {
      release();
      await p.close();
    }
  });

  test("a full link's first paint names its lab too; a link to no known lab keeps the placeholder", async () => {
    // v1.<base64url of the scenario JSON>.<step>: the lab is read from the JSON.
    const json = JSON.stringify({ v: 1, lab: 'oauth', seed: 1 });
    const full = `#v1.${Buffer.from(json).toString('base64url')}.0`;
    for (const [hash, title] of [
      [full, 'OAuth: delegated access with PKCE and OpenID Connect'],
      ['#lab=nope&preset=x', 'Opening the lab…'],
      ['#v1.!!!.0', 'Opening the lab…'],
    ]) {
      const { p, release } = await openWithoutWasm(browser, server.appUrl + hash);
      try {
        await p.page.locator('.shell-lab main h1').waitFor({ state: 'visible' });
        assert.equal(await p.page.locator('.shell-lab main h1').textContent(), title, hash);
      } finally {
        release();
        await p.close();
      }
    }
  });

  test("a permalink's first paint is the lab shell, never the landing text", async (t) => {
    const { p, release, wasmAsked } = await openWithoutWasm(browser, server.appUrl + LINK);
    try {
      await p.page.locator('.shell-lab main h1').waitFor({ state: 'visible' });
      assert.equal(
        await p.page.locator('.shell-lab main h1').textContent(),
        'Payments: retries and idempotency keys',
        'the first paint names the linked lab (the largest paint is the first)',
      );
      assert.equal(await p.page.locator('html').getAttribute('class'), 'permalink');
      assert.equal(await p.page.getByText(LEAD).isVisible(), false, 'the landing lead is not painted');
      assert.equal(await p.page.locator('.shell-landing').isVisible(), false, 'the landing shell is hidden');
      assert.ok(await p.page.locator('.shell-lab .controls').isVisible(), 'the lab controls are drawn');
      assert.ok(wasmAsked() >= 1, 'the wasm was requested (and is held back)');
      release();
      await p.page.locator('#shell').waitFor({ state: 'detached' });
      await p.page.locator('#play:enabled').waitFor();
      assert.match(await p.page.locator('#step-indicator').innerText(), /^Step 5 \//, 'the linked step');
      // The panels below the diagram come a task later; all of them arrive.
      await p.page.locator('#permalink').waitFor({ state: 'attached' });
      await p.page.waitForTimeout(500);
      await assertOneThingPerFrame(p);
      const cls = await p.page.evaluate(() => window.__cls);
      t.diagnostic(`layout shift from first paint to the whole lab: ${cls.toFixed(4)}`);
      assert.ok(cls < 0.1, `layout shift ${cls} (under 0.1)`);
      p.assertNoIssues();
    } finally {
      release();
      await p.close();
    }
  });

  test('the skip link target (#main) is the landing page, not a permalink', async () => {
    const { p, release } = await openWithoutWasm(browser, `${server.appUrl}#main`);
    try {
      await p.page.getByText(LEAD).waitFor({ state: 'visible' });
      assert.equal(await p.page.locator('.shell-lab').isVisible(), false);
    } finally {
      release();
      await p.close();
    }
  });
});
