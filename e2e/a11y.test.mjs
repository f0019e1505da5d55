// Accessibility: axe scans of the landing page and of the lab in its main
// states, the lab driven by keyboard alone, the help dialog, the skip link.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { serveAndLaunch } from './harness.mjs';
import {
  indicator,
  linkNow,
  linkStep,
  narration,
  openLab,
  seek,
  snapshot,
  waitForIndicator,
  waitForStep,
  waitUntil,
  withPage,
} from './lab-helpers.mjs';

/** Run axe and fail on any serious or critical violation, naming the elements. */
async function assertAxeClean(page, where) {
  const results = await new AxeBuilder({ page }).analyze();
  assert.ok(results.passes.length > 0, `${where}: axe ran its rules`);
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map(
      (v) =>
        `${v.impact}: ${v.id} (${v.help}) on ${v.nodes
          .slice(0, 4)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    ),
    [],
    `${where}: axe found serious/critical violations`,
  );
}

const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${
      el.dataset.lab ? `[data-lab=${el.dataset.lab}]` : ''
    }${el.closest('#help') ? ' in #help' : ''}${el.closest('main') ? ' in main' : ''}`;
  });

describe('accessibility', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  test('axe: the landing page', async () => {
    await withPage(browser, async (p) => {
      await p.goto(server.appUrl);
      await p.page.locator('a[data-lab="payments"]').waitFor();
      await assertAxeClean(p.page, 'landing');
    });
  });

  test('axe: the lab a few steps in, before the violation', async () => {
    await withPage(browser, async (p) => {
      await openLab(p, server);
      for (let i = 1; i <= 3; i++) {
        await p.page.click('#step-fwd');
        await waitForStep(p.page, i);
      }
      await p.page.locator('#jump-violation').waitFor();
      await assertAxeClean(p.page, 'lab at step 3');
    });
  });

  test('axe: the lab with the violation banner and a fault planned', async () => {
    await withPage(browser, async (p) => {
      await openLab(p, server);
      await p.page.click('#jump-violation');
      await p.page.locator('#violation-banner').waitFor();
      await p.page.click('button[data-fault="delay-request"]');
      await p.page.locator('#fault-plan li').nth(1).waitFor();
      await assertAxeClean(p.page, 'lab with the violation banner');
    });
  });

  test('axe: the lab with the keyboard help open', async () => {
    await withPage(browser, async (p) => {
      await openLab(p, server);
      await p.page.click('#jump-violation');
      await p.page.locator('#violation-banner').waitFor();
      await p.page.click('#help-button');
      await p.page.locator('#help[role="dialog"]').waitFor();
      await assertAxeClean(p.page, 'lab with the help dialog');
    });
  });

  test('axe: the lab in dark mode and on a 375 px screen', async () => {
    for (const options of [{ colorScheme: 'dark' }, { viewport: { width: 375, height: 740 } }]) {
      await withPage(browser, options, async (p) => {
        await openLab(p, server);
        await p.page.click('#jump-violation');
        await p.page.locator('#violation-banner').waitFor();
        await assertAxeClean(p.page, `lab (${JSON.stringify(options)})`);
      });
    }
  });

  test('keyboard only: open the lab and drive it with the shortcuts', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await p.goto(server.appUrl);
      // Shortcuts must act on the lab only, never scroll the page as well.
      const scrolled = [];
      let y0 = 0;
      const noScroll = async (key) => {
        const y = await page.evaluate(() => window.scrollY);
        if (y !== y0) scrolled.push(`${key} scrolled the page from y=${y0} to y=${y}`);
        y0 = y;
      };

      // Tab to "Open the lab" (a link to the lab's page) and press Enter.
      let tabs = 0;
      while ((await focused(page)) !== 'a[data-lab=payments] in main') {
        assert.ok(++tabs <= 6, `"Open the lab" is reachable with Tab (focus is on ${await focused(page)})`);
        await page.keyboard.press('Tab');
      }
      await p.follow(() => page.keyboard.press('Enter'), { ready: '#play' });
      await page.locator('#play:enabled').waitFor();
      assert.deepEqual(await indicator(page), { step: 0, last: 16, ms: 0 });
      const n0 = await narration(page);

      // → → ←
      await page.keyboard.press('ArrowRight');
      await waitForStep(page, 1);
      await page.keyboard.press('ArrowRight');
      await waitForStep(page, 2);
      const n2 = await narration(page);
      assert.notEqual(n2, n0);
      await page.keyboard.press('ArrowLeft');
      await waitForStep(page, 1);

      await noScroll('Arrow keys');

      // Space plays, Space pauses.
      await page.keyboard.press(' ');
      await page.locator('#play[aria-label="Pause"]').waitFor();
      await waitForIndicator(page, (i) => i.step >= 3, { what: 'playback after Space' });
      await page.keyboard.press(' ');
      await page.locator('#play[aria-label="Play"]').waitFor();
      await noScroll('Space');

      // + and − change the speed.
      assert.equal(await page.locator('#speed').inputValue(), '1');
      await page.keyboard.press('+');
      await waitUntil(async () => (await page.locator('#speed').inputValue()) === '1.5', { what: 'speed 1.5×' });
      await page.keyboard.press('+');
      await waitUntil(async () => (await page.locator('#speed').inputValue()) === '2', { what: 'speed 2×' });
      await page.keyboard.press('-');
      await waitUntil(async () => (await page.locator('#speed').inputValue()) === '1.5', { what: 'speed back to 1.5×' });

      // V jumps to the violation.
      await page.keyboard.press('v');
      await page.locator('#violation-banner').waitFor();
      assert.equal((await indicator(page)).step, 12, 'the step the card processor holds the money a second time');
      assert.match(await page.locator('#violation-banner').textContent(), /charged twice/);

      // Home, End.
      await page.keyboard.press('Home');
      await waitForStep(page, 0);
      assert.equal(await narration(page), n0);
      assert.equal(await page.locator('#violation-banner').count(), 0);
      await page.keyboard.press('End');
      await waitForStep(page, 16);
      await noScroll('Home/End');

      // ? opens the help, Escape closes it.
      await page.keyboard.press('?');
      const help = page.locator('#help');
      await help.waitFor();
      assert.equal(await help.getAttribute('role'), 'dialog');
      assert.match(await help.textContent(), /Keyboard shortcuts/);
      await page.keyboard.press('Escape');
      await help.waitFor({ state: 'detached' });

      // The address follows along.
      await waitUntil(() => linkStep(page.url()) === 16, { what: 'URL at step 16' });
      assert.deepEqual(scrolled, [], 'a shortcut also scrolled the page');
    });
  });

  test('the help dialog takes the focus, and Escape or Close dismisses it', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLab(p, server);
      await page.click('#help-button');
      const help = page.locator('#help[role="dialog"][aria-modal="true"]');
      await help.waitFor();
      assert.equal(await page.locator('#help-h').textContent(), 'Keyboard shortcuts');
      assert.equal(
        await page.evaluate(() => document.getElementById(document.getElementById('help').getAttribute('aria-labelledby'))?.id),
        'help-h',
        'the dialog is labelled by its heading',
      );
      await waitUntil(async () => (await focused(page)).endsWith(' in #help'), {
        timeout: 2000,
        what: "focus to move into the help dialog",
      });
      await page.keyboard.press('Escape');
      await help.waitFor({ state: 'detached' });

      await page.click('#help-button');
      await help.waitFor();
      await page.click('#help-close');
      await help.waitFor({ state: 'detached' });
    });
  });

  test('"Skip to content" moves past the header and keeps the run', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLab(p, server);
      await seek(page, 3);
      await page.click('button[data-fault="drop-request"]');
      await page.locator('#fault-plan li').nth(1).waitFor();
      const before = await snapshot(page);
      const url = await linkNow(page);

      const skip = page.locator('a.skip');
      await skip.focus();
      const box = await skip.boundingBox();
      assert.ok(box && box.y >= 0 && box.y < 720, `the skip link shows when focused: ${JSON.stringify(box)}`);
      await page.keyboard.press('Enter');
      await page.keyboard.press('Tab');
      await waitUntil(async () => (await focused(page)).endsWith(' in main'), {
        timeout: 2000,
        what: "Tab after the skip link to land in main",
      });
      assert.equal(await page.locator('#message').count(), 0, 'no error notice');
      assert.deepEqual(await snapshot(page), before, 'the run, its step and its faults are kept');
      const after = await linkNow(page);
      assert.equal(linkStep(after), before.indicator.step);
      assert.equal(after, url);
    });

    // On the landing page too: it skips to the lab list, it does not open a lab.
    await withPage(browser, async (p) => {
      const { page } = p;
      await p.goto(server.appUrl);
      await page.locator('a.skip').focus();
      await page.keyboard.press('Enter');
      await page.keyboard.press('Tab');
      await waitUntil(async () => (await focused(page)).endsWith(' in main'), {
        timeout: 2000,
        what: 'Tab after the skip link to land in main',
      });
      assert.equal(await page.locator('h1').textContent(), 'Faultline', 'still on the landing page');
      assert.equal(await page.locator('#message').count(), 0, 'no error notice');
    });
  });
});
