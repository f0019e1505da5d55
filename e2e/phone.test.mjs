// The lab on a phone (390×844, touch only): no keyboard hint, and the
// controls are big enough for a thumb. (Every lane on screen at once is
// not done yet: the diagram still scrolls sideways on a phone.)
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
