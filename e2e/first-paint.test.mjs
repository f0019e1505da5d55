// The static first paint (issue 8): the landing page (dist/index.html) is
// static HTML, every lab card a link, no wasm; each lab's page
// (dist/<lab>/index.html) carries a static shell of its lab (its title, its
// preset chips as links, the controls) written by the native test in
// src/components/pages.rs, so text paints before the WebAssembly arrives.
// A permalink's first paint is its lab's shell, never the landing text
// (an old link at the root is forwarded before anything paints); the app
// then replaces the shell in one go: no frame shows both or neither, and
// nothing on screen moves (layout shift well under 0.1). What a learner
// does before the app starts (a card, a preset chip, Play) is not lost.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { labUrl, newPage, serveAndLaunch } from './harness.mjs';
import { indicator, waitForIndicator, waitUntil } from './lab-helpers.mjs';

const LINK = '#lab=payments&preset=lost-response-no-key&step=5';
const LEAD = 'Break a distributed system on purpose';
const TITLES = {
  payments: 'Payments: retries and idempotency keys',
  oauth: 'OAuth: delegated access with PKCE and OpenID Connect',
  sagas: 'Sagas: compensations, the outbox and two-phase commit',
};

/**
 * Open `url` with the wasm request held back: a lab's page shows only what
 * its index.html carries. Returns the page and a function that lets the
 * wasm through.
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
  // Frames that hold the landing page's lead are counted across pages (in
  // sessionStorage): a link forwarded from the landing page must not flash it.
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
        const lead = document.querySelector('main.landing .lead');
        if (lead && lead.getClientRects().length) {
          sessionStorage.setItem('landingFrames', String(Number(sessionStorage.getItem('landingFrames') ?? 0) + 1));
        }
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

/** How many frames painted the landing page's lead, on any page of this tab. */
const landingFrames = (p) => p.page.evaluate(() => Number(sessionStorage.getItem('landingFrames') ?? 0));

/** Every `<a …>` start tag of `html` with attribute `attr`, as a map of its attributes. */
function linksWith(html, attr) {
  return [...html.matchAll(/<a\s([^>]*)>/g)]
    .map((m) => Object.fromEntries([...m[1].matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])))
    .filter((a) => attr in a);
}

describe('first paint', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  test('the landing page is static HTML: its text, every lab card a link, no wasm', async () => {
    const html = await (await fetch(server.appUrl)).text();
    assert.ok(html.includes(LEAD), "the landing's lead is in index.html");
    assert.doesNotMatch(html, /<script[^>]*\ssrc=/, 'no script file');
    assert.doesNotMatch(html, /\.wasm|modulepreload/, 'no wasm');
    assert.doesNotMatch(html, /id="shell"/, 'no lab shell');
    const cards = linksWith(html, 'data-lab');
    assert.deepEqual(cards.map((a) => a['data-lab']), Object.keys(TITLES), 'a card for each lab');
    for (const a of cards) {
      const lab = a['data-lab'];
      assert.equal(a.href, `${lab}/`, `${lab}: the card is a link to the lab's page`);
      assert.equal(a['aria-label'], `Open the lab: ${TITLES[lab]}`, `${lab}: the link names its lab`);
      assert.match(html, new RegExp(`<h2>${TITLES[lab]}</h2>`), `${lab}: the card's heading`);
    }
    assert.match(html, /<p id="no-lab"[^>]*hidden/, 'the notice for a link to no known lab, hidden');
    assert.match(html, /<script>\(function\(\)\{var P=\["payments","oauth","sagas"\]/, 'the inline script that forwards old links');
  });

  test("each lab's page carries its title and its preset chips as links", async () => {
    const landing = await (await fetch(server.appUrl)).text();
    for (const [lab, title] of Object.entries(TITLES)) {
      const html = await (await fetch(labUrl(server, lab))).text();
      assert.match(html, /<div id="shell">/, `${lab}: the lab shell`);
      assert.match(html, new RegExp(`<h1>${title}</h1>`), `${lab}: its title in <h1>`);
      assert.match(html, new RegExp(`<title>${title} · Faultline</title>`), `${lab}: its title in <title>`);
      assert.match(html, /<a [^>]*href="\.\.\/"[^>]*>← All labs<\/a>/, `${lab}: the way back to the landing page`);
      assert.match(html, /<button id="play"(?![^>]*disabled)[^>]*>/, `${lab}: Play, enabled`);
      const chips = linksWith(html, 'data-preset');
      const count = Number(new RegExp(`${title}</h2><p>[^<]*</p><p class="hint">(\\d+) prepared scenarios`).exec(landing)?.[1]);
      // The first ten (no row holds more, even on a projector; the app
      // draws its own row and menu), without their explanations, which the
      // app's chips carry: 2-3 KB gzipped of the page's first load.
      assert.ok(count > 0, `${lab}: its card counts its scenarios`);
      assert.equal(chips.length, Math.min(10, count), `${lab}: a chip for each of its first ${Math.min(10, count)} scenarios`);
      for (const a of chips) {
        assert.equal(a.href, `#lab=${lab}&amp;preset=${a['data-preset']}`, `${lab}: the chip ${a['data-preset']} links to its preset`);
        assert.match(a.class, /\bpreset\b/);
      }
      assert.doesNotMatch(html, new RegExp(Object.values(TITLES).filter((t) => t !== title).join('|')), `${lab}: no other lab's title`);
    }
  });

  test("without a hash, a lab's title paints before the wasm runs, then the app takes over in one go", async () => {
    const { p, release, wasmAsked } = await openWithoutWasm(browser, labUrl(server, 'payments'));
    try {
      await p.page.locator('#shell main h1').waitFor({ state: 'visible' });
      assert.equal(await p.page.locator('#shell main h1').textContent(), TITLES.payments);
      assert.ok(await p.page.locator('#shell .controls').isVisible(), 'the lab controls are drawn');
      await waitUntil(() => wasmAsked() >= 1, { what: 'the wasm to be requested (it is held back)' });
      release();
      await p.page.locator('#shell').waitFor({ state: 'detached' });
      await p.page.locator('body > main.lab #play:enabled').waitFor({ state: 'visible' });
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

  test("an old link's first paint names its lab; a link to no known lab stays on the landing page", async () => {
    // v1.<base64url of the scenario JSON>.<step>: the lab is read from the JSON.
    const json = JSON.stringify({ v: 1, lab: 'oauth', seed: 1 });
    const full = `#v1.${Buffer.from(json).toString('base64url')}.0`;
    for (const [hash, lab] of [
      [full, 'oauth'],
      ['#lab=sagas&preset=x', 'sagas'],
      ['#v1.!!!.0', 'payments'], // unreadable: the first lab's page, which says so
    ]) {
      const { p, release } = await openWithoutWasm(browser, server.appUrl + hash);
      try {
        await p.page.locator('#shell main h1').waitFor({ state: 'visible' });
        assert.equal(new URL(p.page.url()).pathname, `${server.appPath}${lab}/`, `${hash}: on the ${lab} page`);
        assert.equal(await p.page.locator('#shell main h1').textContent(), TITLES[lab], hash);
        assert.equal(await landingFrames(p), 0, `${hash}: the landing page was never painted`);
      } finally {
        release();
        await p.close();
      }
    }
    const { p, release, wasmAsked } = await openWithoutWasm(browser, `${server.appUrl}#lab=nope&preset=x`);
    try {
      await p.page.locator('#no-lab').waitFor({ state: 'visible' });
      assert.match(await p.page.locator('#no-lab').textContent(), /does not exist here.*nope/);
      assert.ok(await p.page.getByText(LEAD).isVisible(), 'the landing text, with its cards');
      assert.equal(wasmAsked(), 0, 'no wasm');
    } finally {
      release();
      await p.close();
    }
  });

  test("a permalink's first paint is the lab shell, never the landing text", async (t) => {
    // Opened at the root, as links were shared before each lab had a page.
    const { p, release, wasmAsked } = await openWithoutWasm(browser, server.appUrl + LINK);
    try {
      await p.page.locator('#shell main h1').waitFor({ state: 'visible' });
      assert.equal(
        await p.page.locator('#shell main h1').textContent(),
        TITLES.payments,
        'the first paint names the linked lab (the largest paint is the first)',
      );
      assert.equal(await p.page.getByText(LEAD).count(), 0, 'the landing lead is not on the page');
      assert.equal(await landingFrames(p), 0, 'the landing page was never painted');
      assert.ok(await p.page.locator('#shell .controls').isVisible(), 'the lab controls are drawn');
      await waitUntil(() => wasmAsked() >= 1, { what: 'the wasm to be requested (it is held back)' });
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

  test('with the wasm held back, a click on a lab card, a preset chip and Play is honoured once the app starts', async () => {
    const { p, release, wasmAsked } = await openWithoutWasm(browser, server.appUrl);
    const { page } = p;
    try {
      // The landing page needs no wasm: its card is a plain link.
      await page.locator('a[data-lab="payments"]').waitFor({ state: 'visible' });
      await page.click('a[data-lab="payments"]');
      await page.locator('#shell main h1').waitFor({ state: 'visible' });
      assert.equal(new URL(page.url()).pathname, `${server.appPath}payments/`);
      await waitUntil(() => wasmAsked() >= 1, { what: 'the wasm to be requested (it is held back)' });

      // A chip of the shell: the third, as the second is the lab's default
      // scenario, which the app would show anyway.
      const chip = page.locator('#shell a.preset').nth(2);
      const id = await chip.getAttribute('data-preset');
      assert.notEqual(id, 'lost-response-no-key', 'a scenario other than the default');
      await chip.click();
      await page.waitForFunction((want) => location.hash === want, `#lab=payments&preset=${id}`);
      // Play, in the shell: the app is not there yet.
      await page.click('#shell #play');
      assert.ok(await page.locator('#shell').isVisible(), 'still the static shell');

      release();
      await page.locator('#shell').waitFor({ state: 'detached' });
      // The app opened the chip's scenario…
      // (On this narrow screen the chip may sit in the "More scenarios" menu.)
      const active = page.locator('button.preset[aria-pressed="true"]');
      await active.waitFor({ state: 'attached' });
      assert.equal(await active.getAttribute('data-preset'), id, 'the scenario of the chip clicked');
      assert.match(await active.getAttribute('class'), /\bactive\b/);
      assert.equal(await page.locator('button.preset[aria-pressed="true"]').count(), 1, 'one active chip');
      // (The shell's chips carry no explanation; the app's chip does.)
      assert.equal((await page.locator('#scenario-explanation').textContent()).trim(), await active.getAttribute('title'), 'with its explanation');
      // …and plays it: the button offers Pause, the step moves on.
      await page.locator('#play[aria-label="Pause"]').waitFor();
      await waitForIndicator(page, (i) => i.step >= 2, { what: 'playback from the tap on Play' });
      assert.ok((await indicator(page)).last > 2);
      p.assertNoIssues();
    } finally {
      release();
      await p.close();
    }
  });

  test('the skip link target (#main) is the landing page, not a permalink', async () => {
    const { p, release, wasmAsked } = await openWithoutWasm(browser, `${server.appUrl}#main`);
    try {
      await p.page.getByText(LEAD).waitFor({ state: 'visible' });
      assert.equal(new URL(p.page.url()).pathname, server.appPath, 'still on the landing page');
      assert.equal(await p.page.locator('#no-lab').isVisible(), false, 'no notice');
      assert.equal(wasmAsked(), 0, 'no lab was opened');
    } finally {
      release();
      await p.close();
    }
  });
});
