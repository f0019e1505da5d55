// The lab on a phone (390×844, touch only): every lane of the diagram on
// screen at once (the projector view's narrow lanes, fitted to the
// width), no keyboard hint, and controls big enough for a thumb.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { labUrl, serveAndLaunch } from './harness.mjs';
import { withPage } from './lab-helpers.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

describe('phone', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  test('on a phone every lane title and every arrow of the step on screen is inside the viewport', async () => {
    await withPage(browser, PHONE, async (p) => {
      const { page } = p;
      // "Response lost, no key" at its retry: the client's lane is the
      // leftmost, its labels the first to be cut off by a sideways scroll.
      await p.goto(labUrl(server, 'payments', 'lab=payments&preset=lost-response-no-key&step=9'), { ready: '#play:enabled' });
      const seen = await page.evaluate(() => {
        const box = document.getElementById('diagram-scroll');
        const b = box.getBoundingClientRect();
        const inView = (r) => r.bottom > b.top && r.top < b.bottom;
        const titles = [...document.querySelectorAll('svg.sequence-heads text')].map((t) => ({ what: `title "${t.textContent}"`, r: t.getBoundingClientRect() }));
        const arrows = [...document.querySelectorAll('#sequence g.flight')]
          .flatMap((g) => [...g.querySelectorAll('line, text')].map((el) => ({ what: `${el.tagName} of "${g.querySelector('title')?.textContent}"`, r: el.getBoundingClientRect() })))
          .filter((a) => a.r.width > 0 && inView(a.r));
        return {
          scroll: [box.scrollWidth, box.clientWidth],
          titles: titles.length,
          arrows: arrows.length,
          outside: [...titles, ...arrows].filter((x) => x.r.left < -0.5 || x.r.right > innerWidth + 0.5).map((x) => `${x.what} ${Math.round(x.r.left)}..${Math.round(x.r.right)}`),
        };
      });
      assert.equal(seen.titles, 4, 'the four lanes have titles');
      assert.ok(seen.arrows >= 4, `arrows on screen: ${seen.arrows}`);
      assert.deepEqual(seen.outside, [], 'nothing past the screen\'s edges');
      assert.ok(seen.scroll[0] <= seen.scroll[1] + 1, `no sideways scrolling: ${seen.scroll.join(' / ')}`);
    });
  });

  test('on a touch-only phone: no keyboard hint, thumb-sized controls', async () => {
    await withPage(browser, PHONE, async (p) => {
      const { page } = p;
      await p.goto(labUrl(server, 'payments', 'lab=payments&preset=lost-response-no-key'), { ready: '#play:enabled' });
      assert.equal(await page.evaluate(() => matchMedia('(hover: none) and (pointer: coarse)').matches), true, 'the page sees a touch-only device');
      assert.equal(await page.locator('#help-button').isVisible(), false, 'no "Keyboard: ?" on a device without a keyboard');
      const small = await page.evaluate(() =>
        [...document.querySelectorAll('.controls button, .controls select, #preset-row .preset, #projector')]
          .map((el) => ({ what: el.id || el.textContent.trim(), h: el.getBoundingClientRect().height }))
          .filter((c) => c.h < 44),
      );
      assert.deepEqual(small, [], 'every control at least 44 px tall');
      // A tap still plays.
      await page.tap('#play');
      await page.locator('#play[aria-label="Pause"]').waitFor();
    });
    // With a mouse and keyboard, the hint stays.
    await withPage(browser, async (p) => {
      await p.goto(labUrl(server, 'payments', 'lab=payments&preset=lost-response-no-key'), { ready: '#play:enabled' });
      assert.equal(await p.page.locator('#help-button').isVisible(), true);
    });
  });
});
