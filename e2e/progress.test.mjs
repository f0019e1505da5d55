// Progress, as a learner keeps it: a prediction answered and an interview
// answer written survive a reload (local storage); storage that cannot be
// read is said, set aside, and the lab works; progress exported as a file,
// erased (asked twice), imported back; a bad file refused with the
// progress kept; axe clean on the panel.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { labUrl, serveAndLaunch } from './harness.mjs';
import { indicator, waitForIndicator, waitUntil, withPage } from './lab-helpers.mjs';

const STEP = 'lab=payments&lesson=retries&ls=2';

async function summary(page) {
  return page.locator('#progress-summary').textContent();
}

/** Reload once the page has fetched all it fetches (a reload that cuts a
 * late request, the favicon say, short would be reported as a problem). */
async function reload(page) {
  await page.waitForLoadState('networkidle');
  await page.reload();
}

/** These tests navigate and reload on purpose: Chromium may cancel the
 * page's favicon request as it does, which is not a problem of the page. */
function allowFaviconAborts(p) {
  p.expectFailedRequests(/\/favicon-[0-9a-f]+\.svg$/);
}

async function notice(page) {
  const m = page.locator('#message');
  await m.waitFor();
  return { text: await m.textContent(), role: await m.getAttribute('role') };
}

async function dismiss(page) {
  await page.click('#message button:text("Dismiss")');
  await page.locator('#message').waitFor({ state: 'detached' });
}

describe('progress', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  test('a prediction and an interview answer survive a reload', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      allowFaviconAborts(p);
      await p.goto(labUrl(server, 'payments', STEP), { ready: '#lesson-predict' });
      assert.match(await summary(page), /^Predictions answered: 0 · lessons finished: 0 · interview answers: 0\.$/);
      await page.locator('#lesson-predict .choice', { hasText: 'Yes: €42 is held twice' }).click();
      await page.locator('#lesson-verdict .result').waitFor({ timeout: 20_000 });
      await page.fill('#iv-answer', 'Send an idempotency key & keep it.');
      assert.match(await summary(page), /^Predictions answered: 1 · lessons finished: 0 · interview answers: 1\.$/);

      await page.goto(labUrl(server, 'payments', STEP));
      await reload(page);
      await page.locator('#lesson-predict').waitFor();
      const chosen = page.locator('#lesson-predict .choice[aria-pressed="true"]');
      assert.equal(await chosen.textContent(), 'Yes: €42 is held twice', 'the answer given is kept');
      assert.equal(await page.locator('#lesson-predict .choice:not([disabled])').count(), 0, 'and stands');
      assert.equal(await page.locator('#iv-answer').inputValue(), 'Send an idempotency key & keep it.');
      assert.match(await summary(page), /^Predictions answered: 1 · lessons finished: 0 · interview answers: 1\.$/);
      const axe = await new AxeBuilder({ page }).include('section.progress').analyze();
      assert.deepEqual(axe.violations.map((v) => v.id), [], 'axe: the progress panel');
    });
  });

  test('two tabs: progress made in one is not written over by the other', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      allowFaviconAborts(p);
      await p.goto(labUrl(server, 'payments', STEP), { ready: '#lesson-predict' });
      const other = await page.context().newPage();
      await other.goto(labUrl(server, 'oauth', 'lab=oauth&preset=happy-path'));
      await other.locator('main.lab #iv-answer').waitFor();
      // The run plays to the answer only in the tab in front.
      await page.bringToFront();
      await page.locator('#lesson-predict .choice', { hasText: 'Yes: €42 is held twice' }).click();
      await page.locator('#lesson-verdict .result').waitFor({ timeout: 20_000 });
      // The other tab has heard of it before its own change.
      await other.bringToFront();
      await other.locator('#progress-summary', { hasText: /^Predictions answered: 1 / }).waitFor();
      await other.fill('#iv-answer', 'Tokens, not passwords.');
      // The record is written after the page redraws (an effect): wait for
      // the note to reach it, then check that nothing was lost on the way.
      const stored = () => page.evaluate(() => JSON.parse(localStorage.getItem('faultline.progress')));
      await waitUntil(async () => (await stored())?.notes?.length > 0, { what: 'the note to be stored' });
      const kept = await stored();
      assert.deepEqual(kept.answers, [['payments', 'retries', 2, 0]], 'the answer made in the first tab');
      assert.deepEqual(kept.notes, [['oauth', 0, 'Tokens, not passwords.']], 'and the note made in the second');
      await other.close();
    });
  });

  test('storage that cannot be read is said and set aside; the lab starts clean and works', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      allowFaviconAborts(p);
      await p.goto(labUrl(server, 'payments', 'lab=payments&preset=happy-path'), { ready: '#play:enabled' });
      for (const [bad, why] of [
        ['{"kind":"faultline-progress","format":1,"answers":[', /could not be read: it is not a readable progress record/],
        ['{"kind":"faultline-progress","format":7,"answers":[],"finished":[],"notes":[]}', /saved in format 7, and this page reads format 1/],
        ['["something", "else"]', /not a Faultline progress record/],
      ]) {
        await page.evaluate((text) => localStorage.setItem('faultline.progress', text), bad);
        await reload(page);
        await page.locator('#play:enabled').waitFor();
        const n = await notice(page);
        assert.equal(n.role, 'alert');
        assert.match(n.text, /^Your saved progress could not be read/);
        assert.match(n.text, why);
        assert.match(n.text, /The page starts with no progress/);
        // Kept aside under the key the notice names (one set aside before
        // is not overwritten), not lost.
        const key = /kept aside in this browser's storage as "([^"]+)"/.exec(n.text)[1];
        assert.match(key, /^faultline\.progress\.unreadable(\.\d)?$/);
        assert.equal(await page.evaluate((k) => localStorage.getItem(k), key), bad, 'kept aside, not lost');
        assert.match(await summary(page), /^Predictions answered: 0 /);
        // The lab works.
        const before = (await indicator(page)).step;
        await page.click('#step-fwd');
        await waitForIndicator(page, (i) => i.step === before + 1, { what: 'a step forward' });
        await dismiss(page);
      }
    });
  });

  test('export, reset (asked twice), import back; a bad file keeps the progress', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      allowFaviconAborts(p);
      await p.goto(labUrl(server, 'payments', STEP), { ready: '#lesson-predict' });
      await page.locator('#lesson-predict .choice', { hasText: 'No: the API sees it' }).click();
      await page.locator('#lesson-verdict .result').waitFor({ timeout: 20_000 });
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#progress-export')]);
      assert.equal(download.suggestedFilename(), 'faultline-progress.json');
      const path = await download.path();
      const file = JSON.parse(await readFile(path, 'utf8'));
      assert.equal(file.kind, 'faultline-progress');
      assert.deepEqual(file.answers, [['payments', 'retries', 2, 1]]);

      await page.click('#progress-reset');
      await page.locator('#progress-reset-no').click();
      assert.match(await summary(page), /^Predictions answered: 1 /, '"Keep it" keeps it');
      await page.click('#progress-reset');
      await page.click('#progress-reset-yes');
      assert.match((await notice(page)).text, /^Progress reset/);
      assert.match(await summary(page), /^Predictions answered: 0 /);
      assert.equal(await page.locator('#lesson-predict .choice:not([disabled])').count(), 2, 'the question can be answered again');
      await dismiss(page);

      await page.setInputFiles('#progress-import', { name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"kind":"faultline-run"}') });
      const refused = await notice(page);
      assert.equal(refused.role, 'alert');
      assert.match(refused.text, /^That file could not be imported: it is not a Faultline progress record\. Your progress is kept\./);
      await dismiss(page);

      await page.setInputFiles('#progress-import', path);
      assert.match((await notice(page)).text, /^Progress imported: 1 predictions answered/);
      assert.match(await summary(page), /^Predictions answered: 1 /);
      assert.equal(await page.locator('#lesson-predict .choice[aria-pressed="true"]').textContent(), 'No: the API sees it is the same order');
      // And it is kept: a reload shows it.
      await reload(page);
      await page.locator('#progress-summary').waitFor();
      assert.match(await summary(page), /^Predictions answered: 1 /);
    });
  });
});
