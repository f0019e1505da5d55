// The seed and chance panel, the message inspector, invariants that do not
// apply, and the storm's load chart: what a learner sees when using them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { labUrl, newPage, serveAndLaunch } from './harness.mjs';
import { choosePreset, indicator, linkNow, linkStep, openLab, openLink, seek, waitUntil, withPage } from './lab-helpers.mjs';

describe('seed, chance, inspector, not-checked invariants, load chart', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  test('another seed replays the scenario differently, and the link carries it', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLab(p, server);
      await choosePreset(page, 'retry-storm-jitter');
      const before = (await indicator(page)).last;
      const urlBefore = await linkNow(page);
      await page.click('#next-seed');
      await waitUntil(async () => (await page.locator('#seed').inputValue()) === '8', { what: 'seed 8' });
      await waitUntil(async () => page.url() !== urlBefore, { what: 'permalink updated' });
      const after = (await indicator(page)).last;
      assert.notEqual(after, before, 'a different seed gives a different run of the storm');
      assert.match(await page.locator('.share .hint').textContent(), /^Seed 8 /);
      assert.equal(await page.locator('button.preset.active').count(), 0, 'no preset is marked active any more');
    });
  });

  test('random loss makes messages get lost without any scripted fault', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLab(p, server);
      await choosePreset(page, 'happy-path');
      await page.fill('#rnd-drop', '40');
      await page.press('#rnd-drop', 'Enter');
      await page.locator('#rnd-drop').blur();
      await seek(page, (await indicator(page)).last);
      await waitUntil(async () => (await page.locator('g.flight.dropped').count()) > 0, { what: 'a lost message' });
      assert.equal(await page.locator('#fault-plan li').count(), 0, 'no scripted fault was added');
      // A bad percentage is refused with a message and the value restored.
      await page.fill('#rnd-dup', '75');
      await page.locator('#rnd-dup').blur();
      await waitUntil(async () => (await page.locator('#message').count()) > 0, { what: 'error message' });
      assert.match(await page.locator('#message').textContent(), /percentage from 0 to 50/);
      assert.equal(await page.locator('#rnd-dup').inputValue(), '0');
    });
  });

  test('the inspector shows the raw replayed response with its header', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLab(p, server);
      await choosePreset(page, 'lost-response-with-key');
      await seek(page, (await indicator(page)).last);
      const text = await page.locator('#message-text').textContent();
      assert.match(text, /^HTTP\/1\.1 200 OK/);
      assert.match(text, /Idempotent-Replayed: true/);
      assert.ok(linkStep(await linkNow(page)) > 0);
    });
  });

  test('an invariant that does not apply says so instead of showing a green check', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLab(p, server);
      await choosePreset(page, 'lost-response-no-key');
      const item = page.locator('li[data-invariant="charge-iff-completed"]');
      assert.match(await item.getAttribute('class'), /skipped/);
      assert.match(await item.textContent(), /not checked: the client sends no idempotency key/);
      assert.match(
        await page.locator('li[data-invariant="one-charge-per-key"]').textContent(),
        /not checked: the client sends no idempotency key/,
      );
    });
  });

  test('the storm shows a load chart, and the diagram follows the acting lane', async () => {
    // On a phone the storm's load chart, and its diagram fitted to the
    // screen (its narrow lanes: phone.test.mjs).
    await withPage(browser, { viewport: { width: 360, height: 800 } }, async (p) => {
      const { page } = p;
      await openLab(p, server);
      await choosePreset(page, 'retry-storm');
      await seek(page, 40);
      assert.match(await page.locator('.load-chart figcaption').textContent(), /Requests reaching Payment API per 100 ms/);
      const g = await page.evaluate(() => {
        const el = document.getElementById('diagram-scroll');
        return { width: el.clientWidth, scrollWidth: el.scrollWidth };
      });
      assert.ok(g.scrollWidth <= g.width + 1, `on a phone the diagram fits its box: ${JSON.stringify(g)}`);
    });
    // More lanes than the normal view fits (the six of the Sagas lab's
    // orchestrated happy path), on a screen wider than a phone's: the
    // diagram is wider than its box, and
    // stepping through the work at the end (lanes far to the right)
    // scrolls it sideways to show them.
    await withPage(browser, { viewport: { width: 800, height: 800 } }, async (p) => {
      const { page } = p;
      await openLink(p, labUrl(server, 'sagas', 'lab=sagas&preset=happy-path'));
      const geometry = () =>
        page.evaluate(() => {
          const el = document.getElementById('diagram-scroll');
          return { left: el.scrollLeft, width: el.clientWidth, scrollWidth: el.scrollWidth };
        });
      const g = await geometry();
      assert.ok(g.scrollWidth > g.width, `six lanes are wider than the box: ${JSON.stringify(g)}`);
      let furthest = 0;
      const { last } = await indicator(page);
      for (let n = Math.max(0, last - 15); n <= last; n += 1) {
        await seek(page, n);
        furthest = Math.max(furthest, (await geometry()).left);
      }
      assert.ok(furthest > 0, 'the diagram scrolled to a lane that was out of view');
    });
  });

  test('a panic shows the error panel with the link that reproduces it, never a blank page', async () => {
    const p = await newPage(browser);
    try {
      // No link can make the release page panic: the test calls a function
      // the wasm exports for this purpose only (src/panic.rs).
      await p.goto(labUrl(server, 'payments', 'lab=payments&preset=happy-path&step=2'), { ready: '#play' });
      await waitUntil(() => p.page.url().includes('#v1.'), { what: 'the full link in the address bar' });
      const here = p.page.url();
      const thrown = await p.page.evaluate(() => {
        try {
          window.wasmBindings.faultlineSelfTestPanic();
          return 'no panic';
        } catch (e) {
          return String(e);
        }
      });
      assert.match(thrown, /unreachable|RuntimeError/, 'the panic aborts the call');
      const panel = p.page.locator('#panic-panel');
      await panel.waitFor();
      assert.equal(await panel.getAttribute('role'), 'alert');
      assert.match(await panel.textContent(), /Something went wrong inside Faultline/);
      assert.equal(await panel.locator('a').getAttribute('href'), here, 'the link that reproduces the run');
      // The old self-test link is now just a malformed link: a message, no panic.
      const q = await newPage(browser);
      try {
        await q.goto(`${server.appUrl}#selftest-panic`, { ready: '#play' });
        assert.match(await q.page.locator('#message').textContent(), /could not be opened/);
        assert.equal(await q.page.locator('#panic-panel').count(), 0);
      } finally {
        await q.close();
      }
      // The only problem reported is the panic itself, logged once.
      assert.ok(p.issues.length >= 1 && p.issues.every((i) => /Faultline crashed|panicked|unreachable/.test(i)), p.issues.join('\n'));
    } finally {
      await p.close();
    }
  });

  test('interview practice: write an answer, reveal the strong one, watch the mistake', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLab(p, server);
      await choosePreset(page, 'happy-path');
      await page.fill('#iv-answer', 'Retry until it works.');
      // Typing in the answer box must not trigger shortcuts (k, j, l, space).
      assert.equal((await indicator(page)).step, 0);
      assert.equal(await page.locator('#iv-strong').count(), 0, 'the answer waits until asked for');
      await page.click('#iv-reveal');
      assert.match(await page.locator('#iv-strong').textContent(), /idempotency key/);
      await page.click('#iv-see-mistake');
      await page.locator('button[data-preset="lost-response-no-key"].active').waitFor();
      assert.equal(await page.locator('#iv-answer').inputValue(), 'Retry until it works.', 'the learner\'s answer is kept');
    });
  });
});
