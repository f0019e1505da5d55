// Performance figures, printed as "FIGURE: …" lines and held to budgets:
//   - cold load of a permalink to an interactive lab      < 1000 ms
//   - longest main-thread task while playing retry-storm  <= 50 ms (4x, 5 s)
//   - re-simulation after a fault click on retry-storm    < 16 ms (one frame)
// Like the engine bench, each budget holds for the best of three rounds, so
// a noisy shared 2-core machine does not fail it by chance; every round's
// figures are printed.
//
// Playback of large runs (the issue's budgets), printed with the budget
// beside each figure and whether it is met:
//   - a step forward on the 1,000-event run, key press to the next frame   <= 16 ms
//   - playing it at 4x for 5 s: frame gaps p95 <= 20 ms, no task over 50 ms
//   - a 5,000-event run: open, play 3 s, step: no task over 100 ms
//   - the largest run the bounds accept (100,000 events), opened: no task over 200 ms
// These budgets are not all met today: they are reported, not asserted.
// What is asserted are regression floors, well above what this 2-core
// machine measures now (each test says what it measured).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { labUrl, newPage, serveAndLaunch } from './harness.mjs';
import { choosePreset, indicator, linkTo, openLab, seek, THOUSAND, waitForStep, waitUntil, withPage } from './lab-helpers.mjs';

const figure = (text) => console.log(`FIGURE: ${text}`);
/** "(budget …: met)" or "(budget …: NOT met)", for a figure's line. */
const budget = (text, met) => `(budget ${text}: ${met ? 'met' : 'NOT met'})`;


/** Read "Seed 7 · 201 events · simulated in 1.8 ms" from the share panel. */
async function simulationFigure(page) {
  const text = await page.locator('.share .hint').textContent();
  const m = /Seed \d+ · (\d+) events · simulated in (\d+(?:\.\d+)?) ms/.exec(text);
  assert.ok(m, `share hint reads "${text}"`);
  return { events: +m[1], ms: +m[2] };
}

/** Record every long task (> 50 ms) the page runs, from its first script on. */
function recordLongTasks() {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/**
 * Runs in the page before it loads: each value the simulation's progress
 * bar shows (a long run is simulated in slices), and whether Play was
 * disabled at the time, in `window.__progress`.
 */
function recordProgress() {
  window.__progress = [];
  new MutationObserver(() => {
    const bar = document.querySelector('#simulating progress');
    const value = Number(bar?.getAttribute('value'));
    if (bar && window.__progress.at(-1)?.value !== value) {
      window.__progress.push({ value, max: Number(bar.getAttribute('max')), playDisabled: document.querySelector('#play')?.disabled === true });
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

/**
 * Check that the long-task observer works in this page: a deliberate
 * 80 ms busy loop is seen. It runs as a task of the page's own (a timer):
 * a loop run by page.evaluate itself is not reliably reported as a long
 * task. The list is emptied afterwards.
 */
async function checkLongTaskObserver(page) {
  await page.evaluate(
    () =>
      new Promise((done) =>
        setTimeout(() => {
          const t = performance.now();
          while (performance.now() - t < 80);
          done();
        }),
      ),
  );
  await waitUntil(() => page.evaluate(() => window.__longTasks.some((t) => t.duration >= 75)), {
    timeout: 3000,
    what: 'the long-task observer to see a deliberate 80 ms task',
  });
  await takeLongTasks(page);
}

/** The long tasks recorded since the last call (durations in ms, rounded), and start afresh. */
function takeLongTasks(page) {
  return page.evaluate(() => {
    const tasks = window.__longTasks.map((t) => Math.round(t.duration));
    window.__longTasks = [];
    return tasks;
  });
}

/**
 * Runs in the page: watch what the next key press does. It records when
 * the key was pressed (the event's own time stamp), every change to the
 * DOM after it, and for each change when the next frame was done: a
 * message posted from the frame's requestAnimationFrame callback is
 * handled once that frame's style, layout and paint have run.
 */
function watchKeyToFrame() {
  const w = { pressed: null, changes: [], frames: [] };
  window.__keyToFrame = w;
  addEventListener('keydown', (e) => (w.pressed = e.timeStamp), { capture: true, once: true });
  w.observer = new MutationObserver(() => {
    const changed = performance.now();
    w.changes.push(changed);
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => w.frames.push({ after: changed, done: performance.now() });
      channel.port2.postMessage(null);
    });
  });
  w.observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
}

/**
 * Once the page is quiet again (no DOM change for 300 ms), the time from
 * the key press to the frame after its last DOM change (ms).
 */
async function keyToFrame(page) {
  const read = () =>
    page.evaluate(() => {
      const w = window.__keyToFrame;
      const last = w.changes.at(-1);
      const frame = w.frames.find((f) => f.after === last);
      return { pressed: w.pressed, last, frame: frame?.done, quietFor: last === undefined ? 0 : performance.now() - last, changes: w.changes.length };
    });
  const r = await waitUntil(
    async () => {
      const s = await read();
      return s.pressed !== null && s.frame !== undefined && s.quietFor > 300 && s;
    },
    { timeout: 10_000, what: 'the page to change and draw after the key press' },
  );
  await page.evaluate(() => window.__keyToFrame.observer.disconnect());
  return Math.round((r.frame - r.pressed) * 10) / 10;
}

/**
 * Runs in the page: the time stamps of every requestAnimationFrame
 * callback for `ms` milliseconds (a frame the page cannot draw on time
 * shows as a long gap between two of them).
 */
function frameTimes(ms) {
  return new Promise((resolve) => {
    const times = [];
    const end = performance.now() + ms;
    const loop = (t) => {
      times.push(t);
      if (performance.now() < end) requestAnimationFrame(loop);
      else resolve(times);
    };
    requestAnimationFrame(loop);
  });
}

/** The gaps between frames: their 95th percentile and the longest (ms, one decimal). */
function gapStats(times) {
  const gaps = times
    .slice(1)
    .map((t, i) => t - times[i])
    .sort((a, b) => a - b);
  const round = (x) => Math.round(x * 10) / 10;
  return { frames: times.length, p95: round(gaps[Math.ceil(gaps.length * 0.95) - 1]), max: round(gaps.at(-1)) };
}

describe('performance', () => {
  let server;
  let browser;
  let link;
  /** The Sagas lab's happy path as its page writes it (its current model). */
  let sagas;

  serveAndLaunch(async (s, b) => {
    server = s;
    browser = b;
    // A permalink to a mid-run step of the biggest preset.
    await withPage(browser, async (p) => {
      await openLab(p, server);
      await choosePreset(p.page, 'retry-storm');
      await p.page.locator('#timeline').fill('40');
      await waitUntil(async () => /\.40$/.test(p.page.url()), { what: 'permalink at step 40' });
      link = p.page.url();
      await p.page.waitForLoadState('networkidle');
      await p.page.goto('about:blank');
      await p.goto(labUrl(server, 'sagas', 'lab=sagas&preset=happy-path'), { ready: '#play' });
      await waitUntil(() => p.page.evaluate(() => location.hash.startsWith('#v1.')), { what: 'the Sagas link in the address bar' });
      const hash = await p.page.evaluate(() => location.hash);
      sagas = JSON.parse(Buffer.from(hash.split('.')[1], 'base64url').toString('utf8'));
    });
  });

  test('cold load of a permalink to an interactive lab is under 1 s', async () => {
    const times = [];
    for (let i = 0; i < 3; i++) {
      // Each run in a fresh context: empty cache, nothing compiled yet.
      const p = await newPage(browser);
      try {
        const started = performance.now();
        const response = await p.page.goto(link, { waitUntil: 'commit' });
        assert.equal(response.status(), 200);
        await p.page.locator('#shell').waitFor({ state: 'detached', timeout: 10_000 });
        await p.page.locator('#play:enabled').waitFor({ timeout: 10_000 });
        times.push(Math.round(performance.now() - started));
        assert.equal((await indicator(p.page)).step, 40, 'the linked step is shown');
        const nav = await p.page.evaluate(() => {
          const [n] = performance.getEntriesByType('navigation');
          return { domContentLoaded: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd) };
        });
        if (i === 0) figure(`navigation timing (first cold load): DOMContentLoaded ${nav.domContentLoaded} ms, load ${nav.load} ms`);
        await p.page.waitForLoadState('networkidle');
        p.assertNoIssues();
      } finally {
        await p.close();
      }
    }
    figure(`cold load, permalink -> #play enabled: ${times.join(' / ')} ms (best ${Math.min(...times)} ms)`);
    assert.ok(Math.min(...times) < 1000, `cold load took ${times.join(' / ')} ms (budget 1000 ms for the best of three)`);
  });

  test('no main-thread task over 50 ms while playing retry-storm at 4x for 5 s', async () => {
    const rounds = [];
    for (let round = 0; round < 3; round++) {
      const tasks = await playStormRound();
      rounds.push(tasks);
      if (tasks.length === 0) break;
    }
    assert.deepEqual(
      rounds.at(-1),
      [],
      `main-thread tasks longer than 50 ms during playback, in each of ${rounds.length} rounds: ${JSON.stringify(rounds)}`,
    );
  });

  /** Play retry-storm at 4x for 5 s; the long tasks seen (as text). */
  async function playStormRound() {
    const p = await newPage(browser);
    try {
      const { page } = p;
      await page.addInitScript(recordLongTasks);
      await openLab(p, server);
      await choosePreset(page, 'retry-storm');

      // The measurement works: a deliberate 80 ms busy loop is seen.
      await checkLongTaskObserver(page);

      await page.selectOption('#speed', '4');
      await page.click('#play');
      await page.locator('#play[aria-label="Pause"]').waitFor();
      const startedAt = performance.now();
      await page.waitForTimeout(5000); // the measurement window itself
      const stillPlaying = (await page.locator('#play').getAttribute('aria-label')) === 'Pause';
      const at = await indicator(page);
      const tasks = await page.evaluate(() => window.__longTasks);
      const elapsed = Math.round(performance.now() - startedAt);
      if (stillPlaying) await page.click('#play');

      const longest = tasks.reduce((m, t) => Math.max(m, t.duration), 0);
      figure(
        `retry-storm at 4x for ${elapsed} ms: reached step ${at.step}/${at.last} (${(at.ms / 1000).toFixed(3)} s virtual); ` +
          `long tasks: ${tasks.length}, longest ${Math.round(longest)} ms`,
      );
      assert.ok(at.step > 50, `playback advanced (step ${at.step})`);
      await page.waitForLoadState('networkidle');
      p.assertNoIssues();
      return tasks.map((t) => `${Math.round(t.duration)} ms at ${Math.round(t.start)} ms`);
    } finally {
      await p.close();
    }
  }

  /**
   * Run `round(i)` (which returns [{ fault, ms, events }]) up to three
   * times, stopping once every figure is under `budget`; the best figure
   * per fault.
   */
  async function bestOfThree(round, budget) {
    const best = new Map();
    for (let i = 0; i < 3; i++) {
      for (const r of await round(i)) {
        if (!best.has(r.fault) || r.ms < best.get(r.fault).ms) best.set(r.fault, r);
      }
      if ([...best.values()].every((r) => r.ms < budget)) break;
    }
    return [...best.values()];
  }

  test('re-simulation after a fault click on retry-storm takes under 16 ms', async () => {
    const round = async () => {
      const results = [];
      await withPage(browser, async (p) => {
        const { page } = p;
        await openLab(p, server);
        await choosePreset(page, 'retry-storm');
        const loaded = await simulationFigure(page);
        figure(`retry-storm preset load: ${loaded.events} events simulated in ${loaded.ms} ms`);

        await page.locator('#timeline').fill('30');
        await waitUntil(async () => (await indicator(page)).step === 30, { what: 'step 30' });
        const faults = ['drop-response', 'slow-processor', 'crash-api', 'duplicate-request', 'delay-request', 'drop-request'];
        for (const [i, fault] of faults.entries()) {
          await page.click(`button[data-fault="${fault}"]`);
          await page.locator('#fault-plan li').nth(i).waitFor();
          const r = await simulationFigure(page);
          results.push({ fault, ...r });
        }
        figure(
          `re-simulation after a fault click (retry-storm, from step 30): ` +
            results.map((r) => `${r.fault} ${r.ms} ms/${r.events} events`).join(', ') +
            ` (max ${Math.max(...results.map((r) => r.ms))} ms)`,
        );
      });
      return results;
    };
    for (const r of await bestOfThree(round, 16)) {
      assert.ok(r.ms < 16, `${r.fault}: re-simulation took ${r.ms} ms at best (budget 16 ms)`);
    }
  });
  test('a run of about 1,000 events re-simulates in under 16 ms after a fault click', async () => {
    // The 1,000-event run (THOUSAND), at step 40.
    const hash = linkTo(THOUSAND, 40);
    // Each round clicks the three faults in another order, so each is
    // measured both as the page's first click and after one. The first
    // click after a load also pays for the browser compiling code on first
    // use, and its optimising compiler still busy with the page's hot code
    // on the other core (18-21 ms on the CI machine, 5-10 ms for the
    // clicks after it): it has a budget of its own, a long task's 50 ms.
    const faults = ['drop-response', 'crash-api', 'duplicate-request'];
    const firstClicks = [];
    const round = async (i) => {
      const results = [];
      await withPage(browser, async (p) => {
        const { page } = p;
        await p.goto(labUrl(server, 'payments', hash));
        await page.locator('#play:enabled').waitFor();
        const loaded = await simulationFigure(page);
        assert.ok(loaded.events >= 900, `the run has ${loaded.events} events`);
        const order = [...faults.slice(i % 3), ...faults.slice(0, i % 3)];
        for (const [n, fault] of order.entries()) {
          await page.click(`button[data-fault="${fault}"]`);
          await page.locator('#fault-plan li').nth(n + 2).waitFor();
          results.push({ fault, ...await simulationFigure(page) });
        }
        firstClicks.push(results[0].ms);
        figure(
          `1,000-event run: load ${loaded.ms} ms/${loaded.events} events; after fault clicks: ` +
            results.map((r) => `${r.fault} ${r.ms} ms/${r.events} events`).join(', '),
        );
      });
      return results;
    };
    for (const r of await bestOfThree(round, 16)) {
      assert.ok(r.ms < 16, `${r.fault}: re-simulation took ${r.ms} ms at best (budget 16 ms)`);
    }
    figure(`1,000-event run, the first click after a load: ${firstClicks.join(' / ')} ms`);
    assert.ok(Math.min(...firstClicks) < 50, `the first click after a load took ${firstClicks.join(' / ')} ms (budget 50 ms, best of rounds)`);
  });

  // --- Playback of large runs ---------------------------------------------

  test('a step forward on the 1,000-event run: from the key press to the next frame', async () => {
    // Measured on this 2-core machine (best of 3): from step 40 5-7 ms,
    // from step 900 10-15 ms (68-96 ms before the diagram was laid out
    // once per run; 18-24 ms before the cursor's piece was drawn row by
    // row and the tables, rows and machines redrew only what changed).
    //
    // Pressed on a page at rest, as a learner who reads a step before the
    // next: the state machines' transition animations of the step sought
    // (up to 0.7 s) have ended. While one runs, the browser draws a frame
    // at every vsync, so the step waits for the next one whatever it
    // costs (the time to it depends only on when the key lands): that
    // figure is printed too, with the count of animations running, and
    // measured 14.6-18.9 ms from step 900 (a step's own work there is
    // 10-11 ms: it fits in one
    // frame either way). From step 40 nothing animates after the move.
    // Floors: 80 and 60 ms, under what the old drawing took from step 900.
    const FLOOR = { 40: 80, 900: 60 };
    await withPage(browser, async (p) => {
      const { page } = p;
      await p.goto(labUrl(server, 'payments', linkTo(THOUSAND, 40)), { ready: '#play' });
      await page.locator('#play:enabled').waitFor();
      assert.ok((await indicator(page)).last >= 900, 'the run has about 1,000 events');
      for (const from of [40, 900]) {
        const times = { rest: [], animating: [] };
        // How many animations ran as each "animating" key was pressed.
        const animating = [];
        for (const when of ['rest', 'animating']) {
          for (let i = 0; i < 3; i++) {
            await seek(page, from);
            // The key goes to the page, as a learner presses → while
            // watching (not to the timeline, which dragging focused).
            await page.evaluate(() => document.activeElement?.blur());
            if (when === 'rest') {
              await page.waitForFunction(() => document.getAnimations().length === 0, null, { timeout: 5_000 });
            }
            await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 200))));
            if (when === 'animating') animating.push(await page.evaluate(() => document.getAnimations().length));
            await page.evaluate(watchKeyToFrame);
            await page.keyboard.press('ArrowRight');
            times[when].push(await keyToFrame(page));
            assert.equal((await indicator(page)).step, from + 1, `a step forward from ${from}`);
          }
        }
        const best = Math.min(...times.rest);
        figure(
          `1,000-event run, a step forward from step ${from}, key press to the next frame (page at rest): ${times.rest.join(' / ')} ms ` +
            `(best ${best} ms) ${budget('≤ 16 ms', best <= 16)}; 0.2 s after the move (animations running: ${animating.join(' / ')}): ${times.animating.join(' / ')} ms (best ${Math.min(...times.animating)} ms)`,
        );
        assert.ok(best < FLOOR[from], `a step forward from ${from} took ${times.rest.join(' / ')} ms (regression floor ${FLOOR[from]} ms, best of 3)`);
      }
    });
  });

  test('playing the 1,000-event run at 4x for 5 s: gaps between frames and long tasks', async () => {
    // Measured on this 2-core machine (rounds reaching step ~490): frame
    // gaps p95 16.7-16.8 ms, as when idle, and no long task (33 ms at
    // p95 before the panels out of view stopped being redrawn while
    // playing; 67-100 ms and 20-40 long tasks before the diagram's run
    // layout and window). The budget (p95 20 ms, no task over 50 ms) is
    // met. Floors: 60 and 80 ms, under what the old drawing measured, so a
    // return to it fails.
    const FLOOR = { p95: 60, longest: 80 };
    const rounds = [];
    for (let round = 0; round < 3; round++) {
      const p = await newPage(browser);
      try {
        const { page } = p;
        await page.addInitScript(recordLongTasks);
        await p.goto(labUrl(server, 'payments', linkTo(THOUSAND, 40)), { ready: '#play' });
        await page.locator('#play:enabled').waitFor();
        await page.waitForLoadState('networkidle');
        await checkLongTaskObserver(page);
        // The page's frame rate while nothing moves: what a gap is measured against.
        const idle = gapStats(await page.evaluate(frameTimes, 1000));

        await page.selectOption('#speed', '4');
        await page.click('#play');
        await page.locator('#play[aria-label="Pause"]').waitFor();
        await takeLongTasks(page);
        const playing = gapStats(await page.evaluate(frameTimes, 5000));
        const tasks = await takeLongTasks(page);
        const at = await indicator(page);
        if ((await page.locator('#play').getAttribute('aria-label')) === 'Pause') await page.click('#play');
        assert.ok(at.step > 100, `playback advanced (step ${at.step})`);
        const r = { p95: playing.p95, max: playing.max, frames: playing.frames, long: tasks.length, longest: Math.max(0, ...tasks), step: at.step };
        rounds.push(r);
        figure(
          `1,000-event run at 4x for 5 s from step 40 (round ${round + 1}): reached step ${at.step}/${at.last}; ` +
            `${r.frames} frames, gaps p95 ${r.p95} ms, longest ${r.max} ms (idle: p95 ${idle.p95} ms); ` +
            `long tasks: ${r.long}, longest ${r.longest} ms`,
        );
        await page.waitForLoadState('networkidle');
        p.assertNoIssues();
        if (r.p95 <= 20 && r.long === 0) break;
      } finally {
        await p.close();
      }
    }
    const best = { p95: Math.min(...rounds.map((r) => r.p95)), long: Math.min(...rounds.map((r) => r.long)), longest: Math.min(...rounds.map((r) => r.longest)) };
    figure(
      `1,000-event run at 4x for 5 s, best of ${rounds.length}: frame gaps p95 ${best.p95} ms, ${best.long} long tasks, longest ${best.longest} ms ` +
        budget('p95 ≤ 20 ms, no task over 50 ms', best.p95 <= 20 && best.long === 0),
    );
    assert.ok(best.p95 < FLOOR.p95, `frame gaps p95 ${rounds.map((r) => r.p95).join(' / ')} ms (regression floor ${FLOOR.p95} ms)`);
    assert.ok(best.longest < FLOOR.longest, `longest task ${rounds.map((r) => r.longest).join(' / ')} ms (regression floor ${FLOOR.longest} ms)`);
  });

  /**
   * A run of the Sagas lab that stops only at its bounds: the payment
   * service is down for good, and the orchestrator resends its command
   * until the run's event limit stops it. (The Payments lab cannot make a
   * run this long: its runs end by themselves, under 4,000 events with 30
   * clients, 10 attempts each and every message duplicated.)
   */
  const endless = (maxEvents) => ({
    ...sagas,
    faults: [{ crash: { at_ms: 0, actor: 'payment' } }],
    bounds: { max_events: maxEvents, max_time_ms: 3_600_000 },
  });

  /**
   * Open a run's link in a fresh page with long tasks recorded from its
   * first script; `then(p)` goes on with it. The time from navigation to
   * an enabled Play (ms), the run's last step and the long tasks of the
   * load, with what `then` returns.
   */
  async function openLarge(scenario, then = async () => ({})) {
    const p = await newPage(browser);
    try {
      const { page } = p;
      await page.addInitScript(recordLongTasks);
      await page.addInitScript(recordProgress);
      const started = performance.now();
      const response = await page.goto(labUrl(server, 'sagas', linkTo(scenario, 0)), { waitUntil: 'commit' });
      assert.equal(response.status(), 200);
      await page.locator('#shell').waitFor({ state: 'detached', timeout: 30_000 });
      await page.locator('#play:enabled').waitFor({ timeout: 30_000 });
      const interactive = Math.round(performance.now() - started);
      const { last } = await indicator(page);
      await page.waitForLoadState('networkidle');
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 100))));
      const open = await takeLongTasks(page);
      const more = await then(p);
      await page.waitForLoadState('networkidle');
      p.assertNoIssues();
      return { interactive, last, open, ...more };
    } finally {
      await p.close();
    }
  }

  test('a 5,000-event run (the default bound): open, play 3 s, step', async () => {
    // Measured on this 2-core machine: the longest task 63-123 ms (best
    // of rounds 63-72 ms), while opening (simulating the run, at once: its
    // bound is under the 20,000 events above which a run is simulated in
    // slices, and drawing it); no long task while playing (3 s at 1x reach
    // step 26) or stepping. The budget (no task over 100 ms) is met at
    // best, and missed by some loads. Floor: 500 ms, over 3x the worst.
    const FLOOR = 500;
    const rounds = [];
    for (let round = 0; round < 3; round++) {
      const r = await openLarge(endless(5000), async ({ page }) => {
        // Play at the speed the page opens with, as a learner would.
        await page.click('#play');
        await page.locator('#play[aria-label="Pause"]').waitFor();
        await page.waitForTimeout(3000);
        await page.click('#play');
        await page.locator('#play[aria-label="Play"]').waitFor();
        const play = await takeLongTasks(page);
        const { step } = await indicator(page);
        assert.ok(step > 0, 'playback advanced');
        await page.evaluate(() => document.activeElement?.blur());
        await page.keyboard.press('ArrowRight');
        await waitForStep(page, step + 1);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 100))));
        return { play, step, stepped: await takeLongTasks(page) };
      });
      assert.equal(r.last + 1, 5000, 'the run stops at the default bound, 5,000 events');
      const longest = Math.max(0, ...r.open, ...r.play, ...r.stepped);
      rounds.push(longest);
      figure(
        `5,000-event run (round ${round + 1}): interactive ${r.interactive} ms after navigation; long tasks (ms): ` +
          `open [${r.open.join(', ')}], play 3 s at 1x to step ${r.step} [${r.play.join(', ')}], step [${r.stepped.join(', ')}]; longest ${longest} ms`,
      );
      if (longest <= 100) break;
    }
    const best = Math.min(...rounds);
    figure(`5,000-event run, open + play 3 s + step, longest task (best of ${rounds.length}): ${best} ms ${budget('no task over 100 ms', best <= 100)}`);
    assert.ok(best < FLOOR, `longest task ${rounds.join(' / ')} ms (regression floor ${FLOOR} ms)`);
  });

  test('the largest run the bounds accept (100,000 events): open it', async () => {
    // Measured on this 2-core machine before runs were simulated in
    // slices: the longest task 312-606 ms (simulating the run alone took
    // 270-390 ms), interactive 596-1143 ms after navigation. Now it is
    // simulated 5,000 events per task with a progress bar: see the figures.
    // Floors: 1500 and 3000 ms, what the one-task simulation stayed under.
    const FLOOR = { longest: 1500, interactive: 3000 };
    const rounds = [];
    for (let round = 0; round < 3; round++) {
      const r = await openLarge(endless(100_000), async (p) => ({
        progress: await p.page.evaluate(() => window.__progress),
      }));
      assert.equal(r.last + 1, 100_000, 'the run stops at the largest bound, 100,000 events');
      // What the learner saw meanwhile: a progress bar that moved, and
      // playback off until the run was ready.
      assert.ok(r.progress.length >= 5, `the progress bar moved: ${JSON.stringify(r.progress)}`);
      assert.ok(r.progress.every((x) => x.max === 100_000 && x.playDisabled), `progress out of 100,000 with Play off: ${JSON.stringify(r.progress.slice(0, 3))}`);
      assert.deepEqual([...r.progress.map((x) => x.value)].sort((a, b) => a - b), r.progress.map((x) => x.value), 'progress only grows');
      const longest = Math.max(0, ...r.open);
      rounds.push({ longest, interactive: r.interactive });
      figure(`100,000-event run opened (round ${round + 1}): interactive ${r.interactive} ms after navigation; long tasks [${r.open.join(', ')}] ms`);
      if (longest <= 200) break;
    }
    const best = { longest: Math.min(...rounds.map((r) => r.longest)), interactive: Math.min(...rounds.map((r) => r.interactive)) };
    figure(
      `100,000-event run opened, best of ${rounds.length}: longest task ${best.longest} ms, interactive ${best.interactive} ms ` +
        budget('no task over 200 ms', best.longest <= 200),
    );
    assert.ok(best.longest < FLOOR.longest, `longest task ${rounds.map((r) => r.longest).join(' / ')} ms (regression floor ${FLOOR.longest} ms)`);
    assert.ok(best.interactive < FLOOR.interactive, `interactive after ${rounds.map((r) => r.interactive).join(' / ')} ms (regression floor ${FLOOR.interactive} ms)`);
  });
});
