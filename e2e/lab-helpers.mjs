// Helpers for the lab E2E tests (lab.test.mjs, a11y.test.mjs, perf.test.mjs).
// Built on harness.mjs; everything here waits for a condition rather than
// sleeping for a fixed time.
import assert from 'node:assert/strict';
import { newPage } from './harness.mjs';

/** Every preset of the payments lab, as the chips name them. */
export const PRESETS = [
  'happy-path',
  'lost-response-no-key',
  'lost-response-with-key',
  'concurrent-retry-409',
  'changed-amount-422',
  'declined-replayed',
  'key-expired',
  'key-expired-processor-remembers',
  'processor-timeout',
  'lapsed-lock-rerun',
  'non-atomic-crash',
  'retry-storm',
  'retry-storm-jitter',
];

/**
 * Run `fn(p)` with an instrumented page (see harness newPage), then assert
 * that nothing went wrong in the page (console errors, page errors, failed
 * or non-local requests) and close the context, pass or fail.
 */
export async function withPage(browser, options, fn) {
  if (typeof options === 'function') [options, fn] = [{}, options];
  const p = await newPage(browser, options);
  try {
    await fn(p);
    // Give late errors (a rejected promise, a late request) a chance to land.
    await p.page.waitForLoadState('networkidle');
    await p.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
    p.assertNoIssues();
  } finally {
    await p.close();
  }
}

/**
 * From the landing page, open a lab (payments unless told) with the mouse:
 * its card is a link to the lab's own page; wait for that page's app (not
 * its static shell, whose Play button is enabled too).
 */
export async function openLab(p, server, lab = 'payments') {
  await p.goto(server.appUrl);
  await p.follow(() => p.page.click(`a[data-lab="${lab}"]`), { ready: '#play' });
  await p.page.locator('#play:enabled').waitFor();
}

/** Open `url` (a permalink) and wait until the lab can be played. */
export async function openLink(p, url) {
  await p.goto(url, { ready: '#play' });
  await p.page.locator('#play:enabled').waitFor();
}

/**
 * The page's address once it is written: the app replaces the link when
 * the view has been still for 50 ms (src/hooks.rs, use_hash_out), so a
 * test reads it a little later than that.
 */
export function linkNow(page) {
  return page.evaluate(() => new Promise((r) => setTimeout(() => r(location.href), 150)));
}

/** Parse "Step 14 / 16 · 1.674 s". */
export function parseIndicator(text) {
  const m = /^Step (\d+) \/ (\d+) · (\d+)\.(\d{3}) s$/.exec(text.trim());
  assert.ok(m, `step indicator reads "${text}"`);
  return { step: +m[1], last: +m[2], ms: +m[3] * 1000 + +m[4] };
}

export async function indicator(page) {
  return parseIndicator(await page.locator('#step-indicator').textContent());
}

export async function narration(page) {
  return (await page.locator('#narration').textContent()).trim();
}

/** Wait until `predicate(indicator)` holds. */
export async function waitForIndicator(page, predicate, { timeout = 15_000, what = 'step indicator' } = {}) {
  const started = Date.now();
  let last;
  for (;;) {
    last = await page.locator('#step-indicator').textContent();
    if (predicate(parseIndicator(last))) return parseIndicator(last);
    if (Date.now() - started > timeout) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; it reads "${last}"`);
    }
    await page.waitForTimeout(25);
  }
}

/** Wait for the step indicator to show step `n`. */
export function waitForStep(page, n, opts) {
  return waitForIndicator(page, (i) => i.step === n, { what: `step ${n}`, ...opts });
}

/** Wait until playback has stopped by itself (the button offers "Play" again). */
export async function waitUntilPaused(page, timeout = 30_000) {
  await page.locator('#play[aria-label="Play"]').waitFor({ timeout });
}

/**
 * Click a preset chip (opening the "More scenarios" menu first if the chip
 * is in it) and wait until it is the active one, at step 0.
 */
export async function choosePreset(page, id) {
  const chip = page.locator(`button[data-preset="${id}"]`);
  if (!(await chip.isVisible())) await page.click('#preset-more summary');
  await chip.click();
  await page.locator(`button[data-preset="${id}"][aria-pressed="true"].active`).waitFor({ state: 'attached' });
  await waitForStep(page, 0);
}

/** Move the timeline slider to step `n`, as a user dragging it would. */
export async function seek(page, n) {
  await page.locator('#timeline').fill(String(n));
  return waitForStep(page, n);
}

/** Text of each cell of each body row of a data table (the "(empty)" row excluded). */
export async function tableRows(page, title) {
  return page
    .locator(`table[data-table="${title}"] tbody tr:not(.empty)`)
    .evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent.trim())));
}

/** The "outcome" column (5th) of the Client attempts table. */
export async function attemptOutcomes(page) {
  return (await tableRows(page, 'Client attempts')).map((r) => r[4]);
}

/** The labels of the message arrows drawn so far. */
export async function flightLabels(page) {
  return page.locator('svg#sequence text.flight-label').allTextContents();
}

/** What a learner sees at the current step, for comparing two views of "the same" step. */
export async function snapshot(page) {
  const ind = await indicator(page);
  return {
    indicator: ind,
    narration: await narration(page),
    charges: await tableRows(page, 'Ledger'),
    attempts: await tableRows(page, 'Client attempts'),
    keys: await tableRows(page, 'Idempotency keys'),
    flights: await flightLabels(page),
    plan: await page.locator('#fault-plan li').allTextContents(),
    banner: (await page.locator('#violation-banner').count())
      ? (await page.locator('#violation-banner').textContent()).trim()
      : null,
  };
}

/** The error banner's text, once it is shown. */
export async function messageText(page) {
  const msg = page.locator('#message');
  await msg.waitFor();
  return (await msg.textContent()).trim();
}

/** The hash step of a permalink / page URL ("…#v1.<payload>.<step>"). */
export function linkStep(url) {
  const m = /#v1\.[A-Za-z0-9_-]+\.(\d+)$/.exec(url);
  assert.ok(m, `"${url.slice(0, 80)}…" is a v1 permalink`);
  return +m[1];
}

/** Poll `fn` until it returns a truthy value. */
export async function waitUntil(fn, { timeout = 10_000, interval = 25, what = 'condition' } = {}) {
  const started = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - started > timeout) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Press Play and wait until the run has played to its last step. */
export async function playToEnd(page, { timeout = 30_000 } = {}) {
  await page.click('#play');
  await page.locator('#play[aria-label="Pause"]').waitFor();
  await waitUntilPaused(page, timeout);
  const end = await indicator(page);
  assert.equal(end.step, end.last, `playback stopped at the last step (${JSON.stringify(end)})`);
  return end;
}

/** Drag the timeline to its end (the last step). */
export async function seekEnd(page) {
  const last = Number(await page.locator('#timeline').getAttribute('max'));
  await page.locator('#timeline').fill(String(last));
  return waitForIndicator(page, (i) => i.step === i.last && i.step === last, { what: 'the last step' });
}

/**
 * The 1,000-event Payments run: 30 clients against a crashed-then-recovering
 * API, with random loss and duplication: the largest run the issue's
 * budgets for re-simulation and playback speak of.
 */
export const THOUSAND = {
  v: 1,
  lab: 'payments',
  config: { api_capacity: 2, backoff_base_ms: 300, backoff_cap_ms: 4000, clients: 30, jitter: true, max_attempts: 10, processor_ms: 900 },
  seed: 7,
  faults: [
    { crash: { at_ms: 0, actor: 'payment-api' } },
    { restart: { at_ms: 1100, actor: 'payment-api' } },
  ],
  random: { drop_permille: 250, duplicate_permille: 100, delay_permille: 0, delay_ms: 0 },
};
/** A full link's hash to a scenario at a step. */
export const linkTo = (scenario, step) => `v1.${Buffer.from(JSON.stringify(scenario)).toString('base64url')}.${step}`;
