// Comparing two runs of one lab, as a learner does it: a lab's ready-made
// pair (OAuth's authentication vs authorization), or this run beside itself
// with one setting changed; one clock for both, the summary side by side
// (written by the page's helper worker after each step),
// B (or a button) swaps which diagram is on screen; a fault clicked reaches
// both runs; the comparison's link opens it again; bad comparison links get
// a message; axe finds nothing. Every test also fails on a console error,
// an exception or a request to anywhere but the local server (withPage).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { labUrl, serveAndLaunch } from './harness.mjs';
import { indicator, linkNow, messageText, openLab, openLink, seek, seekEnd, tableRows, waitUntil, withPage } from './lab-helpers.mjs';


/** Open a lab from its landing card. */
async function openLabCard(p, server, lab) {
  await openLab(p, server, lab);
}

/**
 * Wait until the summary (written by the page's helper worker after each
 * step) is the one for the step on screen.
 */
async function currentSummary(page) {
  const { step } = await indicator(page);
  await page.locator(`#compare-summary[data-step="${step}"]`).waitFor();
  return page.locator('#compare-summary');
}

/** The summary row `what` as [label, A, B], once the summary is current. */
async function summaryRow(page, what) {
  await currentSummary(page);
  const rows = await page
    .locator('#compare-summary tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
  const row = rows.find((r) => r[0] === what);
  assert.ok(row, `the summary has a row "${what}": ${JSON.stringify(rows)}`);
  return row;
}

/** Rows of a table the comparison shows for run `side` ("A" or "B"). */
const sideRows = async (page, side, title) => {
  await currentSummary(page);
  return page
    .locator(`table[data-table="${side} · ${title}"] tbody tr:not(.empty)`)
    .evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent.trim())));
};

/** Which run's diagram is on screen ("A" or "B"). */
const onScreen = async (page) =>
  (await page.locator('#compare-b').getAttribute('aria-pressed')) === 'true' ? 'B' : 'A';

describe('comparing two runs', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  test('authentication vs authorization: plain OAuth and OpenID Connect side by side on one seed', async () => {
    let link;
    let seen;
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLabCard(p, server, 'oauth');
      assert.equal(await page.locator('#compare').count(), 0, 'no comparison before asking');
      await page.click('button[data-compare="authn-vs-authz"]');
      await page.locator('#compare').waitFor();
      assert.match(await page.locator('#compare-explanation').textContent(), /authentication/i);
      const head = await (await currentSummary(page)).locator('thead th').allTextContents();
      assert.deepEqual(head.slice(1), ['A · Plain OAuth: access without identity', 'B · Happy path: code flow with PKCE']);
      assert.deepEqual((await summaryRow(page, 'OpenID Connect (ID token)')).slice(1), ['off', 'on']);
      assert.match((await summaryRow(page, 'Seed'))[1], /\(the same\)/);
      assert.equal(await onScreen(page), 'A');
      assert.equal(await page.locator('button.preset[aria-pressed="true"]').getAttribute('data-preset'), 'plain-oauth-no-oidc');

      // At the end both read the calendar, but only B's Planner knows who signed in.
      await seekEnd(page);
      const who = async (side) => (await sideRows(page, side, "Planner's session")).find((r) => r[0] === 'signed in as')?.[1];
      assert.equal(await who('A'), 'nobody known: no ID token');
      assert.equal(await who('B'), "alice (the ID token's sub)");
      const ok = (rows) => rows.some((r) => r[3].startsWith('200'));
      assert.ok(ok(await sideRows(page, 'A', 'Calendar API calls')), 'plain OAuth reads the calendar');
      assert.ok(ok(await sideRows(page, 'B', 'Calendar API calls')), 'so does OpenID Connect');

      // B on the keyboard: B's diagram and panels, at the same moment.
      const before = await indicator(page);
      await page.click('#compare-h'); // out of the timeline slider, where keys are the slider's
      await page.keyboard.press('b');
      await waitUntil(async () => (await onScreen(page)) === 'B', { what: "B's diagram on screen" });
      assert.equal(await page.locator('button.preset[aria-pressed="true"]').getAttribute('data-preset'), 'happy-path');
      const inB = await indicator(page);
      assert.ok(inB.ms <= before.ms, `B is shown at the same moment or just before (${inB.ms} <= ${before.ms})`);
      const session = await tableRows(page, "Planner's session");
      assert.deepEqual(session.find((r) => r[0] === 'signed in as'), ['signed in as', "alice (the ID token's sub)"]);
      assert.notEqual(session.find((r) => r[0] === 'ID token')[1], '—', "B's Planner holds an ID token");

      // The link says all of it: both runs, B on screen, the step.
      await seek(page, Math.max(1, inB.step - 3));
      link = await linkNow(page);
      assert.match(link, /#vs1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.\d+\.b$/);
      seen = { indicator: await indicator(page), summary: await (await currentSummary(page)).textContent() };

      // The mouse swaps back.
      await page.click('#compare-a');
      await waitUntil(async () => (await onScreen(page)) === 'A', { what: "A's diagram on screen" });
    });
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, link);
      await page.locator('#compare').waitFor();
      assert.equal(await onScreen(page), 'B');
      assert.deepEqual(await indicator(page), seen.indicator, 'the same step of B');
      assert.equal(await (await currentSummary(page)).textContent(), seen.summary, 'the same summary');
      assert.equal(await page.locator('#message').count(), 0, 'no notice');
    });
  });

  test('any run beside itself with one setting changed; a fault reaches both; ending it keeps the run', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLabCard(p, server, 'payments');
      await page.locator('#compare-with').selectOption({ label: 'This run with Client sends an Idempotency-Key: on' });
      await page.click('#compare-start');
      await page.locator('#compare').waitFor();
      assert.deepEqual((await summaryRow(page, 'Client sends an Idempotency-Key')).slice(1), ['off', 'on']);
      const [, a0, b0] = await summaryRow(page, 'Fault plan');
      assert.equal(a0, b0, 'one fault plan');

      await seekEnd(page);
      const [, brokenA, brokenB] = await summaryRow(page, 'Invariants broken');
      assert.match(brokenA, /✗/, 'without a key the customer is charged twice');
      assert.equal(brokenB, '✓ none so far', 'with a key, once');
      const held = async (side) =>
        (await sideRows(page, side, 'Card authorizations')).filter((r) => r.includes('HELD')).length;
      assert.deepEqual([await held('A'), await held('B')], [2, 1]);

      // A fault clicked now goes into both runs' plans.
      await seek(page, 2);
      await page.click('button[data-fault="crash-api"]');
      await waitUntil(async () => (await summaryRow(page, 'Fault plan'))[1] !== a0, { what: 'the fault in the plan' });
      const [, a1, b1] = await summaryRow(page, 'Fault plan');
      assert.equal(a1, b1);
      assert.match(a1, /3 faults \(the same\)/);

      await page.click('#compare-end');
      await page.locator('#compare').waitFor({ state: 'detached' });
      assert.equal(await page.locator('#fault-plan li').count(), 3, 'the run on screen keeps its plan');
      assert.doesNotMatch(await linkNow(page), /#vs1\./, 'the link is a plain run link again');
    });
  });

  test('bad comparison links get a message and the page keeps working', async () => {
    const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const mixed = `vs1.${enc({ v: 1, lab: 'oauth', seed: 1 })}.${enc({ v: 1, lab: 'payments', seed: 1 })}.0`;
    // Opened at the root, as shared before each lab had its own page: the
    // landing page sends each to the lab it names (the first run's lab for
    // a comparison; an unreadable one to the first lab's page).
    for (const [hash, expect] of [
      ['lab=oauth&compare=nope', /no comparison called "nope"/],
      ['vs1.e30', /cut short/],
      [mixed, /two runs of one lab/],
    ]) {
      await withPage(browser, async (p) => {
        const { page } = p;
        await openLink(p, `${server.appUrl}#${hash}`);
        assert.match(await messageText(page), expect, hash);
        assert.equal(await page.locator('#compare').count(), 0);
        await page.click('#step-fwd');
        assert.equal((await indicator(page)).step, 1, 'the default run still plays');
      });
    }
  });

  test('axe: a comparison on screen, with its tables', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, labUrl(server, 'oauth', 'lab=oauth&compare=jwt-vs-opaque'));
      await page.locator('#compare').waitFor();
      await seekEnd(page);
      await currentSummary(page);
      const results = await new AxeBuilder({ page }).analyze();
      assert.ok(results.passes.length > 0);
      assert.deepEqual(
        results.violations.map((v) => `${v.impact}: ${v.id} (${v.help}) on ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', ')}`),
        [],
      );
    });
  });

  test('saga vs two-phase commit: the coordinator dies, 2PC holds its locks, the saga holds none', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, labUrl(server, 'sagas', 'lab=sagas&compare=saga-vs-2pc'));
      await page.locator('#compare').waitFor();
      assert.deepEqual((await summaryRow(page, 'Coordination')).slice(1), ['Orchestrated saga', 'Two-phase commit']);
      assert.match((await summaryRow(page, 'Fault plan'))[1], /\(the same\)/);
      // Step the saga (A) to just after the coordinator's crash.
      for (;;) {
        const { step, last } = await indicator(page);
        if (/orchestrator crashes/.test((await summaryRow(page, 'Now'))[1])) break;
        assert.ok(step < last, 'the crash happens');
        await page.click('#step-fwd');
        await waitUntil(async () => (await indicator(page)).step === step + 1, { what: 'next step' });
      }
      const held = (rows) => rows.filter((r) => r[1] === 'PREPARED' && r[2] === 'held');
      // Two-phase commit at the same moment: participants that voted YES wait with their locks.
      await waitUntil(async () => held(await sideRows(page, 'B', '2PC participants')).length > 0, { what: 'B blocked' });
      assert.equal(await page.locator('table[data-table="A · 2PC participants"]').count(), 0, 'a saga has no participants holding locks');
      // At the end both finished and kept every invariant; B says how long it was blocked.
      await seekEnd(page);
      const [, brokenA, brokenB] = await summaryRow(page, 'Invariants broken');
      assert.equal(brokenA, '✓ none so far');
      assert.equal(brokenB, '✓ none so far');
      const blocked = (await sideRows(page, 'B', '2PC participants')).map((r) => r[3]);
      assert.ok(blocked.includes('4.956 s'), `time blocked is shown: ${blocked}`);
      // The other diagram, on the keyboard.
      await page.click('#compare-h');
      await page.keyboard.press('b');
      await waitUntil(async () => (await onScreen(page)) === 'B', { what: "B's diagram on screen" });
      assert.match(await page.locator('#sequence').textContent(), /PREPARE/);
    });
  });

});
