// The projector view at 1280×720, by keyboard alone: P turns it on and
// off, and a link can open in it; on, the presets keep to one row, the
// diagram and the narration line fill the screen in larger type (every
// diagram label at 24 px or more, at 7:1 contrast or more against what is
// behind it, light and dark), the other panels are hidden, nothing scrolls
// sideways (the retry storm's twelve clients share one lane), the
// diagram's labels stay clear of each other, and axe finds nothing
// serious. Also, at 1280×720 in the normal view: the presets take one row
// and the rest are in a menu a keyboard can use; refused, replayed, lost
// and violating messages each carry a mark that is not colour; the
// transition just taken runs along its edge, at once under reduced
// motion. Writes docs/readability/projector-*.png and lab-1280x720.png.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import jsQR from 'jsqr';
import { REPO_ROOT, labUrl, serveAndLaunch } from './harness.mjs';
import { choosePreset, indicator, narration, openLab, openLink, seek, seekEnd, waitForStep, waitUntil, withPage } from './lab-helpers.mjs';

const VIEW = { viewport: { width: 1280, height: 720 } };
const shot = (name) => join(REPO_ROOT, 'docs', 'readability', name);

/** Runs in the page: the smallest rendered size (px) of the diagram's visible text, and that text. */
function smallestDiagramText() {
  let min = { px: Infinity, text: '' };
  for (const t of document.querySelectorAll('svg#sequence text, svg.sequence-heads text')) {
    const r = t.getBoundingClientRect();
    if (r.width === 0 || getComputedStyle(t).display === 'none') continue;
    const m = t.getScreenCTM();
    const px = parseFloat(getComputedStyle(t).fontSize) * Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    if (px < min.px) min = { px, text: t.textContent.trim().slice(0, 30) };
  }
  return min;
}

/**
 * Runs in the page: the WCAG contrast ratio of every visible diagram label
 * against its effective background. The background is, at the label's
 * centre, every filled shape of its SVG under it composited in order over
 * the panel's colour; a label drawn with a halo (paint-order stroke) is
 * also measured against its halo; the lower ratio counts.
 */
function labelContrasts() {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a),
    a: 1,
  });
  const lum = ({ r, g, b }) => {
    const ch = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
  };
  const ratio = (x, y) => {
    const [hi, lo] = [lum(x), lum(y)].sort((a, b) => b - a);
    return (hi + 0.05) / (lo + 0.05);
  };
  const backdrop = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const rows = [];
  for (const svg of document.querySelectorAll('svg#sequence, svg.sequence-heads')) {
    const base = backdrop(svg);
    const shapes = [...svg.querySelectorAll('rect, circle, path')];
    for (const t of svg.querySelectorAll('text')) {
      const box = t.getBoundingClientRect();
      if (box.width === 0 || getComputedStyle(t).display === 'none') continue;
      const cs = getComputedStyle(t);
      const fill = parse(cs.fill);
      if (!fill) continue;
      const [cx, cy] = [box.left + box.width / 2, box.top + box.height / 2];
      let bg = base;
      for (const s of shapes) {
        if (s.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_PRECEDING) continue; // drawn above the text
        const r = s.getBoundingClientRect();
        if (cx < r.left || cx > r.right || cy < r.top || cy > r.bottom) continue;
        const sc = getComputedStyle(s);
        const c = parse(sc.fill);
        if (!c || c.a === 0 || sc.display === 'none') continue;
        const alpha = c.a * parseFloat(sc.fillOpacity) * parseFloat(sc.opacity) * parseFloat(getComputedStyle(s.parentElement).opacity);
        bg = over({ ...c, a: alpha }, bg);
      }
      const fg = over(fill, bg);
      let worst = ratio(fg, bg);
      const halo = parse(cs.stroke);
      if (halo && halo.a > 0 && cs.paintOrder.startsWith('stroke') && parseFloat(cs.strokeWidth) >= 2) {
        worst = Math.min(worst, ratio(fg, over(halo, bg)));
      }
      rows.push({ text: t.textContent.trim().slice(0, 30), cls: t.getAttribute('class') ?? '', ratio: worst });
    }
  }
  return rows;
}

/** Runs in the page: the diagram box's and the page's overflow, and the lanes drawn. */
function sideways() {
  const box = document.getElementById('diagram-scroll');
  return {
    box: { scrollWidth: box.scrollWidth, clientWidth: box.clientWidth },
    page: { scrollWidth: document.scrollingElement.scrollWidth, clientWidth: document.scrollingElement.clientWidth },
    lanes: [...document.querySelectorAll('svg.sequence-heads .lane-title')].map((t) => t.textContent),
  };
}

/** Rendered font size (px) of the first element matching `sel`, CSS scaling included. */
function renderedPx(page, sel) {
  return page.locator(sel).first().evaluate((el) => {
    const m = el.getScreenCTM?.();
    const scale = m ? Math.sqrt(Math.abs(m.a * m.d - m.b * m.c)) : 1;
    return parseFloat(getComputedStyle(el).fontSize) * scale;
  });
}

describe('projector view', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  test('P shows the diagram and narration large, presets on one row, and P again restores the page', async () => {
    await withPage(browser, { viewport: { width: 1280, height: 720 } }, async (p) => {
      const { page } = p;
      await openLab(p, server);
      const normalLabel = await renderedPx(page, 'svg#sequence text.flight-label');
      const normalNarration = await renderedPx(page, '#narration');
      assert.equal(await page.locator('#projector').getAttribute('aria-pressed'), 'false');

      await page.locator('main').focus();
      await page.keyboard.press('p');
      await page.locator('main.lab.projector').waitFor();
      assert.equal(await page.locator('#projector').getAttribute('aria-pressed'), 'true');

      // The other panels are hidden; the diagram, the narration and the controls stay.
      for (const hidden of ['section.machines', 'section.data', 'section.share', '.invariants ul', 'ol.log']) {
        assert.equal(await page.locator(hidden).first().isVisible(), false, `${hidden} is hidden`);
      }
      for (const shown of ['svg#sequence', '#narration', '#play', '#step-indicator']) {
        assert.ok(await page.locator(shown).isVisible(), `${shown} is shown`);
      }

      // Presets on one row (the rest in the menu), no sideways scroll of the page.
      const tops = await page.locator('#preset-row button[data-preset]').evaluateAll((bs) => bs.map((b) => Math.round(b.getBoundingClientRect().top)));
      assert.ok(tops.length >= 1 && new Set(tops).size === 1, `the row's presets on one row (tops ${JSON.stringify(tops)})`);
      const scroll = await page.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(scroll <= 1280, `no horizontal page scroll (scrollWidth ${scroll})`);

      // Larger type: the arrow labels and the narration line.
      const label = await renderedPx(page, 'svg#sequence text.flight-label');
      const line = await renderedPx(page, '#narration');
      assert.ok(label >= 24 && label >= normalLabel * 1.5, `arrow labels ${label.toFixed(1)} px (were ${normalLabel.toFixed(1)})`);
      const smallest = await page.evaluate(smallestDiagramText);
      console.log(`FIGURE: projector labels: arrow labels ${label.toFixed(1)} px (normal view ${normalLabel.toFixed(1)}), smallest diagram text ${smallest.px.toFixed(1)} px (${smallest.text}), narration ${line.toFixed(1)} px`);
      assert.ok(smallest.px >= 24, `every diagram label at 24 px or more: ${JSON.stringify(smallest)}`);
      assert.ok(line >= 28 && line > normalNarration, `narration ${line.toFixed(1)} px (was ${normalNarration.toFixed(1)})`);
      // The diagram sits in the first screen.
      const box = await page.locator('#diagram-scroll').boundingBox();
      assert.ok(box.y < 720 && box.height >= 300, `the diagram is on screen: ${JSON.stringify(box)}`);

      // Driven by keyboard: step, and the narration follows.
      const before = await narration(page);
      await page.keyboard.press('ArrowRight');
      await waitForStep(page, 1);
      await waitUntil(async () => (await narration(page)) !== before, { what: 'the narration moves on' });
      await page.keyboard.press('End');
      await waitUntil(async () => {
        const i = await indicator(page);
        return i.step === i.last;
      }, { what: 'the last step' });
      // The violation is still announced in the projector view.
      assert.ok(await page.locator('#violation-banner').isVisible(), 'the violation banner is shown');
      const axe = await new AxeBuilder({ page }).analyze();
      const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(serious.map((v) => `${v.id} on ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`), [], 'axe: nothing serious');

      // Labels never overlap, large as they are.
      const overlaps = await page.locator('svg#sequence').evaluate((svg) => {
        const rs = [...svg.querySelectorAll('text')].map((t) => t.getBoundingClientRect()).filter((r) => r.width > 0);
        let n = 0;
        for (let i = 0; i < rs.length; i++) {
          for (let j = i + 1; j < rs.length; j++) {
            const [a, b] = [rs[i], rs[j]];
            if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1) n++;
          }
        }
        return n;
      });
      assert.equal(overlaps, 0, 'no two labels of the diagram overlap');
      await page.screenshot({ path: shot('projector-1280x720.png') });

      await page.keyboard.press('P');
      await page.locator('main.lab:not(.projector)').waitFor();
      assert.ok(await page.locator('section.machines').isVisible(), 'the panels are back');
      assert.equal(await page.locator('#projector').getAttribute('aria-pressed'), 'false');
    });
  });

  test('a link opens in the projector view, and the link follows the view', async () => {
    await withPage(browser, VIEW, async (p) => {
      const { page } = p;
      await openLink(p, labUrl(server, 'payments', 'lab=payments&preset=key-expired&view=projector'));
      await page.locator('main.lab.projector').waitFor();
      assert.equal(await page.locator('button.preset[aria-pressed="true"]').getAttribute('data-preset'), 'key-expired');
      // The page writes the full link, which names the view too.
      await waitUntil(async () => (await page.evaluate(() => location.hash)).endsWith('.0.projector'), { what: 'a full link with .projector' });
      const full = await page.evaluate(() => location.href);
      await page.locator('main').focus();
      await page.keyboard.press('p');
      await page.locator('main.lab:not(.projector)').waitFor();
      await waitUntil(async () => /\.0$/.test(await page.evaluate(() => location.hash)), { what: 'the link without the view' });
      // The full link, opened fresh, is in the projector view again. (Let the
      // page finish its requests first: leaving mid-request, say while the
      // favicon loads, aborts it, which the harness counts as a failure.)
      await page.waitForLoadState('networkidle');
      await page.goto('about:blank');
      await openLink(p, full);
      await page.locator('main.lab.projector').waitFor();
      assert.equal(await page.locator('#projector').getAttribute('aria-pressed'), 'true');
      // A view the page does not know is refused with a readable notice.
      await page.waitForLoadState('networkidle');
      await page.goto('about:blank');
      await openLink(p, labUrl(server, 'payments', 'lab=payments&preset=key-expired&view=beamer'));
      assert.match(await page.locator('.banner.error').textContent(), /view called "beamer"/);
      assert.equal(await page.locator('main.lab.projector').count(), 0, 'the normal view');
    });
  });

  test('the happy path and the retry storm fit 1280×720 without sideways scrolling: like clients share a lane', async () => {
    await withPage(browser, VIEW, async (p) => {
      const { page } = p;
      await openLab(p, server);
      for (const projector of [false, true]) {
        if (projector) {
          await page.locator('main').focus();
          await page.keyboard.press('p');
          await page.locator('main.lab.projector').waitFor();
        }
        for (const preset of ['happy-path', 'retry-storm']) {
          await choosePreset(page, preset);
          await seekEnd(page);
          const m = await page.evaluate(sideways);
          const where = `${preset} in the ${projector ? 'projector' : 'normal'} view`;
          console.log(`FIGURE: ${where}: ${m.lanes.length} lanes (${m.lanes.join(', ')}), diagram scrollWidth ${m.box.scrollWidth} / clientWidth ${m.box.clientWidth}`);
          assert.ok(m.box.scrollWidth <= m.box.clientWidth, `${where}: the diagram does not scroll sideways ${JSON.stringify(m.box)}`);
          assert.ok(m.page.scrollWidth <= m.page.clientWidth, `${where}: the page does not scroll sideways ${JSON.stringify(m.page)}`);
          assert.ok(m.lanes.length <= 5, `${where}: at most five lanes (${m.lanes})`);
          if (preset === 'retry-storm') {
            assert.ok(m.lanes.includes('Client ×12'), `${where}: the twelve clients share a lane (${m.lanes})`);
            // Every client's first attempt leaves the shared lane, and its
            // tooltip names which client sent it.
            const titles = await page.locator('svg#sequence g.flight > title').allTextContents();
            const firsts = titles.map((t) => /^(.+?) → .+?: POST \/v1\/charges #1 /.exec(t)).filter(Boolean);
            assert.ok(firsts.length >= 12, 'twelve first attempts on the shared lane');
            assert.equal(new Set(firsts.map((m) => m[1])).size, 12, `each tooltip names its client (${firsts.map((m) => m[1])})`);
            if (projector) await page.screenshot({ path: shot('projector-retry-storm-1280x720.png') });
          }
        }
      }
    });
  });

  test('in the normal view the presets take one row, and the others are chosen from a menu by keyboard', async () => {
    await withPage(browser, VIEW, async (p) => {
      const { page } = p;
      await openLab(p, server);
      const row = await page.locator('#preset-row').evaluate((ul) => {
        const chips = [...ul.querySelectorAll('button')].map((b) => b.getBoundingClientRect());
        return { height: ul.getBoundingClientRect().height, chip: chips[0].height, tops: [...new Set(chips.map((c) => Math.round(c.top)))], n: chips.length };
      });
      const all = await page.locator('button[data-preset]').count();
      const strip = await page.locator('.preset-strip').boundingBox();
      console.log(`FIGURE: preset strip at 1280×720: ${row.n} of ${all} presets on one row, strip height ${strip.height.toFixed(0)} px (a chip ${row.chip.toFixed(0)} px)`);
      assert.equal(row.tops.length, 1, `the row's chips on one line (tops ${row.tops})`);
      assert.ok(strip.height <= row.chip + 14, `the preset strip is one row high (${strip.height} px, a chip ${row.chip} px)`);
      assert.ok(row.n < all, 'some presets are in the menu');
      await page.screenshot({ path: shot('lab-1280x720.png') });
      assert.equal(await page.locator('#preset-more button[data-preset]').count(), all - row.n, 'the menu holds the rest');
      // Keyboard: focus the menu, open it, move to its last preset, choose it.
      const last = await page.locator('#preset-more button[data-preset]').last().getAttribute('data-preset');
      await page.locator('#preset-more summary').focus();
      await page.keyboard.press('Enter');
      await page.locator('#preset-more[open]').waitFor();
      for (let i = 0; i < all - row.n; i++) await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.preset), last, 'Tab reaches the last preset of the menu');
      await page.keyboard.press('Enter');
      await page.locator(`button[data-preset="${last}"][aria-pressed="true"]`).waitFor({ state: 'attached' });
      assert.equal(await page.locator('#preset-more[open]').count(), 0, 'choosing closes the menu');
      assert.match(await page.locator('#preset-more summary').getAttribute('class'), /\bactive\b/, 'the menu shows that its preset is active');
    });
  });

  test('lost, refused, replayed and violating messages each carry a mark besides colour', async () => {
    await withPage(browser, VIEW, async (p) => {
      const { page } = p;
      await openLab(p, server);
      const kinds = [
        ['lost-response-no-key', 'dropped', null],
        ['lost-response-no-key', 'violating', '✗'],
        ['lost-response-with-key', 'replayed', '↻'],
        ['concurrent-retry-409', 'refused', '⊘'],
      ];
      for (const [preset, kind, glyph] of kinds) {
        await choosePreset(page, preset);
        await seekEnd(page);
        const marks = await page.locator(`svg#sequence g.flight.${kind}`).evaluateAll((gs) => gs.map((g) => {
          const label = g.querySelector('text.flight-label');
          return {
            dash: getComputedStyle(g.querySelector('line')).strokeDasharray,
            shown: label ? [...label.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('') : '',
            cross: g.querySelector('text.cross')?.textContent ?? '',
            lost: g.querySelector('text.lost-label')?.textContent ?? '',
          };
        }));
        assert.ok(marks.length > 0, `${preset} shows a ${kind} message`);
        for (const m of marks) assert.notEqual(m.dash, 'none', `${kind}: dashed (${JSON.stringify(m)})`);
        if (glyph) {
          assert.ok(marks.some((m) => m.shown.startsWith(`${glyph} `)), `${kind}: a label shown with ${glyph} (${JSON.stringify(marks)})`);
        } else {
          assert.ok(marks.some((m) => m.cross === '✕' && m.lost === 'lost'), `${kind}: a cross and "lost" (${JSON.stringify(marks)})`);
        }
      }
    });
  });

  for (const colorScheme of ['light', 'dark']) {
    test(`every diagram label of the projector view keeps 7:1 contrast (${colorScheme})`, async () => {
      await withPage(browser, { ...VIEW, colorScheme }, async (p) => {
        const { page } = p;
        await openLab(p, server);
        await page.locator('main').focus();
        await page.keyboard.press('p');
        await page.locator('main.lab.projector').waitFor();
        let worst = { ratio: Infinity };
        let n = 0;
        for (const preset of ['lost-response-no-key', 'concurrent-retry-409', 'lost-response-with-key', 'retry-storm', 'non-atomic-crash']) {
          await choosePreset(page, preset);
          const { last } = await indicator(page);
          for (const step of [Math.floor(last / 2), last]) {
            await seek(page, step);
            // Every label of the run drawn so far, wherever the box is scrolled.
            const rows = await page.evaluate(labelContrasts);
            n += rows.length;
            for (const r of rows) if (r.ratio < worst.ratio) worst = { ...r, preset, step };
            const low = rows.filter((r) => r.ratio < 7);
            assert.deepEqual(low, [], `${preset} @ ${step}: labels under 7:1`);
          }
        }
        console.log(`FIGURE: projector contrast (${colorScheme}): ${n} labels measured, lowest ${worst.ratio.toFixed(2)}:1 (${worst.cls} "${worst.text}", ${worst.preset} @ ${worst.step})`);
        assert.ok(n > 100, `labels were measured (${n})`);
      });
    });
  }

  test('the transition just taken runs along its edge, and is at its end at once under reduced motion', async () => {
    for (const reducedMotion of ['no-preference', 'reduce']) {
      await withPage(browser, { ...VIEW, reducedMotion }, async (p) => {
        const { page } = p;
        await openLab(p, server);
        await page.locator('main').focus();
        await page.keyboard.press('ArrowRight');
        await waitForStep(page, 1);
        const trail = page.locator('.machine .edge.taken path.trail').first();
        await trail.waitFor({ state: 'attached' });
        const m = await trail.evaluate((el) => ({
          name: getComputedStyle(el).animationName,
          duration: parseFloat(getComputedStyle(el).animationDuration),
          offset: parseFloat(getComputedStyle(el).strokeDashoffset),
          dash: getComputedStyle(el).strokeDasharray,
          edge: el.getAttribute('d') === el.parentElement.querySelector('path').getAttribute('d'),
        }));
        assert.ok(m.edge, 'the trail runs on the taken edge');
        if (reducedMotion === 'reduce') {
          assert.equal(m.name, 'none', 'no animation under reduced motion');
          assert.equal(m.offset, -95, `the mark rests at the end of the edge (${JSON.stringify(m)})`);
        } else {
          assert.equal(m.name, 'along', `the mark moves along the edge (${JSON.stringify(m)})`);
          assert.ok(m.duration > 0 && m.duration <= 1, `in under a second (${m.duration} s)`);
        }
      });
    }
  });

  test('the projector view shows a QR code that decodes to the link of the step on screen', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLab(p, server);
      await choosePreset(page, 'lost-response-no-key');
      await page.keyboard.press('p');
      await page.locator('main.lab.projector').waitFor();
      await seek(page, 7);
      // The QR code is drawn on demand, not in the normal view.
      assert.equal(await page.locator('#qr').count(), 0);
      await page.click('#qr-button');
      await page.locator('#qr svg').waitFor();
      assert.equal(await page.locator('#qr-button').getAttribute('aria-expanded'), 'true');
      const axe = await new AxeBuilder({ page }).include('#qr').include('#qr-button').analyze();
      assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.nodes.length}`), [], 'axe: the QR code and its button');
      const decode = async () => {
        // The drawing as an image, read back as pixels (the CSP allows
        // data: images), and decoded as a phone's camera app would.
        const { data, size } = await page.evaluate(async () => {
          const svg = document.querySelector('#qr svg');
          const size = 400;
          const img = new Image();
          img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(svg))}`;
          await img.decode();
          const canvas = document.createElement('canvas');
          canvas.width = canvas.height = size;
          const ctx = canvas.getContext('2d');
          ctx.drawImage(img, 0, 0, size, size);
          return { data: Array.from(ctx.getImageData(0, 0, size, size).data), size };
        });
        return jsQR(Uint8ClampedArray.from(data), size, size)?.data;
      };
      // (A link in the projector view ends with its view: ".7.projector".)
      const stepOf = (url) => Number(/#v1\.[A-Za-z0-9_-]+\.(\d+)\.projector$/.exec(url ?? '')?.[1]);
      await waitUntil(() => stepOf(page.url()) === 7, { what: 'the link at step 7' });
      assert.equal(await decode(), page.url(), 'the code is the link to this run at this step');
      // A step later, the code follows.
      await page.keyboard.press('ArrowRight');
      await waitUntil(() => stepOf(page.url()) === 8, { what: 'the link at step 8' });
      assert.equal(await decode(), page.url(), 'the code follows the step');
      assert.equal(stepOf(await decode()), 8);
      await page.click('#qr-button');
      assert.equal(await page.locator('#qr').count(), 0, 'hidden again');
    });
  });
});
