// Geometry of the diagrams as rendered (real fonts, CSS scaling) at
// 1280×720: every preset of every lab, at its start, middle and end. It
// measures every diagram's text and counts
//   label-label   two labels overlapping,
//   label-node    a label covering a state node, an arrowhead, a timer mark or
//                 the violation mark in the diagram's gutter,
//   edge-node     a state machine's edge running through a state it does not join,
//   small         a diagram label rendered smaller than 12 px,
// prints the counts per preset and in total, and fails unless all are zero.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serveAndLaunch } from './harness.mjs';
import { choosePreset, indicator, seek, withPage } from './lab-helpers.mjs';

export const KINDS = ['label-label', 'label-node', 'edge-node', 'small'];

/**
 * Runs in the page: measure every diagram (every `svg` in `main` that
 * draws text). Returns the counts and a few examples of each kind.
 */
function measureDiagrams() {
  const MIN_PX = 12;
  // Rectangles touching by less than this (px) do not count as overlapping.
  const SLACK = 1;
  const counts = { 'label-label': 0, 'label-node': 0, 'edge-node': 0, small: 0 };
  const examples = [];
  const note = (kind, what) => {
    counts[kind] += 1;
    if (examples.filter((e) => e.startsWith(kind)).length < 40) examples.push(`${kind}: ${what}`);
  };
  const overlap = (a, b) =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > SLACK &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > SLACK;
  const inside = (r, x, y, pad = 0) =>
    x > r.left - pad && x < r.right + pad && y > r.top - pad && y < r.bottom + pad;
  const toScreen = (el, x, y) => {
    const m = el.getScreenCTM();
    return { x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f };
  };
  const boxOf = (pts) => {
    const xs = pts.map((p) => p.x);
    const ys = pts.map((p) => p.y);
    return { left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys) };
  };
  const name = (t) => JSON.stringify(t.textContent.trim().slice(0, 40));

  const svgs = [...document.querySelectorAll('main svg')].filter((s) => s.querySelector('text'));
  for (const svg of svgs) {
    const where = svg.id || svg.closest('[data-machine]')?.dataset.machine || svg.getAttribute('class') || 'svg';
    const frame = svg.getBoundingClientRect();
    // Visible labels: drawn, and at least partly inside the SVG's viewport.
    const labels = [...svg.querySelectorAll('text')]
      .map((t) => ({ t, r: t.getBoundingClientRect() }))
      .filter(({ t, r }) => r.width > 0 && r.height > 0 && overlap(r, frame) && getComputedStyle(t).display !== 'none');

    for (const { t } of labels) {
      const m = t.getScreenCTM();
      const px = parseFloat(getComputedStyle(t).fontSize) * Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
      if (px < MIN_PX - 0.05) note('small', `${where} ${name(t)} at ${px.toFixed(1)} px`);
    }
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        if (overlap(labels[i].r, labels[j].r)) {
          note('label-label', `${where} ${name(labels[i].t)} × ${name(labels[j].t)}`);
        }
      }
    }

    // Nodes: state boxes, arrowheads, timer marks, the violation mark.
    const states = [...svg.querySelectorAll('.state rect')].map((el) => ({
      el,
      r: el.getBoundingClientRect(),
      what: `state ${el.closest('.state').dataset.state}`,
    }));
    // A packet (circle.packet, the dot running along an arrow in flight)
    // is not among them: it is drawn above the labels by design, and it
    // moves every frame while the labels stay where the step placed them
    // (a moving packet never moves a label), so passing over a label is
    // what it does, and the label stays readable under it.
    const marks = [...svg.querySelectorAll('.timer circle, .timer path, .timer rect')].map((el) => ({
      el,
      r: el.getBoundingClientRect(),
      what: 'mark',
    }));
    // The violation mark has the gutter's first column to itself: a timer
    // label or a step time over it would hide the one mark that says where
    // the run went wrong. (Its own ✗ is inside it, see below.)
    const violation = [...svg.querySelectorAll('.violation-mark rect')].map((el) => ({
      el,
      r: el.getBoundingClientRect(),
      what: 'violation mark',
    }));
    const heads = [...svg.querySelectorAll('line[marker-end], path[marker-end]')].flatMap((el) => {
      // The arrowhead: markerWidth (times the stroke width, by default) long, tip at the end, along the last segment.
      const sw = parseFloat(getComputedStyle(el).strokeWidth) || 1;
      let end;
      let before;
      if (el.tagName === 'line') {
        end = { x: el.x2.baseVal.value, y: el.y2.baseVal.value };
        before = { x: el.x1.baseVal.value, y: el.y1.baseVal.value };
      } else {
        const len = el.getTotalLength();
        if (len < 1) return [];
        end = el.getPointAtLength(len);
        before = el.getPointAtLength(Math.max(0, len - 2));
      }
      const d = Math.hypot(end.x - before.x, end.y - before.y);
      if (d < 0.01) return [];
      const [ux, uy] = [(end.x - before.x) / d, (end.y - before.y) / d];
      const marker = document.querySelector(el.getAttribute('marker-end').replace(/^url\((.*)\)$/, '$1'));
      const perStroke = marker?.getAttribute('markerUnits') !== 'userSpaceOnUse';
      const size = (parseFloat(marker?.getAttribute('markerWidth')) || 3) * (perStroke ? sw : 1);
      const back = { x: end.x - ux * size * 0.9, y: end.y - uy * size * 0.9 };
      const half = size / 2;
      const pts = [
        end,
        { x: back.x - uy * half, y: back.y + ux * half },
        { x: back.x + uy * half, y: back.y - ux * half },
      ].map((p) => toScreen(el, p.x, p.y));
      return [{ el, r: boxOf(pts), what: 'arrowhead' }];
    });
    const nodes = [...states, ...marks, ...violation, ...heads];
    for (const { t, r } of labels) {
      if (t.closest('.state')) continue; // a state's own name
      for (const n of nodes) {
        // The violation mark's own ✗ is drawn on it.
        if (n.what === 'violation mark' && n.el.parentElement.contains(t)) continue;
        if (overlap(r, n.r)) note('label-node', `${where} ${name(t)} over ${n.what}`);
      }
    }

    // Edges through states other than the two they join.
    for (const path of svg.querySelectorAll('.edge path')) {
      const len = path.getTotalLength();
      const pts = [];
      for (let s = 0; s <= len; s += 2) {
        const p = path.getPointAtLength(s);
        pts.push(toScreen(path, p.x, p.y));
      }
      if (pts.length < 2) continue;
      const dist = (r, p) => Math.hypot(Math.max(r.left - p.x, 0, p.x - r.right), Math.max(r.top - p.y, 0, p.y - r.bottom));
      const nearest = (p) => states.reduce((best, s) => (!best || dist(s.r, p) < dist(best.r, p) ? s : best), null);
      const ends = new Set([nearest(pts[0]), nearest(pts[pts.length - 1])]);
      const label = path.parentElement.querySelector('text');
      for (const s of states) {
        if (ends.has(s)) continue;
        if (pts.some((p) => inside(s.r, p.x, p.y, -SLACK))) {
          note('edge-node', `${where} edge ${label ? name(label) : '?'} through ${s.what}`);
        }
      }
    }
  }
  return { counts, examples };
}

/** Lab ids from the landing page's cards (links to each lab's page). */
async function labIds(p, server) {
  await p.goto(server.appUrl);
  return p.page.locator('a[data-lab]').evaluateAll((as) => as.map((a) => a.dataset.lab));
}

describe('diagram geometry at 1280×720', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  test('no label overlaps a label, a node or an arrowhead; no edge runs through a state; no label under 12 px', async () => {
    const rows = [];
    const total = Object.fromEntries(KINDS.map((k) => [k, 0]));
    const examples = [];
    await withPage(browser, { viewport: { width: 1280, height: 720 } }, async (p) => {
      const { page } = p;
      for (const lab of await labIds(p, server)) {
        // Back to the landing page by the lab's "← All labs" link, then the
        // next lab's card, as a learner goes from lab to lab. Each is a page
        // of its own: let the page finish its requests before leaving it
        // (leaving mid-request, say while the favicon loads, aborts it,
        // which the harness counts as a failure).
        if (await page.locator('a.back').count()) {
          await page.waitForLoadState('networkidle');
          await p.follow(() => page.click('a.back'));
          assert.equal(await page.locator('main.landing h1').textContent(), 'Faultline', 'back on the landing page');
        }
        await p.follow(() => page.click(`a[data-lab="${lab}"]`), { ready: '#play' });
        await page.locator('#play:enabled').waitFor();
        const presets = await page.locator('button[data-preset]').evaluateAll((bs) => bs.map((b) => b.dataset.preset));
        assert.ok(presets.length > 0, `${lab} has presets`);
        for (const preset of presets) {
          await choosePreset(page, preset);
          const { last } = await indicator(page);
          for (const [at, step] of [['start', 0], ['middle', Math.floor(last / 2)], ['end', last]]) {
            if (step !== 0) await seek(page, step);
            // Let layout and fonts settle before measuring.
            await page.evaluate(() => document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(r))));
            const m = await page.evaluate(measureDiagrams);
            rows.push({ lab, preset, at, step, ...m.counts });
            for (const k of KINDS) total[k] += m.counts[k];
            for (const e of m.examples) examples.push(`${preset}@${step} ${e}`);
          }
        }
      }
    });
    const line = (cells) => cells.map((c, i) => String(c).padEnd(i === 0 ? 52 : 12)).join('');
    console.log(line(['preset @ step', ...KINDS]));
    for (const r of rows) console.log(line([`${r.lab}/${r.preset} @ ${r.at} (${r.step})`, ...KINDS.map((k) => r[k])]));
    console.log(line(['TOTAL', ...KINDS.map((k) => total[k])]));
    // A few examples of each kind, from anywhere.
    const seen = new Set();
    const distinct = examples.filter((e) => {
      const what = e.replace(/^\S+ /, '').replace(/ at [0-9.]+ px$/, '');
      return !seen.has(what) && seen.add(what);
    });
    const shown = KINDS.flatMap((k) => distinct.filter((e) => e.includes(` ${k}: `)).slice(0, 12));
    if (shown.length) console.log(`examples:\n  ${shown.join('\n  ')}`);
    assert.deepEqual(total, Object.fromEntries(KINDS.map((k) => [k, 0])), 'diagram geometry counts');
  });
});
