// The payments lab, used as a learner would: play presets, toggle the
// idempotency key, inject faults while it plays, step, share a permalink,
// open broken links, export and import runs, on a phone-sized screen too.
// Every test also fails if the page logged a console error, threw, or sent
// a request anywhere but the local server (withPage -> assertNoIssues).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { labUrl, serveAndLaunch } from './harness.mjs';
import {
  attemptOutcomes,
  choosePreset,
  flightLabels,
  indicator,
  linkStep,
  messageText,
  narration,
  openLab,
  openLink,
  playToEnd,
  seek,
  seekEnd,
  snapshot,
  tableRows,
  waitForIndicator,
  waitForStep,
  waitUntil,
  withPage,
} from './lab-helpers.mjs';

describe('payments lab', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  test('playing "Response lost, no key" charges the customer twice', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLab(p, server);
      const chip = page.locator('button[data-preset="lost-response-no-key"]');
      assert.equal(await chip.getAttribute('aria-pressed'), 'true', 'the lab opens on "Response lost, no key"');
      assert.match(await chip.getAttribute('class'), /\bactive\b/);
      assert.equal(await page.locator('button.preset[aria-pressed="true"]').count(), 1, 'one active chip');
      assert.match(await page.locator('#scenario-explanation').textContent(), /twice/);

      // Before playing: paused at step 0, nothing charged, a violation is announced as upcoming.
      const start = await indicator(page);
      assert.deepEqual([start.step, start.ms], [0, 0]);
      assert.equal(await page.locator('#play').getAttribute('aria-label'), 'Play');
      assert.ok(await page.locator('#jump-violation').isVisible(), '"Jump to the violation" is offered');
      assert.equal(await page.locator('#violation-banner').count(), 0);
      assert.match(await page.locator('li[data-invariant="one-charge-per-order"]').getAttribute('class'), /\bok\b/);
      assert.deepEqual(await tableRows(page, 'Ledger'), [], 'no charge yet');
      assert.equal(await page.locator('table[data-table="Ledger"] tbody tr.empty').textContent(), '(empty)');

      await page.selectOption('#speed', '4');
      const end = await playToEnd(page);
      assert.equal(end.last, 16);

      const banner = page.locator('#violation-banner');
      assert.ok(await banner.isVisible(), 'the violation banner is shown');
      assert.equal(await banner.getAttribute('role'), 'alert');
      assert.match(await banner.textContent(), /Customer charged twice for one order/);
      assert.match(await page.locator('li[data-invariant="one-charge-per-order"]').getAttribute('class'), /\bbad\b/);
      assert.equal(await page.locator('#jump-violation').count(), 0);

      const charges = await tableRows(page, 'Ledger');
      assert.equal(charges.length, 2, `two charges: ${JSON.stringify(charges)}`);
      assert.deepEqual(charges.map((r) => r[1]), ['ord_1001', 'ord_1001'], 'both for the same order');
      assert.deepEqual(charges.map((r) => r[2]), ['auth_1', 'auth_2'], 'each records its own hold');
      assert.deepEqual(charges.map((r) => r[3]), ['€42.00', '€42.00']);
      // The money truth: the card processor holds the money twice.
      const holds = await tableRows(page, 'Card authorizations');
      assert.deepEqual(holds.map((r) => [r[0], r[3]]), [['auth_1', 'HELD'], ['auth_2', 'HELD']]);
      assert.deepEqual(await attemptOutcomes(page), ['timed out', '200 OK']);

      // The diagram shows why: the first answer was lost, the client timed out.
      assert.ok((await page.locator('svg#sequence g.flight.dropped').count()) >= 1, 'a dropped arrow');
      assert.equal(await page.locator('svg#sequence text.cross').first().textContent(), '✕');
      assert.equal(await page.locator('svg#sequence text.lost-label').first().textContent(), 'lost');
      assert.deepEqual(await page.locator('svg#sequence g.timer.timeout text').allTextContents(), ['timeout #1']);
      assert.ok((await page.locator('svg#sequence g.violation-mark').count()) === 1, 'the violation is marked');

      // Paused at the end: the address bar is a permalink to this last step.
      await waitUntil(() => linkStep(page.url()) === end.step, { what: 'URL hash at the last step' });
      assert.equal(await page.locator('#permalink').inputValue(), page.url());
    });
  });

  test('turning the Idempotency-Key on: one charge, the retry gets the replayed answer', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLab(p, server);
      const key = page.locator('#cfg-send_key');
      assert.equal(await key.isChecked(), false, 'this preset sends no key');
      await key.check();
      assert.equal(await key.isChecked(), true);
      // The scenario is no longer the preset.
      await page.locator('button.preset[aria-pressed="true"]').waitFor({ state: 'detached' });
      assert.match(await page.locator('#scenario-explanation').textContent(), /Your own scenario/);
      assert.equal((await indicator(page)).step, 0, 'the change keeps the cursor where it was');

      await page.selectOption('#speed', '4');
      await playToEnd(page);

      assert.equal(await page.locator('#violation-banner').count(), 0, 'no violation banner');
      assert.equal(await page.locator('#jump-violation').count(), 0, 'no upcoming violation');
      assert.equal(await page.locator('li[data-invariant].bad').count(), 0, 'every invariant holds');
      const charges = await tableRows(page, 'Ledger');
      assert.equal(charges.length, 1, `one charge: ${JSON.stringify(charges)}`);
      assert.deepEqual(await attemptOutcomes(page), ['timed out', '200 OK, replayed']);

      const labels = await flightLabels(page);
      // Marked as replayed by its glyph as well as its words (not by colour alone).
      assert.ok(labels.some((l) => /^↻ 200 OK to #2 \(replayed\)$/.test(l)), `a replayed answer in ${JSON.stringify(labels)}`);
      const posts = labels.filter((l) => l.startsWith('POST /v1/charges'));
      assert.equal(posts.length, 2, `two attempts: ${JSON.stringify(posts)}`);
      const keys = posts.map((l) => /key ([0-9a-f]{8})…/.exec(l)?.[1]);
      assert.ok(keys[0] && keys[0] === keys[1], `both attempts carry the same key: ${JSON.stringify(posts)}`);
      const stored = await tableRows(page, 'Idempotency keys');
      assert.equal(stored.length, 1, `one key stored: ${JSON.stringify(stored)}`);
      assert.ok(stored[0].includes('COMPLETED'), `the key is COMPLETED: ${JSON.stringify(stored)}`);

      // And off again: the double charge comes back.
      await key.uncheck();
      await seekEnd(page);
      await page.locator('#violation-banner').waitFor();
      assert.equal((await tableRows(page, 'Ledger')).length, 2);
    });
  });

  test('a fault clicked during playback changes the future, not the past', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLab(p, server);
      await choosePreset(page, 'happy-path');
      assert.ok(await page.locator('#fault-plan-empty').isVisible(), 'no faults planned');

      // Walk the fault-free run once, remembering what each step said.
      const baseline = [];
      for (;;) {
        const ind = await indicator(page);
        baseline.push({ step: ind.step, ms: ind.ms, narration: await narration(page) });
        if (ind.step === ind.last) break;
        await page.click('#step-fwd');
        await waitForStep(page, ind.step + 1);
      }
      assert.equal(await page.locator('svg#sequence text.lost-label').count(), 0);
      assert.equal(await page.locator('svg#sequence g.timer.timeout').count(), 0);
      assert.deepEqual(await attemptOutcomes(page), ['200 OK']);

      await page.click('#restart');
      await waitForStep(page, 0);
      await page.click('#play');
      await waitForIndicator(page, (i) => i.step >= 3, { what: 'playback to reach step 3' });
      await page.click('button[data-fault="drop-response"]');

      // The plan gains the fault, timed at the playhead; playback goes on.
      const plan = page.locator('#fault-plan li');
      await plan.first().waitFor();
      assert.equal(await plan.count(), 1);
      const planText = await plan.first().textContent();
      const m = /^Lose the next response .* after (\d+) ms/.exec(planText);
      assert.ok(m, `plan entry reads "${planText}"`);
      const faultMs = +m[1];
      assert.ok(faultMs > 0, 'the fault is applied at the playhead, not at 0');
      assert.equal(await page.locator('#fault-plan-empty').count(), 0);
      assert.equal(await page.locator('button.preset[aria-pressed="true"]').count(), 0, 'no preset is active any more');

      await page.selectOption('#speed', '4');
      await page.locator('#play[aria-label="Play"]').waitFor({ timeout: 30_000 });
      const end = await indicator(page);
      assert.equal(end.step, end.last, 'playback ran to the end');
      assert.notEqual(end.last, baseline.at(-1).step, 'the run changed after the fault');

      // The effect: a response lost in the network, a timeout, a retry answered from the key.
      assert.equal(await page.locator('svg#sequence text.lost-label').count(), 1, 'a lost arrow');
      assert.equal(await page.locator('svg#sequence text.cross').count(), 1, 'a cross on it');
      assert.deepEqual(await page.locator('svg#sequence g.timer.timeout text').allTextContents(), ['timeout #1']);
      assert.deepEqual(await attemptOutcomes(page), ['timed out', '200 OK, replayed']);
      assert.equal((await tableRows(page, 'Ledger')).length, 1);

      // The past, up to the moment of the click, is step-for-step the same.
      const past = baseline.filter((b) => b.ms <= faultMs);
      assert.ok(past.length >= 4, `at least steps 0..3 happened before the fault (${past.length})`);
      for (const b of past) {
        await seek(page, b.step);
        assert.equal((await indicator(page)).ms, b.ms, `time of step ${b.step}`);
        assert.equal(await narration(page), b.narration, `narration of step ${b.step}`);
      }

      // Removing it from the plan gives the fault-free run back.
      await page.click('#fault-plan button:text("remove")');
      await page.locator('#fault-plan-empty').waitFor();
      await seekEnd(page);
      assert.equal((await indicator(page)).last, baseline.at(-1).step);
      assert.equal(await page.locator('svg#sequence text.lost-label').count(), 0);
    });
  });

  test('stepping forward and back moves the indicator, narration, timeline and link', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLab(p, server);
      assert.ok(await page.locator('#step-back').isDisabled(), 'cannot step back from step 0');

      const seen = [{ ind: await indicator(page), narration: await narration(page) }];
      for (let i = 1; i <= 4; i++) {
        await page.click('#step-fwd');
        const ind = await waitForStep(page, i);
        const text = await narration(page);
        assert.notEqual(text, seen.at(-1).narration, `step ${i} narrates something new`);
        assert.ok(ind.ms >= seen.at(-1).ind.ms, 'time never goes backwards');
        assert.equal(await page.locator('#timeline').inputValue(), String(i));
        const current = await page.locator('.log li.current button').textContent();
        assert.ok(current.startsWith(`#${i} · `), `the log marks step ${i} as current: "${current}"`);
        seen.push({ ind, narration: text });
      }
      assert.ok(await page.locator('#step-back').isEnabled());
      await waitUntil(() => linkStep(page.url()) === 4, { what: 'URL at step 4' });
      assert.equal(linkStep(await page.locator('#permalink').inputValue()), 4);

      for (const i of [3, 2]) {
        await page.click('#step-back');
        const ind = await waitForStep(page, i);
        assert.deepEqual(ind, seen[i].ind, `indicator back at step ${i}`);
        assert.equal(await narration(page), seen[i].narration, `narration back at step ${i}`);
        assert.equal(await page.locator('#timeline').inputValue(), String(i));
      }
      await waitUntil(() => linkStep(page.url()) === 2, { what: 'URL at step 2' });

      await page.click('#restart');
      assert.deepEqual(await waitForStep(page, 0), seen[0].ind);
      assert.equal(await narration(page), seen[0].narration);
      assert.ok(await page.locator('#step-back').isDisabled());

      // The last step: step forward is disabled and the end is explained.
      await seekEnd(page);
      const last = await indicator(page);
      assert.equal(last.step, last.last);
      assert.ok(await page.locator('#step-fwd').isDisabled(), 'cannot step past the end');
      assert.ok(await page.locator('.end-note').isVisible(), 'the end of the run is explained');
    });
  });

  test('a permalink opened in a new browser shows the same run at the same step', async () => {
    let link;
    let seen;
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLab(p, server);
      await seek(page, 5);
      await page.click('button[data-fault="duplicate-request"]');
      await page.locator('#fault-plan li').first().waitFor();
      await page.click('#jump-violation');
      await page.locator('#violation-banner').waitFor();
      await page.click('#step-fwd');
      seen = await snapshot(page);
      assert.ok(seen.indicator.step > 5 && seen.banner, `a later step with the banner: ${JSON.stringify(seen.indicator)}`);
      await waitUntil(() => linkStep(page.url()) === seen.indicator.step, { what: 'URL hash to follow the step' });
      link = await page.locator('#permalink').inputValue();
      assert.equal(link, page.url(), 'the share box holds the address of this page');
      assert.equal(linkStep(link), seen.indicator.step);
      // The link opens the lab's own page (dist/payments/), not the landing.
      assert.ok(link.startsWith(labUrl(server, 'payments', '#v1.')), `${link.slice(0, 60)}… is under ${labUrl(server, 'payments')}`);
    });

    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, link);
      const there = await snapshot(page);
      assert.deepEqual(there, seen, 'the same step, narration, tables, arrows, fault plan and banner');
      assert.equal(await page.locator('#message').count(), 0, 'no notice when a good link opens');
      assert.equal(await page.locator('#cfg-send_key').isChecked(), false);
      assert.equal(await page.locator('#permalink').inputValue(), link, 'the link round-trips unchanged');
      // …and it plays on from there.
      await page.click('#step-fwd');
      await waitForStep(page, seen.indicator.step + 1);
    });
  });

  test('"Copy link" copies the permalink and says so', async () => {
    await withPage(browser, { permissions: ['clipboard-read', 'clipboard-write'] }, async (p) => {
      const { page } = p;
      await openLab(p, server);
      await seek(page, 3);
      await page.click('#copy-link');
      const text = await messageText(page);
      assert.match(text, /^Link copied\. Anyone who opens it sees this run at this step\./);
      assert.equal(await page.locator('#message').getAttribute('role'), 'status', 'a notice, not an error');
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(copied, await page.locator('#permalink').inputValue());
      assert.equal(linkStep(copied), 3);
      await page.click('#message button:text("Dismiss")');
      await page.locator('#message').waitFor({ state: 'detached' });
    });
  });

  test('a malformed link shows an error and the default lab, which still works', async () => {
    let good;
    await withPage(browser, async (p) => {
      await openLab(p, server);
      await seek(p.page, 3);
      good = await p.page.locator('#permalink').inputValue();
    });
    const hash = good.slice(good.indexOf('#'));
    const payload = hash.split('.')[1];
    const cases = [
      ['#v1.garbage.3', /damaged/],
      ['#v9.x.1', /different version of Faultline \(v9\)/],
      ['#hello', /does not look like a Faultline run link/],
      [hash.slice(0, Math.floor(hash.length / 2)), /cut short/], // the tail of a pasted link is missing
      [`#v1.${payload.slice(0, payload.length - 40)}.3`, /./], // a chunk of the payload is missing
      [`#v1.${payload}.three`, /./],
    ];
    for (const [bad, why] of cases) {
      await withPage(browser, async (p) => {
        const { page } = p;
        // Opened at the root, as links were before each lab had its own
        // page: an unreadable link goes to the first lab's page, which says so.
        await openLink(p, server.appUrl + bad);
        assert.ok(page.url().startsWith(labUrl(server, 'payments')), `${bad}: on the Payments page (${page.url()})`);
        const msg = page.locator('#message');
        assert.equal(await msg.getAttribute('role'), 'alert', `${bad}: an error`);
        const text = await messageText(page);
        assert.match(text, /^This link could not be opened: /, bad);
        assert.match(text, /Showing the default run instead\./, bad);
        assert.match(text, why, bad);
        assert.equal(
          await page.locator('button[data-preset="lost-response-no-key"]').getAttribute('aria-pressed'),
          'true',
          `${bad}: the default scenario is shown`,
        );
        assert.deepEqual(await indicator(page), { step: 0, last: 16, ms: 0 }, bad);
        // The default lab works: step, play, pause; the address becomes a good link.
        await page.click('#step-fwd');
        await waitForStep(page, 1);
        await page.click('#play');
        await page.locator('#play[aria-label="Pause"]').waitFor();
        await waitForIndicator(page, (i) => i.step >= 2, { what: `${bad}: playback` });
        await page.click('#play');
        await page.locator('#play[aria-label="Play"]').waitFor();
        const at = (await indicator(page)).step;
        await waitUntil(() => /#v1\./.test(page.url()) && linkStep(page.url()) === at, {
          what: `${bad}: the URL to become a permalink`,
        });
        await page.click('#message button:text("Dismiss")');
        await page.locator('#message').waitFor({ state: 'detached' });
      });
    }

    // Editing the address of an open lab to a broken link is handled the same way.
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, good);
      await waitForStep(page, 3);
      await page.evaluate(() => {
        location.hash = '#v1.%%%.2';
      });
      assert.match(await messageText(page), /^This link could not be opened: .*Showing the default run instead\./);
      await waitForStep(page, 0);
      await page.click('#step-fwd');
      await waitForStep(page, 1);
    });
  });

  test('export a run, import a bad file (run kept), import the export (same step)', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLab(p, server);
      await seek(page, 2);
      await page.click('button[data-fault="drop-request"]');
      await page.locator('#fault-plan li').first().waitFor();
      await seek(page, 9);
      const exported = await snapshot(page);

      const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
      assert.equal(json.suggestedFilename(), 'faultline-run.json');
      const jsonPath = await json.path();
      const file = JSON.parse(await readFile(jsonPath, 'utf8'));
      assert.equal(file.kind, 'faultline-run');
      assert.equal(file.cursor, 9);
      assert.equal(file.scenario.faults.length, 2, 'the preset\'s fault and the one added');
      assert.equal(exported.plan.length, 2);

      const [svg] = await Promise.all([page.waitForEvent('download'), page.click('#export-svg')]);
      assert.equal(svg.suggestedFilename(), 'faultline-diagram.svg');
      const svgText = await readFile(await svg.path(), 'utf8');
      assert.match(svgText, /^<\?xml [^>]*\?>\s*<svg [^>]*id="sequence"/);
      assert.match(svgText, /<style>/, 'the SVG carries its own styles');
      assert.ok(svgText.includes(exported.flights[0]), 'the SVG has the arrow labels');

      // Something else on screen, then bad files: each is refused, the run stays.
      await choosePreset(page, 'key-expired');
      await seek(page, 4);
      const current = await snapshot(page);
      const bad = [
        ['notes.txt', 'text/plain', 'this is not a run'],
        ['other.json', 'application/json', '{"hello": "world"}'],
        ['future.json', 'application/json', JSON.stringify({ ...file, version: 9 })],
        ['broken.json', 'application/json', JSON.stringify({ ...file, scenario: { v: 1 } })],
        ['cut.json', 'application/json', (await readFile(jsonPath, 'utf8')).slice(0, 300)],
      ];
      for (const [name, mimeType, text] of bad) {
        await page.setInputFiles('#import-file', { name, mimeType, buffer: Buffer.from(text) });
        const msg = await messageText(page);
        assert.match(msg, /^That file could not be imported: .*Your current run is kept\./, name);
        assert.equal(await page.locator('#message').getAttribute('role'), 'alert', name);
        assert.deepEqual(await snapshot(page), current, `${name}: the current run is unchanged`);
        await page.click('#message button:text("Dismiss")');
        await page.locator('#message').waitFor({ state: 'detached' });
      }

      await page.setInputFiles('#import-file', jsonPath);
      assert.match(await messageText(page), /^Run imported\./);
      assert.equal(await page.locator('#message').getAttribute('role'), 'status');
      assert.deepEqual(await snapshot(page), exported, 'the exported run, at the exported step');
    });
  });

  test('the helper worker: fetched only when first needed; when it cannot load, export says so and the page keeps working', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      const fetched = [];
      page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
      await openLab(p, server);
      await seek(page, 3);
      assert.deepEqual(fetched.filter((u) => /(helper|explorer)-/.test(u)), [], 'not part of the first load');
      const helper = await page.evaluate(() => document.documentElement.dataset.helper);
      assert.match(helper, /^helper-[0-9a-f]{16}\.js$/, 'the page names its helper');
      const explorer = await page.evaluate(() => document.documentElement.dataset.explorer);
      assert.match(explorer, /^explorer-[0-9a-f]{16}\.js$/, "and the explorer's");
      // The helper's files cannot be fetched (a deploy half-copied, say).
      p.expectFailedRequests(/\/helper-[0-9a-f]+\.js$/);
      await page.route('**/helper-*', (route) => route.abort());
      const before = await snapshot(page);
      await page.click('#export-json');
      assert.match(await messageText(page), /^Export failed: the page's helper stopped/);
      assert.equal(await page.locator('#message').getAttribute('role'), 'alert');
      assert.deepEqual(await snapshot(page), before, 'the run on screen is untouched');
      await page.click('#message button:text("Dismiss")');
      await page.locator('#message').waitFor({ state: 'detached' });
      // Once it can be fetched again, the next request starts a new one.
      await page.unroute('**/helper-*');
      const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
      assert.equal(JSON.parse(await readFile(await json.path(), 'utf8')).cursor, 3);
      assert.ok(fetched.some((u) => u.endsWith(helper)), 'fetched on the learner\'s click');
    });
  });

  test('settings: a bad number is refused and restored, a good one re-runs the scenario', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLab(p, server);
      await seekEnd(page);
      const before = await snapshot(page);

      const timeout = page.locator('#cfg-timeout_ms');
      assert.equal(await timeout.inputValue(), '1000');
      for (const bad of ['5', '99999999', '']) {
        await timeout.fill(bad);
        await timeout.press('Enter');
        assert.match(await messageText(page), /^Please enter a whole number from 200 to 10000/, `"${bad}"`);
        assert.equal(await page.locator('#message').getAttribute('role'), 'alert');
        await waitUntil(async () => (await timeout.inputValue()) === '1000', { what: `"${bad}" to be restored` });
        assert.deepEqual(await snapshot(page), before, `"${bad}" changed nothing`);
        await page.click('#message button:text("Dismiss")');
        await page.locator('#message').waitFor({ state: 'detached' });
      }

      // One attempt only: no retry, so no double charge.
      const attempts = page.locator('#cfg-max_attempts');
      await attempts.fill('1');
      await attempts.press('Enter');
      await page.locator('#jump-violation, #violation-banner').first().waitFor({ state: 'detached' });
      await seekEnd(page);
      assert.equal(await attempts.inputValue(), '1');
      assert.deepEqual(await attemptOutcomes(page), ['timed out']);
      assert.equal((await tableRows(page, 'Ledger')).length, 1);
      assert.equal(await page.locator('#violation-banner').count(), 0);
    });
  });

  test('every preset loads, explains itself and plays to the story it tells', async () => {
    // What each preset's run must show at its end: the banner (or none),
    // the ledger's rows and the card processor's holds (the money truth).
    const stories = {
      'happy-path': { banner: null, charges: 1, held: 1 },
      'lost-response-no-key': { banner: /Customer charged twice/, charges: 2, held: 2 },
      'lost-response-with-key': { banner: null, charges: 1, held: 1 },
      'concurrent-retry-409': { banner: null, charges: 1, held: 1 },
      'changed-amount-422': { banner: null, charges: 1, held: 1 },
      'declined-replayed': { banner: null, charges: 0, held: 0 },
      'key-expired': { banner: /Customer charged twice/, charges: 2, held: 2 },
      'key-expired-processor-remembers': { banner: /ledger is out of step.*both record auth_1/, charges: 2, held: 1 },
      'processor-timeout': { banner: /ledger is out of step.*left behind/, charges: 0, held: 1 },
      'lapsed-lock-rerun': { banner: /Customer charged twice/, charges: 1, held: 2 },
      'non-atomic-crash': { banner: /IN_FLIGHT but a ledger row exists/, charges: 1, held: 1 },
      'retry-storm': { banner: null, charges: 12, held: 12 },
      'retry-storm-jitter': { banner: null, charges: 12, held: 12 },
    };
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLab(p, server);
      const chips = await page.locator('button.preset').evaluateAll((bs) => bs.map((b) => b.dataset.preset));
      assert.deepEqual([...chips].sort(), Object.keys(stories).sort(), 'every preset on the page has its story here');
      const explanations = new Set();
      for (const id of chips) {
        const story = stories[id];
        await choosePreset(page, id);
        assert.equal(await page.locator('button.preset[aria-pressed="true"]').count(), 1, id);
        const text = (await page.locator('#scenario-explanation').textContent()).trim();
        assert.ok(text.length > 20 && !explanations.has(text), `${id} has its own explanation`);
        explanations.add(text);
        assert.equal(await page.locator('#fault-plan li').count() + (await page.locator('#fault-plan-empty').count()) > 0, true);
        await seekEnd(page);
        const end = await indicator(page);
        assert.ok(end.step === end.last && end.last > 5, `${id} ends at its last step`);
        if (story.banner) {
          assert.match(await page.locator('#violation-banner').textContent(), story.banner, id);
        } else {
          assert.equal(await page.locator('#violation-banner').count(), 0, `${id}: no violation`);
        }
        assert.equal((await tableRows(page, 'Ledger')).length, story.charges, `${id}: ledger rows`);
        const held = (await tableRows(page, 'Card authorizations')).filter((r) => r[3] === 'HELD').length;
        assert.equal(held, story.held, `${id}: holds on the card`);
      }
    });
  });

  test('on a 375 px wide phone the lab plays and steps without sideways scrolling', async () => {
    await withPage(browser, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true }, async (p) => {
      const { page } = p;
      const overflow = () =>
        page.evaluate(() => ({
          doc: document.documentElement.scrollWidth,
          body: document.body.scrollWidth,
          view: window.innerWidth,
        }));
      await p.goto(server.appUrl);
      assert.ok((await overflow()).doc <= 377, `landing: ${JSON.stringify(await overflow())}`);
      await p.follow(() => page.tap('a[data-lab="payments"]'), { ready: '#play' });
      await page.locator('#play:enabled').waitFor();

      for (const id of ['#play', '#step-fwd', '#step-back']) {
        const box = await page.locator(id).boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= 375, `${id} is on screen: ${JSON.stringify(box)}`);
      }
      await page.tap('#step-fwd');
      await waitForStep(page, 1);
      await page.tap('#step-fwd');
      await waitForStep(page, 2);
      await page.tap('#step-back');
      await waitForStep(page, 1);
      await page.selectOption('#speed', '4');
      await page.tap('#play');
      await page.locator('#play[aria-label="Pause"]').waitFor();
      await waitUntil(async () => (await page.locator('#play').getAttribute('aria-label')) === 'Play', {
        timeout: 20_000,
        what: 'playback to end',
      });
      const end = await indicator(page);
      assert.equal(end.step, end.last);
      await page.locator('#violation-banner').waitFor();

      // The wide diagram scrolls inside its own box; the page itself does not.
      const o = await overflow();
      assert.ok(o.doc <= 377 && o.body <= 377, `no horizontal page overflow: ${JSON.stringify(o)}`);
      const scroller = await page.evaluate(() => {
        const el = document.getElementById('diagram-scroll');
        return { scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, right: el.getBoundingClientRect().right };
      });
      assert.ok(scroller.right <= 377, `the diagram box fits: ${JSON.stringify(scroller)}`);
    });
  });

  test('with prefers-reduced-motion the lab still steps and plays correctly', async () => {
    await withPage(browser, { reducedMotion: 'reduce' }, async (p) => {
      const { page } = p;
      assert.equal(await page.evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches), true);
      await openLab(p, server);
      const texts = [await narration(page)];
      for (let i = 1; i <= 3; i++) {
        await page.click('#step-fwd');
        await waitForStep(page, i);
        texts.push(await narration(page));
      }
      assert.equal(new Set(texts).size, 4, 'each step narrates something new');
      await page.click('#step-back');
      await waitForStep(page, 2);
      assert.equal(await narration(page), texts[2]);

      // Nothing moves: no animations or transitions, but a message on its way is still drawn.
      const motion = await page.evaluate(() =>
        [...document.querySelectorAll('.machine .state rect, .machine .edge path')].map((el) => {
          const cs = getComputedStyle(el);
          return `${cs.animationName}/${cs.transitionDuration}`;
        }),
      );
      assert.ok(motion.length > 0);
      assert.deepEqual([...new Set(motion)], ['none/0s'], 'no animation or transition');
      await page.click('#restart');
      await waitForStep(page, 0);
      assert.equal(await page.locator('svg#sequence g.flight.in-flight circle.packet').count(), 1, 'the first request is on its way');

      await page.selectOption('#speed', '4');
      await playToEnd(page);
      const end = await indicator(page);
      assert.equal(end.step, end.last);
      assert.match(await page.locator('#violation-banner').textContent(), /charged twice/);
      assert.equal((await tableRows(page, 'Ledger')).length, 2);
    });
  });
});
