// Guided lessons, as a learner follows one: start it from the lab, read a
// step beside the live run with its panel pointed at, predict and watch
// the run play to the answer (right, then wrong), go back and find the
// step exactly as it was, leave the script and come back, open a step
// from its link, finish with a score; axe clean on the lesson panel.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, labUrl, serveAndLaunch } from './harness.mjs';
import { choosePreset, indicator, linkNow, waitUntil, withPage } from './lab-helpers.mjs';

const LESSON = (step, extra = '') => `lab=payments&lesson=retries&ls=${step}${extra}`;

/** The lesson panel's step heading and "Step n of m". */
async function lessonStep(page) {
  await page.locator('#lesson-panel h2').waitFor();
  return {
    title: await page.locator('#lesson-panel h2').textContent(),
    progress: await page.locator('#lesson-progress').textContent(),
  };
}

/** Answer the prediction with the choice whose text starts with `text`, then wait for the verdict. */
async function predict(page, text) {
  await page.locator('#lesson-predict .choice', { hasText: text }).click();
  const verdict = page.locator('#lesson-verdict .result');
  await verdict.waitFor({ timeout: 20_000 });
  return verdict.textContent();
}

describe('guided lessons', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  test('start the lesson from the lab, step through it, go back to a step exactly as it was', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await p.goto(labUrl(server, 'payments', 'lab=payments&preset=happy-path'), { ready: '#play:enabled' });
      await page.click('#lesson-start');
      const first = await lessonStep(page);
      assert.equal(first.title, 'A payment, once');
      assert.match(first.progress, /^Step 1 of \d+$/);
      // The step's run at its cursor: the happy path's last step.
      const at = await indicator(page);
      assert.equal(at.step, at.last, 'the first step shows the whole payment');
      assert.match(await linkNow(page), /#lab=payments&lesson=retries&ls=0$/, 'the step has a link');
      // The panel it points at is marked, and the pointer names it.
      assert.equal(await page.locator('#diagram-panel.pointed').count(), 1, 'the diagram is pointed at');
      assert.match(await page.locator('#lesson-panel .pointer').textContent(), /the messages diagram/);
      assert.equal(await page.locator('#lesson-back').isDisabled(), true);

      await page.click('#lesson-next');
      await page.click('#lesson-next');
      const third = await lessonStep(page);
      assert.equal(third.title, 'A timeout is not a no');
      const before = { at: await indicator(page), narration: await page.locator('#narration').textContent(), url: await linkNow(page) };
      assert.match(before.narration, /lost in the network/, 'the step stands where the answer is lost');
      // Wander within the step, go on, then come back: exactly the same.
      await page.keyboard.press('ArrowRight');
      await page.click('#lesson-next');
      assert.equal((await lessonStep(page)).title, 'Why clients retry anyway');
      await page.click('#lesson-back');
      assert.equal((await lessonStep(page)).title, third.title);
      assert.deepEqual(await indicator(page), before.at, 'back to the step: the same step of the same run');
      assert.equal(await page.locator('#narration').textContent(), before.narration);
      assert.equal(await linkNow(page), before.url);
    });
  });

  test('predict, then see: the run plays to the answer and says whether the learner was right', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      // "A timeout is not a no": will the customer be held twice?
      await p.goto(labUrl(server, 'payments', LESSON(2)), { ready: '#lesson-predict' });
      const asked = await indicator(page);
      assert.match(await page.locator('#lesson-predict legend').textContent(), /held twice/);
      const right = await predict(page, 'Yes');
      assert.match(right, /^Right\./, right);
      assert.match(right, /cannot tell a retry from a new payment/, 'the one-line why');
      const shown = await indicator(page);
      assert.ok(shown.step > asked.step, `the run played on (${asked.step} → ${shown.step})`);
      assert.equal(shown.step, shown.last, 'and stopped where the answer shows');
      assert.equal(await page.locator('#lesson-predict .choice[aria-pressed="true"]').textContent(), 'Yes: €42 is held twice');
      assert.equal(await page.locator('#lesson-predict .choice:enabled').count(), 0, 'one answer per question');
      // The broken invariant is on screen, as the lesson says.
      assert.match(await page.locator('#invariants-panel').textContent(), /charged twice/i);

      // A wrong answer on the next prediction: the verdict names the right one.
      await page.click('#lesson-next');
      await page.click('#lesson-next');
      assert.equal((await lessonStep(page)).title, 'An idempotency key');
      const wrong = await predict(page, 'A fresh 200');
      assert.match(wrong, /^Not this time: The stored 200, replayed/, wrong);
    });
  });

  test('leave the script, explore, and come back to the step', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await p.goto(labUrl(server, 'payments', LESSON(4)), { ready: '#lesson-predict' });
      const step = await indicator(page);
      const link = await linkNow(page);
      // Change the run: another scenario from the presets.
      await choosePreset(page, 'concurrent-retry-409');
      await page.locator('#lesson-return').waitFor();
      assert.match(await page.locator('#lesson-panel .off-script').textContent(), /exploring on your own/);
      assert.equal(await page.locator('.pointed').count(), 0, 'nothing pointed at in a run the step does not describe');
      assert.doesNotMatch(await linkNow(page), /lesson=/, 'the link is the run on screen, not the lesson step');
      await page.click('#lesson-return');
      await page.locator('#lesson-predict').waitFor();
      assert.deepEqual(await indicator(page), step, 'back at the step as it was');
      assert.equal(await linkNow(page), link);
    });
  });

  test('a lesson step link opens that step; the last step finishes with a score', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      // A step link with a cursor of its own, and the last step.
      await p.goto(labUrl(server, 'payments', LESSON(9)), { ready: '#lesson-panel h2' });
      const last = await lessonStep(page);
      assert.match(last.progress, /^Step 10 of 10$/);
      assert.equal(await page.locator('#lesson-next').textContent(), 'Finish');
      await predict(page, '409 Conflict');
      await page.click('#lesson-next');
      await page.locator('#lesson-panel').waitFor({ state: 'detached' });
      assert.match(await page.locator('#message').textContent(), /Lesson done: Retries and idempotency keys\. Predictions right: 1 of 4\./);
      assert.equal(await page.locator('#lesson-start').isVisible(), true, 'the lab is back, the lesson can start again');
    });
  });

  test("every lab's lesson from its landing card to the end: each step points at a panel that is on the page", async () => {
    const PANEL = { diagram: 'diagram-panel', narration: 'narration-panel', machines: 'machines-panel', data: 'data-panel', invariants: 'invariants-panel', faults: 'faults-panel', settings: 'settings-panel' };
    for (const lab of ['payments', 'oauth', 'sagas']) {
      const file = JSON.parse(readFileSync(join(REPO_ROOT, 'static', 'lessons', `${lab}.json`), 'utf8'));
      const lesson = file.lessons[0];
      await withPage(browser, async (p) => {
        const { page } = p;
        await p.goto(server.appUrl);
        await p.follow(() => page.click(`a[data-lesson="${lesson.id}"]`), { ready: '#lesson-panel h2' });
        for (const [i, step] of lesson.steps.entries()) {
          const shown = await lessonStep(page);
          assert.equal(shown.title, step.title, `${lab} step ${i + 1}`);
          assert.equal(shown.progress, `Step ${i + 1} of ${lesson.steps.length}`);
          if (step.point) {
            await page.locator(`#${PANEL[step.point]}.pointed`).waitFor({ state: 'attached', timeout: 5_000 });
            assert.equal(await page.locator('.pointed').count(), 1, `${lab} step ${i + 1}: one panel pointed at`);
          }
          assert.equal(await page.locator('#lesson-predict').count(), step.predict ? 1 : 0, `${lab} step ${i + 1}: its question`);
          await page.click('#lesson-next');
          if (i + 1 < lesson.steps.length) await page.locator(`#lesson-progress:text-is("Step ${i + 2} of ${lesson.steps.length}")`).waitFor();
        }
        await page.locator('#message').waitFor();
        assert.match(await page.locator('#message').textContent(), new RegExp(`Lesson done: .*Predictions right: 0 of ${lesson.steps.filter((s) => s.predict).length}`));
      });
    }
  });

  test('interview practice: a second question, the answer kept, and both runs side by side on one seed', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await p.goto(labUrl(server, 'payments', 'lab=payments&preset=happy-path'), { ready: '#play:enabled' });
      await page.locator('#iv-which').waitFor();
      assert.equal(await page.locator('#iv-which').textContent(), 'Question 1 of 3');
      await page.fill('#iv-answer', 'Retry with the same key.');
      await page.click('#iv-next');
      assert.equal(await page.locator('#iv-which').textContent(), 'Question 2 of 3');
      assert.match(await page.locator('#iv-h + .question').textContent(), /lock on the idempotency key lapses/);
      assert.equal(await page.locator('#iv-answer').inputValue(), '', 'each question has its own answer');
      await page.fill('#iv-answer', 'Wait for the outcome.');
      await page.click('#iv-prev');
      assert.equal(await page.locator('#iv-answer').inputValue(), 'Retry with the same key.', 'the first answer is kept');
      await page.click('#iv-next');
      await page.click('#iv-reveal');
      assert.match(await page.locator('#iv-strong').textContent(), /unknown, not as failed/);
      // Both runs: the mistake on screen (A), the strong answer beside it.
      await page.click('#iv-compare');
      await page.locator('#compare').waitFor();
      await page.keyboard.press('End');
      // The summary is the helper's, written for the step on screen.
      await waitUntil(async () => { const i = await indicator(page); return i.step === i.last; }, { what: 'the last step' });
      await page.locator(`#compare-summary[data-step="${(await indicator(page)).last}"]`).waitFor();
      const rows = await page.locator('#compare-summary tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
      const broken = rows.find((r) => r[0] === 'Invariants broken');
      assert.ok(broken, JSON.stringify(rows));
      assert.match(broken[1], /one-charge-per-order|charged twice|once per order/i, `the mistake breaks the one-charge invariant: ${broken[1]}`);
      assert.doesNotMatch(broken[2], /one-charge-per-order|charged twice|once per order/i, `the strong answer keeps it: ${broken[2]}`);
      assert.equal(await page.locator('#iv-answer').inputValue(), 'Wait for the outcome.', 'the answer survives the runs loading');
    });
  });

  // While a lesson step is on screen the page's link is the step's, not
  // the comparison's: the summary is still that of the two runs compared.
  test('comparing during a lesson: both runs side by side, the lesson still on', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await p.goto(labUrl(server, 'payments', LESSON(0)), { ready: '#lesson-panel h2' });
      await page.locator('#compare-with').selectOption({ index: 0 });
      await page.click('#compare-start');
      const { step } = await indicator(page);
      const summary = page.locator(`#compare-summary[data-step="${step}"]`);
      await summary.waitFor();
      assert.match(await summary.locator('thead').textContent(), /A · .+B · /);
      assert.equal(await page.locator('#compare-out [role="alert"]').count(), 0, 'no error in its place');
      assert.equal(await page.locator('#lesson-panel').count(), 1, 'the lesson goes on');
    });
  });

  test('the lesson panel passes axe, with a question and with a verdict', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await p.goto(labUrl(server, 'payments', LESSON(7)), { ready: '#lesson-predict' });
      const scan = async (what) => {
        const axe = await new AxeBuilder({ page }).include('#lesson-panel').analyze();
        assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`), [], what);
      };
      await scan('asking');
      // Answered from the keyboard: Tab to a choice, Enter (the app's
      // shortcuts leave Enter and Space on a button alone).
      await page.locator('#lesson-predict .choice').first().focus();
      await page.keyboard.press('Enter');
      await page.locator('#lesson-verdict .result').waitFor({ timeout: 20_000 });
      assert.equal(await page.locator('#lesson-predict .choice[aria-pressed="true"]').count(), 1, 'the keyboard answered');
      await scan('answered');
      // Each choice and the lesson's buttons are at least 24 px tall (WCAG 2.5.8).
      const small = await page.evaluate(() =>
        [...document.querySelectorAll('#lesson-panel button:not(.link)')].map((b) => [b.textContent, b.getBoundingClientRect().height]).filter(([, h]) => h < 24),
      );
      assert.deepEqual(small, []);
    });
  });

  test('a lessons file that cannot be read is a notice; the lab keeps working', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await page.route('**/payments.json*', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"format": 1, "lab": "payments", "lessons": [' }));
      await p.goto(labUrl(server, 'payments', LESSON(1)), { ready: '#play:enabled' });
      await waitUntil(async () => (await page.locator('#message').count()) > 0, { what: 'the notice' });
      assert.match(await page.locator('#message').textContent(), /The lesson cannot start: The lessons file could not be read/);
      assert.equal(await page.locator('#lesson-panel').count(), 0);
      await page.click('#step-fwd');
      assert.equal((await indicator(page)).step, 1, 'the lab still plays');
    });
  });
});
