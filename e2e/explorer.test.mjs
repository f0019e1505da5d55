// The explorer runs in each lab page's helper worker (its own wasm, built
// for speed, fetched on first use) and finds there what it finds natively:
// the digest of each search recorded in
// crates/faultline-sim/tests/search_golden.json (smallest counterexamples,
// their plans and steps, and the counts of schedules, states and merges)
// comes back the same from the browser's wasm. It prints the browser's
// timings (the issue's budgets) and the main thread's long tasks meanwhile.
// These ask the worker as the page's `src/helper.rs` does (one text
// request; progress lines, then one reply). The second part clicks the
// explorer's panel on each lab's page as a learner would.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { labUrl, serveAndLaunch } from './harness.mjs';
import { indicator, linkStep, messageText, openLink, waitUntil, withPage } from './lab-helpers.mjs';

const GOLDEN = JSON.parse(
  readFileSync(new URL('../crates/faultline-sim/tests/search_golden.json', import.meta.url), 'utf8'),
);

/** Ask the page's explorer helper `op` with `payload`; its reply, the time it
 * took and the main thread's tasks over 50 ms meanwhile. With `warm`, the
 * helper is started (and answers the panel's form) first, as when a
 * learner has opened the panel, and only the work is timed; `startMs` is
 * then what the start took. */
async function ask(page, op, payload, { warm = false } = {}) {
  return page.evaluate(async ({ op, payload, warm }) => {
    const long = [];
    const seen = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) long.push(Math.round(e.duration));
    });
    seen.observe({ type: 'longtask' });
    const url = document.documentElement.dataset.explorer;
    let started = performance.now();
    const worker = new Worker(url);
    const answer = (id, request) =>
      new Promise((resolve, reject) => {
        // Progress lines ("1\nprogress\n…") come first; then the answer.
        worker.onmessage = (e) => {
          const [got, kind] = e.data.split('\n');
          if (got === id && kind !== 'progress') resolve(e.data);
        };
        worker.onerror = (e) => reject(new Error(e.message || 'the helper failed'));
        worker.postMessage(`${id}\n${request}`);
      });
    let startMs = null;
    if (warm) {
      await answer('0', 'explorer-form\npayments');
      startMs = Math.round(performance.now() - started);
      started = performance.now();
    }
    const reply = await answer('1', `${op}\n${payload}`);
    const ms = Math.round(performance.now() - started);
    worker.terminate();
    seen.disconnect();
    return { reply, ms, long, startMs };
  }, { op, payload, warm });
}

function json(reply) {
  const [id, status, ...rest] = reply.split('\n');
  assert.equal(id, '1');
  assert.equal(status, 'ok', rest.join('\n'));
  return JSON.parse(rest.join('\n'));
}

describe('the explorer in the browser', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  for (const lab of ['payments', 'oauth', 'sagas']) {
    test(`${lab}: every search finds in wasm what it finds natively`, async () => {
      await withPage(browser, async (p) => {
        await openLink(p, labUrl(server, lab));
        const cases = GOLDEN.filter((c) => c.lab === lab);
        assert.ok(cases.length >= 1);
        for (const c of cases) {
          const { reply, ms, long } = await ask(p.page, 'search', `${c.k}~${c.alphabet}\n${c.link}`);
          const r = json(reply);
          assert.equal(r.digest, c.digest, `${lab}/${c.preset} K=${c.k} (${c.alphabet}): digest in wasm`);
          assert.equal(r.states, c.states);
          for (const b of r.broken) {
            assert.ok(b.because.length >= 1 && b.faults.length >= b.size, `${b.property}: explained`);
          }
          console.log(`FIGURE: search ${lab}/${c.preset} K=${c.k} (${c.alphabet} alphabet) in the browser's helper: ${ms} ms, ${r.schedules} schedules, ${r.states} states (${Math.round(r.states / Math.max(ms, 1) * 1000)} states/s); main-thread tasks over 50 ms meanwhile: ${long.length}${long.length ? ` (${long.join(', ')} ms)` : ''}`);
        }
      });
    });
  }

  // The issue's budget: Payments' happy path, K = 3, under 1 s in the
  // browser, over the page's default (focused) alphabet. Printed, not
  // asserted (a figure, not a timed test); the counts are the ones
  // `faultline-cli search --lab payments --preset happy-path -k 3
  // [--alphabet every]` prints natively. The wider alphabet's figure is
  // printed beside it.
  test('payments happy path K=3: the search budget figure', async () => {
    await withPage(browser, async (p) => {
      await openLink(p, labUrl(server, 'payments'));
      const link = GOLDEN.find((c) => c.lab === 'payments' && c.preset === 'happy-path').link;
      for (const [alphabet, states, schedules] of [['focused', 496626, 43429], ['every', 3001115, 161899]]) {
        // Timed twice: with the helper's start (a cold worker), and as a
        // learner who opened the panel meets it (the helper already up).
        const cold = await ask(p.page, 'search', `3~${alphabet}\n${link}`);
        const warm = await ask(p.page, 'search', `3~${alphabet}\n${link}`, { warm: true });
        for (const { reply } of [cold, warm]) {
          const r = json(reply);
          assert.equal(r.states, states, 'the same states as natively');
          assert.equal(r.schedules, schedules);
        }
        const ms = warm.ms;
        const budget = alphabet === 'focused' ? ` (budget 1,000 ms: ${ms <= 1000 ? 'met' : 'NOT met'})` : ' (no budget: the wider alphabet)';
        console.log(`FIGURE: search payments/happy-path K=3, ${alphabet} alphabet, in the browser's helper: ${ms} ms with the helper up${budget}, ${cold.ms} ms with its start (the start alone ${warm.startMs} ms); ${schedules} schedules, ${states} states (${Math.round(states / Math.max(ms, 1) * 1000)} states/s, ${Math.round(schedules / Math.max(ms, 1) * 1000)} schedules/s); main-thread tasks over 50 ms meanwhile: ${cold.long.length + warm.long.length}`);
        assert.equal(cold.long.length + warm.long.length, 0, 'the page stays responsive');
      }
    });
  });

  // K = 4 on Payments' happy path meets tens of millions of states: the
  // helper stops at the most it remembers and answers why, instead of
  // running out of memory (the page would only hear its helper stopped).
  test('payments happy path K=4: the helper stops at its memory limit and says why', async () => {
    await withPage(browser, async (p) => {
      await openLink(p, labUrl(server, 'payments'));
      const link = GOLDEN.find((c) => c.lab === 'payments' && c.preset === 'happy-path').link;
      const { reply, ms, long } = await ask(p.page, 'search', `4~every\n${link}`);
      const [id, status, ...rest] = reply.split('\n');
      assert.equal(id, '1');
      assert.equal(status, 'err', reply.slice(0, 200));
      assert.match(rest.join('\n'), /^every schedule of up to 4 faults meets more than 6,000,000 distinct states, more than the explorer keeps in this page's memory: ask for fewer faults$/);
      console.log(`FIGURE: search payments/happy-path K=4 in the browser's helper: stopped at 6,000,000 distinct states after ${ms} ms; main-thread tasks over 50 ms meanwhile: ${long.length}`);
      assert.equal(long.length, 0, 'the page stays responsive');
    });
  });

  test('monte carlo: 10,000 Payments runs in the helper', async () => {
    await withPage(browser, async (p) => {
      await openLink(p, labUrl(server, 'payments'));
      const link = GOLDEN.find((c) => c.lab === 'payments' && c.preset === 'happy-path').link;
      const { reply, ms, long } = await ask(p.page, 'montecarlo', `10000\n50\n${link}`);
      const r = json(reply);
      assert.equal(r.runs, 10000);
      const total = r.duration.bins.reduce((n, b) => n + b[2], 0);
      assert.equal(total, 10000, 'the histogram holds every run');
      assert.ok(!r.outcomes.some((o) => o.property === 'one-charge-per-order'), 'with keys: never charged twice');
      console.log(`FIGURE: monte carlo, 10,000 Payments runs (5% of messages lost) in the browser's helper: ${ms} ms; main-thread tasks over 50 ms meanwhile: ${long.length}`);
    });
  });

  test('a bad request gets a reason, not a dead worker', async () => {
    await withPage(browser, async (p) => {
      await openLink(p, labUrl(server, 'sagas'));
      const { reply } = await ask(p.page, 'search', '9\nlab=sagas');
      assert.equal(reply, '1\nerr\nthe number of faults is 1 to 4');
    });
  });
});

/** Open the explorer panel and wait for its form (sent by the helper). */
async function openExplorer(page) {
  const panel = page.locator('#explorer-panel');
  await panel.scrollIntoViewIfNeeded();
  await panel.locator('button[data-explore="open"]').click();
  await panel.locator('#explore-k').waitFor();
  return panel;
}

/** Search every schedule of up to `k` faults in the open panel (over
 * `alphabet`, if given); its report. */
async function searchReport(panel, k, alphabet) {
  await panel.locator('#explore-k').selectOption(String(k));
  if (alphabet) await panel.locator('#explore-alphabet').selectOption(alphabet);
  await panel.locator('button[data-explore="search"]').click();
  const report = panel.locator('.explore-report[data-report="search"]');
  await report.waitFor({ timeout: 30_000 });
  return report;
}

/** Axe finds nothing in the explorer's panel. */
async function assertPanelAxeClean(page) {
  const results = await new AxeBuilder({ page }).include('#explorer-panel').analyze();
  assert.deepEqual(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`), []);
}

/** The Payments happy path with the client's key turned off (no fault of
 * its own), and the explorer open on it. */
async function withoutKeys(p, server) {
  await openLink(p, labUrl(server, 'payments', 'lab=payments&preset=happy-path'));
  await p.page.locator('#cfg-send_key').uncheck();
  await p.page.locator('button.preset[aria-pressed="true"]').waitFor({ state: 'detached' });
  return openExplorer(p.page);
}

/** Watch the main thread's tasks over 50 ms, from now on. */
function watchLongTasks(page) {
  return page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__long.push(Math.round(e.duration));
    }).observe({ type: 'longtask' });
  });
}

describe('the explorer panel', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  test('a search without keys: the smallest double charge, explained, opens as a run at its step', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      // The happy path, with the client's key turned off: no fault of its own.
      const panel = await withoutKeys(p, server);
      // The form says what a fault can be: "exhaustive" is over that.
      assert.match(await panel.locator('.alphabet').textContent(), /held back 1000 ms/);
      const report = await searchReport(panel, 1);
      assert.match(await report.locator('.explore-summary').textContent(), /Every schedule of up to 1 fault where each step acts: [\d,]+ schedules/);
      const found = report.locator('li[data-property="one-charge-per-order"]');
      assert.match(await found.textContent(), /Broken by 1 fault, at step \d+/);
      assert.ok((await found.locator('.because li').count()) >= 2, 'a because chain');
      assert.match(await found.locator('.explore-note').textContent(), /key that travels with every retry/);
      assert.equal(await page.locator('#explore-said').textContent(), 'The results are below.');

      // One click opens it as a normal run, at the violating step.
      const href = await found.locator('a.explore-open').getAttribute('href');
      const step = linkStep(href);
      await found.locator('a.explore-open').click();
      await waitUntil(async () => (await indicator(page)).step === step, { what: `the run at step ${step}` });
      assert.match(await page.locator('li[data-invariant="one-charge-per-order"]').getAttribute('class'), /\bbad\b/, 'the double charge shows');
      assert.equal(await page.evaluate(() => window.scrollY), 0, 'the diagram is in view');
      // The report stays, to open another.
      assert.equal(await report.count(), 1);
      p.assertNoIssues();
    });
  });

  test('the link under a report opens the same run and does the same search again; a bad one is said', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      const panel = await withoutKeys(p, server);
      const report = await searchReport(panel, 1);
      const hrefs = (r) => r.locator('a.explore-open').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      const opens = await hrefs(report);
      assert.ok(opens.length >= 1, 'a counterexample to open');
      const href = await panel.locator('a.explore-again').getAttribute('href');
      assert.match(href, /^#v1\.[A-Za-z0-9_-]+\.0&explore=search~1~focused$/);

      // Sent to someone else: a new tab opens the link.
      await withPage(browser, async (q) => {
        await openLink(q, labUrl(server, 'payments', href));
        assert.equal(await q.page.locator('#cfg-send_key').isChecked(), false, 'the changed run, not the preset');
        const again = q.page.locator('#explorer-panel .explore-report[data-report="search"]');
        await again.waitFor({ timeout: 30_000 });
        assert.equal(await q.page.locator('#explore-k').inputValue(), '1', 'the form shows the search made');
        assert.deepEqual(await hrefs(again), opens, 'the same smallest counterexamples');
        assert.match(await again.locator('.explore-summary').textContent(), /Every schedule of up to 1 fault where each step acts: /);
      });

    });
    // A link made before there were two alphabets searched every actor
    // and link: it still does, and the form says so.
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, labUrl(server, 'payments', 'lab=payments&preset=happy-path&explore=search~1'));
      const again = page.locator('#explorer-panel .explore-report[data-report="search"]');
      await again.waitFor({ timeout: 30_000 });
      assert.equal(await page.locator('#explore-alphabet').inputValue(), 'every', 'the form shows the alphabet searched');
      assert.match(await again.locator('.explore-summary').textContent(), /^Every schedule of up to 1 fault on every actor and link: 67 schedules/);
      assert.match(await page.locator('a.explore-again').getAttribute('href'), /&explore=search~1~every$/);
    });
    // A link whose explorer part cannot be read: said; the run is shown, and nothing runs.
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, labUrl(server, 'payments', 'lab=payments&preset=happy-path&explore=search~9'));
      assert.match(await messageText(page), /explorer part cannot be used: a search adds 1 to 4 faults, not "9"/);
      assert.equal(await page.locator('button.preset[aria-pressed="true"]').getAttribute('data-preset'), 'happy-path');
      await page.waitForTimeout(500);
      assert.equal(await page.locator('#explore-out').textContent(), '');
    });
  });

  test('a long search shows a live count and a bar, and Stop ends it keeping what finished; the page keeps working', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, labUrl(server, 'payments', 'lab=payments&preset=happy-path'));
      const panel = await openExplorer(page);
      await watchLongTasks(page);
      await panel.locator('#explore-k').selectOption('4');
      // The wider alphabet: K = 4 runs long enough to stop part way.
      await panel.locator('#explore-alphabet').selectOption('every');
      await panel.locator('button[data-explore="search"]').click();
      const status = panel.locator('.explore-status');
      await waitUntil(async () => /[\d,]+ states, [\d,]+ schedules so far/.test((await status.textContent()) ?? ''), {
        timeout: 15_000,
        what: 'a live count of states',
      });
      const count = async () => Number((/([\d,]+) states/.exec(await status.textContent()) ?? ['', '0'])[1].replaceAll(',', ''));
      const first = await count();
      await waitUntil(async () => (await count()) > first, { what: 'the count to grow' });
      assert.equal(await panel.locator('progress').count(), 1, 'a progress bar');
      await panel.locator('button[data-explore="stop"]').click();
      await waitUntil(async () => /^Stopped/.test((await status.textContent()) ?? ''), { what: 'the search to stop' });
      assert.equal(await panel.locator('progress').count(), 0);
      // Breadth-first by faults: the searches of fewer faults that finished keep their results.
      assert.match(await status.textContent(), /The search of every schedule of up to ([123]) faults? finished/);
      const done = /up to ([123]) faults? finished/.exec(await status.textContent())[1];
      const kept = panel.locator('.explore-report[data-report="search"]');
      assert.match(await kept.locator('.explore-summary').textContent(), new RegExp(`^Every schedule of up to ${done} faults? on every actor and link: `));
      assert.ok((await kept.locator('.explore-kept li').count()) >= 1, 'what it kept, with its count');
      const long = await page.evaluate(() => window.__long);
      console.log(`FIGURE: explorer panel, Payments happy path K=4 stopped after ${first}+ states; main-thread tasks over 50 ms meanwhile: ${long.length}${long.length ? ` (${long.join(', ')} ms)` : ''}`);
      assert.deepEqual(long, [], 'no main-thread task over 50 ms while the helper searched');
      // The page still steps, and a new search starts a new helper.
      await page.evaluate(() => document.activeElement?.blur());
      await page.keyboard.press('ArrowRight');
      await waitUntil(async () => (await indicator(page)).step === 1, { what: 'a step forward' });
      await panel.locator('#explore-k').selectOption('1');
      await panel.locator('button[data-explore="search"]').click();
      await panel.locator('.explore-report[data-report="search"]').waitFor({ timeout: 30_000 });
      assert.ok((await panel.locator('.explore-kept li').count()) >= 1, 'properties kept, each with its count');
      p.assertNoIssues();
    });
  });

  test('random runs stopped part way keep the runs they made: counts, charts and a first example', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      // A link may ask for 100,000 runs: long enough to stop part way.
      await openLink(p, labUrl(server, 'payments', 'lab=payments&preset=happy-path&explore=runs~100000~100'));
      const panel = page.locator('#explorer-panel');
      const status = panel.locator('.explore-status');
      const made = async () => Number((/([\d,]+) of 100,000 runs/.exec((await status.textContent()) ?? '') ?? ['', '0'])[1].replaceAll(',', ''));
      await waitUntil(async () => (await made()) >= 2_500, { timeout: 30_000, what: '2,500 runs made' });
      await panel.locator('button[data-explore="stop"]').click();
      await waitUntil(async () => /^Stopped/.test((await status.textContent()) ?? ''), { what: 'the runs to stop' });
      assert.match(await status.textContent(), /the runs made so far/);
      const report = panel.locator('.explore-report[data-report="montecarlo"]');
      assert.match(await report.textContent(), /Stopped before the end: these are the runs made so far\./);
      const counted = Number(/^([\d,]+) runs/.exec(await report.locator('.explore-summary').textContent())[1].replaceAll(',', ''));
      assert.ok(counted >= 2_000 && counted < 100_000 && counted % 1_000 === 0, `the runs made before Stop, by the thousand: ${counted}`);
      const rows = report.locator('table.explore-table tbody tr');
      const runs = await rows.evaluateAll((trs) => trs.reduce((n, tr) => n + Number(tr.cells[1].textContent.replaceAll(',', '')), 0));
      assert.ok(runs >= counted, `every run made counted in an outcome (${runs} of ${counted})`);
      assert.ok((await report.locator('figure.explore-chart').count()) >= 3, 'its charts');
      assert.equal(await panel.locator('#explore-again a').count(), 0, 'no link that would do the whole work again as if it were these results');
      p.assertNoIssues();
    });
  });

  test('the OAuth page: a replayed code is refused under every schedule of up to 1 fault, over either alphabet; the JWT window opens as a run; axe finds nothing', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, labUrl(server, 'oauth', 'lab=oauth&preset=code-replayed'));
      const panel = await openExplorer(page);
      const focused = await searchReport(panel, 1);
      assert.match(await focused.locator('.explore-summary').textContent(), /Every schedule of up to 1 fault where each step acts: 85 schedules/);
      assert.match(await focused.locator('.alphabet').textContent(), /the actor the step wakes/, 'the report says which faults it tried');
      assert.match(await focused.locator('li[data-property="code-once"]').textContent(), /^✓ No schedule of up to 1 fault breaks it \(85 schedules tried\)/);
      // The wider alphabet: the same answer over more schedules, and a link that says which.
      const report = await searchReport(panel, 1, 'every');
      await waitUntil(async () => /on every actor and link/.test(await report.locator('.explore-summary').textContent()), { what: 'the wider search' });
      assert.match(await report.locator('.explore-summary').textContent(), /Every schedule of up to 1 fault on every actor and link: 228 schedules/);
      assert.match(await panel.locator('a.explore-again').getAttribute('href'), /&explore=search~1~every$/);
      assert.match(
        await report.locator('li[data-property="code-once"]').textContent(),
        /^✓ No schedule of up to 1 fault breaks it \(228 schedules tried\)/,
        'the server redeems a code once, whatever the network does',
      );
      // What the preset shows on its own: a JWT checked locally outlives its revocation.
      const window = report.locator('li[data-property="revoked-token-refused"]');
      assert.match(await window.textContent(), /Broken by no fault added \(this run.s own faults are enough\), at step 22/);
      assert.match(await window.locator('.explore-note').textContent(), /A JWT access token is checked by the calendar API alone/, 'the page explains it');
      await assertPanelAxeClean(page);
      await window.locator('a.explore-open').click();
      await waitUntil(async () => (await indicator(page)).step === 22, { what: 'the run at step 22' });
      assert.match(await page.locator('li[data-invariant="revoked-token-refused"]').getAttribute('class'), /\bbad\b/);
      p.assertNoIssues();
    });
  });

  test('random runs on the Sagas page: outcomes with a first example to open, charts with their numbers; axe finds nothing', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, labUrl(server, 'sagas', 'lab=sagas&preset=2pc-happy'));
      const panel = await openExplorer(page);
      await panel.locator('#explore-runs').selectOption('1000');
      await panel.locator('#explore-lose').selectOption('100');
      await panel.locator('button[data-explore="montecarlo"]').click();
      const report = panel.locator('.explore-report[data-report="montecarlo"]');
      await report.waitFor({ timeout: 30_000 });
      assert.match(await report.locator('.explore-summary').textContent(), /1,000 runs of this configuration/);
      assert.equal(await report.locator('figure.explore-chart').count(), 4, "outcome bars and three histograms, the lab's time blocked among them");
      assert.equal(await report.locator('table.visually-hidden').count(), 3, "each histogram's numbers in a table");
      assert.match(await report.textContent(), /Runs by the longest time a participant held a 2PC lock \(ms\)/);
      const rows = report.locator('table.explore-table tbody tr');
      assert.ok((await rows.count()) >= 1);
      const runs = await rows.evaluateAll((trs) => trs.reduce((n, tr) => n + Number(tr.cells[1].textContent.replaceAll(',', '')), 0));
      assert.ok(runs >= 1000, `every run counted in an outcome (${runs})`);
      await assertPanelAxeClean(page);
      // Its first example opens as a run of this page.
      const open = rows.first().locator('a.explore-open');
      const seed = (await open.textContent()).replace('seed ', '');
      await open.click();
      await waitUntil(async () => (await page.locator('#seed').inputValue()) === seed, { what: `seed ${seed} on screen` });
      p.assertNoIssues();
    });
  });

  test("a sweep of the client's timeout: without keys, short timeouts charge twice far more often; a curve, its numbers, its link", async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      const panel = await withoutKeys(p, server);
      assert.equal(await panel.locator('#explore-sweep').inputValue(), 'timeout_ms', 'a number setting first');
      await panel.locator('#explore-runs').selectOption('1000');
      await panel.locator('#explore-lose').selectOption('50');
      await panel.locator('button[data-explore="sweep"]').click();
      const report = panel.locator('.explore-report[data-report="sweep"]');
      await report.waitFor({ timeout: 60_000 });
      assert.match(await report.locator('.explore-summary').textContent(), /1,000 runs for each of 5 values of /);
      assert.equal(await report.locator('figure.explore-chart').count(), 3, "the shares, the load and the lab's measure");
      assert.match(await report.locator('figure.explore-chart figcaption').nth(2).textContent(), /^The most attempts a client made to pay \(attempts, the mean of the runs\)/);
      // The numbers: a row per value, the double charges' share in each.
      const table = report.locator('table[data-table="sweep"]');
      const heads = await table.locator('thead th').allTextContents();
      const col = heads.findIndex((h) => /pays at most once/.test(h));
      assert.ok(col > 0, `a column for the double charge: ${heads}`);
      const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
      assert.deepEqual(rows.map((r) => r[0]), ['200', '500', '1,000', '2,000', '4,000']);
      const share = (r) => Number(r[col].replace('%', ''));
      assert.ok(share(rows[0]) > 90 && share(rows[4]) < 40, `200 ms: ${share(rows[0])}%, 4,000 ms: ${share(rows[4])}%`);
      await assertPanelAxeClean(page);
      assert.match(await panel.locator('a.explore-again').getAttribute('href'), /&explore=sweep~1000~50~timeout_ms$/);
    });
  });

  test("2PC on the Sagas page: the time blocked against the coordinator's downtime crosses the 2 s bound", async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, labUrl(server, 'sagas', 'lab=sagas&preset=2pc-coordinator-crash'));
      const panel = await openExplorer(page);
      await panel.locator('#explore-runs').selectOption('1000');
      await panel.locator('#explore-lose').selectOption('10');
      await panel.locator('#explore-sweep').selectOption('downtime_ms');
      await panel.locator('button[data-explore="sweep"]').click();
      const report = panel.locator('.explore-report[data-report="sweep"]');
      await report.waitFor({ timeout: 60_000 });
      assert.equal(await report.locator('figure.explore-chart').count(), 3, 'the bound, the load, the time blocked');
      const table = report.locator('table[data-table="sweep"]');
      const heads = await table.locator('thead th').allTextContents();
      const bound = heads.findIndex((h) => /^No participant holds a two-phase-commit lock/.test(h));
      const held = heads.findIndex((h) => /held a 2PC lock \(ms, mean\)/.test(h));
      assert.ok(bound > 0 && held > 0, `columns: ${heads}`);
      const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
      assert.deepEqual(rows.map((r) => r[0]), ['1,250', '2,500', '5,000', '10,000', '20,000']);
      const ms = rows.map((r) => Number(r[held].replaceAll(',', '')));
      assert.ok(ms.every((m, i) => i === 0 || m > ms[i - 1]), `the time blocked grows with the downtime: ${ms}`);
      assert.ok(ms[0] < 2000 && ms[4] > 15000, `${ms}`);
      assert.ok(Number(rows[4][bound].replace('%', '')) > 90, 'down 20 s: the bound broken in almost every run');
    });
  });
});
