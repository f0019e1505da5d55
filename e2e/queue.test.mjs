// The presenter's queue, as a teacher uses it: a queue prepared as a link
// and moved through with PageDown and PageUp (a clicker's keys) across two
// labs' pages, the arrows still stepping the run on screen, the projector
// view and fullscreen carried over; a queue assembled on the page (what
// is on screen, a pasted link of another lab, a bad one refused, an item
// removed) that lives in the link; a queue link that cannot be read is
// said; axe clean on the queue's bar and panel.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { labUrl, serveAndLaunch } from './harness.mjs';
import { indicator, messageText, waitForIndicator, withPage } from './lab-helpers.mjs';

const PAY = 'lab=payments&preset=lost-response-no-key&step=3';
const LESSON = 'lab=payments&lesson=retries&ls=2';
const OAUTH = 'lab=oauth&preset=happy-path&step=17';
const QUEUE = (at) => `${[PAY, LESSON, OAUTH][at]}&queue=${at}~${PAY}~${LESSON}~${OAUTH}`;

async function where(page) {
  return (await page.locator('#queue-where').textContent()).trim();
}

describe('presenter queue', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  test('a queue link moved through with PageDown and PageUp, across two labs', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await p.goto(labUrl(server, 'payments', QUEUE(0)), { ready: '#queue-bar' });
      assert.equal(await where(page), 'Queue: 1 of 3');
      assert.equal((await indicator(page)).step, 3);
      // The arrows still step the run on screen, and the link keeps the queue.
      await page.keyboard.press('ArrowRight');
      await waitForIndicator(page, (i) => i.step === 4);
      await page.waitForFunction(() => /&queue=0~/.test(location.hash) && /\.4&queue/.test(location.hash));
      // The projector view, then the next item: a lesson step, same page.
      await page.keyboard.press('p');
      await page.locator('main.lab.projector').waitFor();
      await page.keyboard.press('PageDown');
      await page.locator('#lesson-panel h2').waitFor();
      assert.equal(await where(page), 'Queue: 2 of 3');
      assert.equal(await page.locator('main.lab.projector').count(), 1, 'still the projector view');
      // Next: the OAuth lab's page, with the queue in its link.
      await Promise.all([page.waitForURL(/\/oauth\/#/), page.keyboard.press('PageDown')]);
      await page.locator('main.lab[data-lab="oauth"] #queue-bar').waitFor();
      assert.equal(await where(page), 'Queue: 3 of 3');
      assert.equal((await indicator(page)).step, 17);
      assert.equal(await page.locator('main.lab.projector').count(), 1, 'the projector view carried over');
      assert.equal(await page.locator('#queue-next').isDisabled(), true, 'the last item');
      // Back: the lesson step on the Payments page.
      await Promise.all([page.waitForURL(/\/payments\/#/), page.keyboard.press('PageUp')]);
      await page.locator('main.lab[data-lab="payments"] #lesson-panel h2').waitFor();
      assert.equal(await where(page), 'Queue: 2 of 3');
      // The bar's buttons do the same as the keys.
      await page.click('#queue-prev');
      await page.waitForFunction(() => /&queue=0~/.test(location.hash));
      await waitForIndicator(page, (i) => i.step === 3);
      const axe = await new AxeBuilder({ page }).include('#queue-bar').analyze();
      assert.deepEqual(axe.violations.map((v) => v.id), [], 'axe: the queue bar');
    });
  });

  test('fullscreen is asked for again on the first key press after moving to another lab', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await p.goto(labUrl(server, 'payments', QUEUE(1)), { ready: '#queue-bar' });
      await page.click('#queue-panel #queue-present');
      await page.waitForFunction(() => document.fullscreenElement !== null);
      await page.locator('main.lab.projector').waitFor();
      // Presenting starts at the first item: its run and step, not the
      // lesson on screen before (whose link, waiting to be written, once
      // overwrote the first item's).
      await page.locator('#queue-where', { hasText: 'Queue: 1 of 3' }).waitFor();
      await waitForIndicator(page, (i) => i.step === 3);
      assert.equal(await page.locator('button.preset[aria-pressed="true"]').getAttribute('data-preset'), 'lost-response-no-key');
      await page.waitForTimeout(300);
      assert.equal(await page.locator('#lesson-panel').count(), 0, 'no lesson: the first item is a run');
      assert.match(await page.evaluate(() => location.hash), /&queue=0~/);
      await page.keyboard.press('PageDown');
      await page.locator('#lesson-panel h2').waitFor();
      await Promise.all([page.waitForURL(/\/oauth\/#/), page.keyboard.press('PageDown')]);
      await page.locator('main.lab[data-lab="oauth"] #queue-bar').waitFor();
      assert.equal(await page.evaluate(() => document.fullscreenElement), null, 'the browser ended it');
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction(() => document.fullscreenElement !== null);
      await waitForIndicator(page, (i) => i.step === 18);
    });
  });

  test('a queue assembled on the page lives in its link', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await p.goto(labUrl(server, 'payments', PAY), { ready: '#queue-add' });
      assert.equal(await page.locator('#queue-bar').count(), 0, 'no queue yet');
      await page.click('#queue-add');
      await page.locator('#queue-items li').first().waitFor();
      await page.fill('#queue-link', `http://example.org/faultline/oauth/#${OAUTH}`);
      await page.click('#queue-add-link');
      await page.waitForFunction(() => document.querySelectorAll('#queue-items li').length === 2);
      assert.match(await page.locator('#queue-items li').nth(1).textContent(), /^oauth: happy-path, step 17/);
      await page.fill('#queue-link', 'not a link');
      await page.click('#queue-add-link');
      assert.match(await messageText(page), /^That cannot go in the queue: it is not a link to a Faultline run\./);
      await page.click('#message button:text("Dismiss")');
      assert.equal(await page.locator('#queue-items li').count(), 2, 'the queue as it was');
      await page.fill('#queue-link', PAY);
      await page.click('#queue-add-link');
      await page.waitForFunction(() => document.querySelectorAll('#queue-items li').length === 3);
      await page.click('#queue-items li:nth-child(3) button');
      await page.waitForFunction(() => document.querySelectorAll('#queue-items li').length === 2);
      await page.waitForFunction(() => /&queue=0~/.test(location.hash));
      const url = await page.locator('#queue-url').inputValue();
      assert.match(url, /\/payments\/#.*&queue=0~v1\.[^~]+~lab=oauth&preset=happy-path&step=17$/);
      const axe = await new AxeBuilder({ page }).include('#queue-panel').include('#queue-bar').analyze();
      assert.deepEqual(axe.violations.map((v) => v.id), [], 'axe: the queue panel');
      // The queue's link opens it, on another page too.
      const other = await browser.newPage();
      await other.goto(url);
      await other.locator('#queue-bar').waitFor();
      assert.equal((await other.locator('#queue-where').textContent()).trim(), 'Queue: 1 of 2');
      assert.equal(await other.locator('#queue-items li').count(), 2);
      await other.close();
    });
  });

  test('a queue that cannot be read is said; the run its link names is shown', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await p.goto(labUrl(server, 'payments', `${PAY}&queue=5~${PAY}`), { ready: '#step-indicator' });
      assert.match(await messageText(page), /^This link's presenter queue cannot be used: "5" is not a place in the queue\. The run it names is shown\./);
      assert.equal((await indicator(page)).step, 3);
      assert.equal(await page.locator('#queue-bar').count(), 0);
    });
  });
});
