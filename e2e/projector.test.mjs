// The projector view at 1280×720, by keyboard alone: P turns it on and
// off; on, the presets keep to one row, the diagram and the narration line
// fill the screen in larger type, the other panels are hidden, nothing
// scrolls sideways, the diagram's labels stay clear of each other, and axe
// finds nothing serious.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { serveAndLaunch } from './harness.mjs';
import { indicator, narration, openLab, waitForStep, waitUntil, withPage } from './lab-helpers.mjs';

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

      // Presets on one row, no sideways scroll of the page.
      const tops = await page.locator('button[data-preset]').evaluateAll((bs) => bs.map((b) => Math.round(b.getBoundingClientRect().top)));
      assert.equal(new Set(tops).size, 1, `every preset on one row (tops ${JSON.stringify(tops)})`);
      const scroll = await page.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(scroll <= 1280, `no horizontal page scroll (scrollWidth ${scroll})`);

      // Larger type: the arrow labels and the narration line.
      const label = await renderedPx(page, 'svg#sequence text.flight-label');
      const line = await renderedPx(page, '#narration');
      assert.ok(label >= 20 && label >= normalLabel * 1.5, `arrow labels ${label.toFixed(1)} px (were ${normalLabel.toFixed(1)})`);
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

      await page.keyboard.press('P');
      await page.locator('main.lab:not(.projector)').waitFor();
      assert.ok(await page.locator('section.machines').isVisible(), 'the panels are back');
      assert.equal(await page.locator('#projector').getAttribute('aria-pressed'), 'false');
    });
  });
});
