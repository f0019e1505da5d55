// A long run's sequence diagram, as a learner sees it: the 1,000-event
// Payments run (more than 256 rows) draws only the rows near those scrolled
// into view and the cursor's, so these tests check that whatever part of
// the diagram box is in view has its rows drawn, within 1 s of a scroll
// (scrolls whose first frame showed blank rows are counted and printed as
// a NOTE), that every message the run has sent can be seen by scrolling,
// and that "Export diagram (SVG)" saves the whole diagram, not the window,
// and leaves the page working.
// Every test also fails if the page logged a console error, threw, or sent
// a request anywhere but the local server (withPage -> assertNoIssues).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { labUrl, serveAndLaunch } from './harness.mjs';
import { indicator, linkTo, openLink, THOUSAND, waitForStep, waitUntil, withPage } from './lab-helpers.mjs';


const STEP = 900;

/**
 * Runs in the page: the rows of the diagram box's visible part, as the
 * row times in the gutter show them ("#N 1.234 s"): their numbers in
 * order, the arrows (data-flight) drawn at least partly in view, every
 * arrow drawn, the blank space between the box's top (bottom) and the
 * first (last) time in view, in rows, and whether that part is drawn
 * whole (`whole`: what assertNoBlank checks, with `cursor` the last row
 * drawn).
 */
function rowsInView(cursor = 900) {
  const box = document.getElementById('diagram-scroll');
  const r = box.getBoundingClientRect();
  const ticks = [...document.querySelectorAll('svg#sequence text.tick')]
    .map((t) => ({ n: +/^#(\d+) /.exec(t.textContent)[1], b: t.getBoundingClientRect() }))
    .filter(({ b }) => b.bottom > r.top && b.top < r.bottom)
    .sort((a, b) => a.n - b.n);
  const arrows = [...document.querySelectorAll('svg#sequence g[data-flight]')];
  const inView = arrows.filter((g) => {
    const b = g.getBoundingClientRect();
    return b.bottom > r.top && b.top < r.bottom;
  });
  const pitch = ticks.length > 1 ? (ticks.at(-1).b.top - ticks[0].b.top) / (ticks.at(-1).n - ticks[0].n) : NaN;
  const rows = ticks.map((t) => t.n);
  const gapAbove = ticks.length ? (ticks[0].b.top - r.top) / pitch : Infinity;
  const gapBelow = ticks.length ? (r.bottom - ticks.at(-1).b.bottom) / pitch : Infinity;
  return {
    rows,
    pitch,
    gapAbove,
    gapBelow,
    whole:
      rows.length >= 5 &&
      rows.every((n, i) => !i || n === rows[i - 1] + 1) &&
      gapAbove < 2 &&
      (rows.at(-1) >= cursor || gapBelow < 2),
    arrowsInView: inView.map((g) => +g.dataset.flight),
    drawn: arrows.map((g) => +g.dataset.flight),
    scrollTop: box.scrollTop,
  };
}

/**
 * Runs in the page: scroll the diagram box to `y` (px) and wait for its
 * scroll event; `read()` (rowsInView) at the first frame after it (what
 * the learner sees first), then at each frame until the part in view is
 * drawn whole (at most 2 s: `drawnAfter` is then null), and once more
 * when the page has settled; `target`: where the box was scrolled to.
 */
async function scrollAndRead(y, read) {
  const box = document.getElementById('diagram-scroll');
  const target = Math.min(Math.max(0, Math.round(y)), box.scrollHeight - box.clientHeight);
  const started = performance.now();
  if (Math.abs(box.scrollTop - target) >= 1) {
    const scrolled = new Promise((done) => box.addEventListener('scroll', done, { once: true }));
    box.scrollTop = target;
    await scrolled;
  }
  const frame = () => new Promise((done) => requestAnimationFrame(() => done(read())));
  const first = await frame();
  let now = first;
  let blankFrames = 0;
  while (!now.whole && performance.now() - started < 2000) {
    blankFrames += 1;
    now = await frame();
  }
  const drawnAfter = now.whole ? Math.round(performance.now() - started) : null;
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 30))));
  return { target, first, blankFrames, drawnAfter, settled: read() };
}

/**
 * Assert that the box's visible part has no blank rows: the times in view
 * are consecutive rows, at least `min` of them, starting within two rows of
 * the box's top, and (unless the cursor's row, the last drawn, is in view)
 * reaching within two rows of its bottom.
 */
function assertNoBlank(view, what, { cursor = STEP, min = 5 } = {}) {
  const { rows } = view;
  assert.ok(rows.length >= min, `${what}: ${rows.length} row times in view (${rows.join(', ')}), expected at least ${min}`);
  rows.forEach((n, i) => i && assert.equal(n, rows[i - 1] + 1, `${what}: rows in view are consecutive (${rows.join(', ')})`));
  assert.ok(view.gapAbove < 2, `${what}: ${view.gapAbove.toFixed(1)} blank rows above #${rows[0]} at the top of the box`);
  if (rows.at(-1) < cursor) {
    assert.ok(view.gapBelow < 2, `${what}: ${view.gapBelow.toFixed(1)} blank rows below #${rows.at(-1)} at the bottom of the box`);
  }
}

/**
 * Assert that a scroll (scrollAndRead's answer) left the box where it was
 * scrolled to and the part in view drawn whole, within 1 s of the scroll, and stays so; note in `blank`
 * the scrolls whose first frame showed blank rows. That first frame is not
 * asserted: on this shared 2-core machine, under load (load average ~13), a
 * scroll to the top just after the run opened showed no rows for a frame
 * or two in 3 of about 50 tries (none in 150 tries later), then drew them.
 * (Likely: Yew's scheduler, once a run of its work passes 16 ms, puts the
 * rest off to a timer, after the next frame.)
 */
function assertScrolled(v, what, blank) {
  assert.ok(v.drawnAfter !== null, `${what}: the rows in view are still not all drawn 2 s after the scroll (${v.settled.rows.join(', ')})`);
  assert.ok(v.drawnAfter <= 1000, `${what}: the rows in view were drawn ${v.drawnAfter} ms after the scroll (at most 1 s)`);
  assert.ok(Math.abs(v.settled.scrollTop - v.target) < 1, `${what}: the box stays where it was scrolled to (${v.target} px), it is at ${v.settled.scrollTop} px`);
  assertNoBlank(v.settled, what);
  if (v.blankFrames) blank.push(`${what}: ${v.blankFrames} frame(s), drawn after ${v.drawnAfter} ms`);
}

/** Scroll the diagram box to `y` px (see scrollAndRead). */
function scrollTo(page, y) {
  // One expression with both functions' source: a function passed to
  // page.evaluate cannot call another of this file.
  return page.evaluate(`(${scrollAndRead})(${Number(y)}, () => (${rowsInView})(${STEP}))`);
}

/** The number of messages sent so far, as the diagram's label reads it. */
async function messagesSoFar(page) {
  const label = await page.locator('svg#sequence').getAttribute('aria-label');
  const m = /, (\d+) messages so far$/.exec(label);
  assert.ok(m, `the diagram's label reads "${label}"`);
  return +m[1];
}

/** Ticks ("#N ") present in the page's diagram. */
const tick = (page, n) => page.locator('svg#sequence text.tick', { hasText: new RegExp(`^#${n} `) });

describe('a long run\'s sequence diagram (1,000-event Payments run)', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  /** Open the run at step 900 and check what is drawn there. */
  async function openAt900(p) {
    await openLink(p, labUrl(server, 'payments', linkTo(THOUSAND, STEP)));
    const at = await indicator(p.page);
    assert.equal(at.step, STEP);
    assert.ok(at.last > 256, `a long run (${at.last + 1} rows)`);
    return at;
  }

  test('at step 900 the rows near the cursor are drawn; scrolling the box draws the rows that come into view, none blank', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openAt900(p);
      const sent = await messagesSoFar(page);

      // Opened at step 900: the box is scrolled to the cursor's row, drawn
      // with the rows around it; rows far above are not drawn at all.
      const opened = await page.evaluate(rowsInView);
      assert.ok(opened.rows.includes(STEP), `row #${STEP} is in view when the run opens (${opened.rows.join(', ')})`);
      assertNoBlank(opened, 'opened at step 900');
      assert.equal(await tick(page, STEP).count(), 1, 'row #900 is drawn');
      assert.equal(await tick(page, 300).count(), 0, 'row #300, far from the view and the cursor, is not drawn');
      assert.equal(await tick(page, 3).count(), 0, 'row #3 is not drawn yet');
      assert.equal(await page.locator('svg#sequence g[data-flight="0"]').count(), 0, 'the first arrow is not drawn yet');
      const windowed = opened.drawn.length;
      assert.ok(windowed < sent / 3, `${windowed} of the ${sent} arrows sent are drawn: a window, not the whole run`);

      // To the top: the first rows and their arrows.
      const blank = [];
      const top = await scrollTo(page, 0);
      assert.equal(top.settled.scrollTop, 0);
      assertScrolled(top, 'scrolled to the top', blank);
      assert.equal(top.settled.rows[0], 0, `the box's top shows row #0 (${top.settled.rows.join(', ')})`);
      assert.ok(top.settled.rows.includes(3), `row #3 is in view (${top.settled.rows.join(', ')})`);
      assert.ok(top.settled.arrowsInView.includes(0), `the first arrow (data-flight="0") is in view (${top.settled.arrowsInView.join(', ')})`);
      assert.equal(await tick(page, 3).count(), 1, 'row #3 is drawn');
      assert.equal(await tick(page, 300).count(), 0, 'row #300 is still not drawn');
      assert.equal(await tick(page, STEP).count(), 1, 'the cursor\'s row #900 stays drawn');

      // To the middle: row #500's piece is drawn.
      const middle = await scrollTo(
        page,
        await page.locator('#diagram-scroll').evaluate((b) => (b.scrollHeight - b.clientHeight) / 2),
      );
      assertScrolled(middle, 'scrolled to the middle', blank);
      const rows = middle.settled.rows;
      assert.ok(rows[0] > 400 && rows[0] < 600, `the middle of the box shows rows ${rows.join(', ')}`);
      assert.ok(middle.settled.arrowsInView.length > 0, 'arrows are drawn in view in the middle');
      assert.equal(await tick(page, 500).count(), 1, 'row #500 is drawn');
      assert.equal(await tick(page, 3).count(), 0, 'row #3, out of view again, is no longer drawn');

      // A learner scrolling down from the top to the cursor, most of a box
      // at a time: at every position the rows in view are drawn; every
      // message sent so far is seen on the way.
      const height = await page.locator('#diagram-scroll').evaluate((b) => b.clientHeight);
      const seen = new Set();
      let positions = 0;
      let slowest = 0;
      for (let y = 0; ; y += Math.round(height * 0.9)) {
        const v = await scrollTo(page, y);
        assertScrolled(v, `scrolled to ${v.settled.scrollTop} px`, blank);
        slowest = Math.max(slowest, v.drawnAfter);
        v.settled.drawn.forEach((f) => seen.add(f));
        positions += 1;
        if (v.settled.rows.includes(STEP)) break;
        assert.ok(positions < 200, 'the sweep reaches the cursor\'s row');
      }
      console.log(
        `NOTE: ${positions + 2} scrolls; the rows in view drawn at most ${slowest} ms after a scroll of the sweep; ` +
          `first frame blank after ${blank.length} scroll(s)${blank.length ? `: ${blank.join('; ')}` : ''}`,
      );
      assert.ok(positions > 30, `${positions} positions scrolled through`);
      assert.equal(seen.size, sent, `every message sent so far (${sent}) is drawn somewhere on the way (${seen.size})`);
      assert.deepEqual([...seen].sort((a, b) => a - b), [...Array(sent).keys()], 'the arrows seen are flights 0 to the last sent');
    });
  });

  test('"Export diagram (SVG)" at step 900 saves the whole diagram; the page goes back to its window and still steps', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openAt900(p);
      const sent = await messagesSoFar(page);
      const before = await page.locator('svg#sequence g[data-flight]').count();
      assert.ok(before > 0 && before < sent / 3, `the page draws ${before} of ${sent} arrows (the window)`);

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-svg')]);
      assert.equal(download.suggestedFilename(), 'faultline-diagram.svg');
      const svg = await readFile(await download.path(), 'utf8');
      assert.match(svg, /^<\?xml [^>]*\?>\s*<svg [^>]*id="sequence"/);

      // Every arrow sent up to step 900, each once: flights 0 to sent - 1.
      const flights = [...svg.matchAll(/data-flight="(\d+)"/g)].map((m) => +m[1]);
      assert.ok(flights.length > 4 * before, `the export has ${flights.length} data-flight, the page's window ${before}`);
      assert.equal(flights.length, sent, `the export has one arrow per message sent so far (${sent})`);
      assert.deepEqual([...flights].sort((a, b) => a - b), [...Array(sent).keys()], 'the export\'s arrows are flights 0 to the last sent');

      // Every row up to the cursor, none after it.
      const ticks = [...svg.matchAll(/<text [^>]*class="tick"[^>]*>#(\d+) \d+\.\d{3} s<\/text>/g)].map((m) => +m[1]);
      assert.ok(svg.includes('>#300 ') && svg.includes('>#900 '), 'the export has rows #300 and #900');
      assert.deepEqual(ticks.sort((a, b) => a - b), [...Array(STEP + 1).keys()], 'the export has one row time per row, #0 to #900');

      // The page goes back to drawing its window, and still works.
      await waitUntil(async () => (await page.locator('svg#sequence g[data-flight]').count()) === before, {
        what: `the page to draw its window again (${before} arrows)`,
      });
      assert.equal(await tick(page, 300).count(), 0, 'row #300 is not drawn on the page after the export');
      assert.equal((await indicator(page)).step, STEP, 'the export leaves the step where it was');
      await page.evaluate(() => document.activeElement?.blur());
      await page.keyboard.press('ArrowRight');
      await waitForStep(page, STEP + 1);
      await tick(page, STEP + 1).waitFor({ state: 'attached' });
      const after = await page.evaluate(rowsInView);
      assert.ok(after.rows.includes(STEP + 1), `row #${STEP + 1} is in view after stepping (${after.rows.join(', ')})`);
      assertNoBlank(after, 'after the export and a step', { cursor: STEP + 1 });
    });
  });

  test('a step forward keeps every arrow and row already drawn: the page adds what the step adds', async () => {
    // On the 1,000-event run at step 900 (a window) and on retry-storm at
    // step 100 (every row): arrows, row times and timers drawn before a
    // step stay the same elements after it. (Yew matched an unkeyed list's
    // children from its end, so each new arrow replaced every arrow drawn
    // before it: 7 tasks over 50 ms in 5 s of playback.)
    const cases = [
      { what: 'the 1,000-event run at step 900', url: labUrl(server, 'payments', linkTo(THOUSAND, STEP)), at: STEP },
      { what: 'retry-storm at step 100', url: labUrl(server, 'payments', 'lab=payments&preset=retry-storm&step=100'), at: 100 },
    ];
    for (const c of cases) {
      await withPage(browser, async (p) => {
        const { page } = p;
        await openLink(p, c.url);
        assert.equal((await indicator(page)).step, c.at);
        // Tag what is drawn, arrived arrows only (one in flight is redrawn
        // when it lands).
        const tagged = await page.evaluate(() => {
          const all = [...document.querySelectorAll('svg#sequence g[data-flight]:not(.in-flight), svg#sequence text.tick, svg#sequence g.timer')];
          window.__tagged = all;
          return all.length;
        });
        assert.ok(tagged > 50, `${c.what}: ${tagged} elements drawn`);
        await page.evaluate(() => document.activeElement?.blur());
        for (let i = 1; i <= 3; i++) {
          await page.keyboard.press('ArrowRight');
          await waitForStep(page, c.at + i);
        }
        await tick(page, c.at + 3).waitFor({ state: 'attached' });
        const replaced = await page.evaluate(() =>
          window.__tagged.filter((el) => !el.isConnected).map((el) => el.getAttribute('data-flight') ?? el.textContent.slice(0, 12)),
        );
        assert.deepEqual(replaced, [], `${c.what}: elements drawn before three steps forward and replaced by them`);
      });
    }
  });
});
