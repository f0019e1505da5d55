// Links as a teacher and a learner use them: short links for slides, a
// link made under an older model of a lab (it still opens, with a notice),
// a link to an unchanged preset (it shows that preset), and a landing page
// that opens the lab that was clicked.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { serveAndLaunch } from './harness.mjs';
import { indicator, linkStep, openLink, waitUntil, withPage } from './lab-helpers.mjs';

const OLD = JSON.parse(readFileSync(new URL('./fixtures/old-links.json', import.meta.url), 'utf8'));

describe('links', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  test('a link made before model versions opens, with a notice that the run may differ', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, `${server.appUrl}#${OLD.key_expired_seed11_step12}`);
      const notice = page.locator('#message');
      await notice.waitFor();
      assert.equal(await notice.getAttribute('role'), 'status', 'a notice, never a refusal');
      assert.match(await notice.textContent(), /earlier version of the model.*may differ/);
      assert.equal((await indicator(page)).step, 12, 'at the step the link names');
      assert.equal(await page.locator('#seed').inputValue(), '11', 'with the seed the link names');
      // The page's own link is now a current one, and opens without a notice.
      await waitUntil(() => linkStep(page.url()) === 12, { what: 'the hash to be rewritten' });
      assert.notEqual(page.url(), `${server.appUrl}#${OLD.key_expired_seed11_step12}`);
    });
  });

  test('a short link opens a preset at a step, with its explanation', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, `${server.appUrl}#lab=payments&preset=key-expired&step=5`);
      assert.equal((await indicator(page)).step, 5);
      assert.equal(await page.locator('button.preset[aria-pressed="true"]').getAttribute('data-preset'), 'key-expired');
      const explanation = await page.locator('#scenario-explanation').textContent();
      assert.doesNotMatch(explanation, /Your own scenario/);
      assert.equal(await page.locator('#message').count(), 0);
    });
  });

  test('a full link to an unchanged preset shows that preset and its explanation', async () => {
    let link;
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, `${server.appUrl}#lab=payments&preset=declined-replayed&step=4`);
      await waitUntil(() => page.url().includes('#v1.'), { what: 'the full link in the address bar' });
      link = page.url();
    });
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, link);
      assert.equal(await page.locator('button.preset[aria-pressed="true"]').getAttribute('data-preset'), 'declined-replayed');
      assert.doesNotMatch(await page.locator('#scenario-explanation').textContent(), /Your own scenario/);
      assert.equal((await indicator(page)).step, 4);
    });
  });

  test('a short link to an unknown preset says so and keeps the page working', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, `${server.appUrl}#lab=payments&preset=no-such-thing`);
      assert.match(await page.locator('#message').textContent(), /no scenario called "no-such-thing"/);
      await page.click('#step-fwd');
      await waitUntil(async () => (await indicator(page)).step === 1, { what: 'a step forward' });
      // The notice stays visible on the landing page too.
      await page.click('button.back');
      await page.locator('button[data-lab]').first().waitFor();
      assert.match(await page.locator('#message').textContent(), /no scenario called/);
    });
  });

  test('each landing card opens its own lab, and its button says which', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await p.goto(server.appUrl);
      const cards = page.locator('button[data-lab]');
      const names = await cards.evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label')));
      assert.ok(names.length >= 1);
      for (const name of names) assert.match(name, /^Open the lab: .+/, 'the accessible name names the lab');
      assert.equal(new Set(names).size, names.length, 'no two cards share a name');
      const payments = page.getByRole('button', { name: /Open the lab: Payments/ });
      await payments.click();
      await page.locator('#play:enabled').waitFor();
      assert.match(await page.locator('main h1').textContent(), /Payments/);
    });
  });
});
