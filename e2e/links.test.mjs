// Links as a teacher and a learner use them: short links for slides, a
// link made under an older model of a lab (it still opens, with a notice),
// a link to an unchanged preset (it shows that preset), and a landing page
// that opens the lab that was clicked. Each lab has its own page
// (dist/<lab>/); links made when all labs shared one page (dist/#…) still
// open, on their lab's page, showing the same thing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { labUrl, serveAndLaunch } from './harness.mjs';
import { indicator, linkStep, messageText, openLink, waitUntil, withPage } from './lab-helpers.mjs';

const OLD = JSON.parse(readFileSync(new URL('./fixtures/old-links.json', import.meta.url), 'utf8'));

/** A preset at a step and a ready-made comparison of each lab, for links to them. */
const LABS = [
  { lab: 'payments', preset: 'key-expired', step: 5, compare: 'key-or-no-key' },
  { lab: 'oauth', preset: 'happy-path', step: 17, compare: 'jwt-vs-opaque' },
  { lab: 'sagas', preset: 'payment-declined', step: 30, compare: 'saga-vs-2pc' },
];

/** The page's path below the served folder ("payments/", or "" for the landing page). */
const pageOf = (server, page) => new URL(page.url()).pathname.slice(server.appPath.length);

/** What a learner sees of a link: the lab, its step, the scenario, the comparison, the view, any notice. */
async function seenOf(page) {
  const ind = await indicator(page);
  const compare = (await page.locator('#compare').count())
    ? (await page.locator('#compare-b').getAttribute('aria-pressed')) === 'true'
      ? 'B on screen'
      : 'A on screen'
    : null;
  return {
    lab: (await page.locator('main h1').textContent()).trim(),
    step: ind.step,
    last: ind.last,
    preset: (await page.locator('button.preset[aria-pressed="true"]').count())
      ? await page.locator('button.preset[aria-pressed="true"]').getAttribute('data-preset')
      : null,
    explanation: (await page.locator('#scenario-explanation').textContent()).trim(),
    compare,
    projector: (await page.locator('main.lab.projector').count()) === 1,
    message: (await page.locator('#message').count()) ? (await page.locator('#message').textContent()).trim() : null,
  };
}

/**
 * Open `url` in the page afresh (not as a change of hash within the page it
 * is on). Let the page finish its requests first: leaving mid-request, say
 * while the favicon loads, aborts it, which the harness counts as a failure.
 */
async function openFresh(p, url) {
  await p.page.waitForLoadState('networkidle');
  await p.page.goto('about:blank');
  await openLink(p, url);
}

/** The hash of the page once it is a full link matching `re` (the page rewrites a short link). */
async function fullHash(page, re) {
  await waitUntil(async () => re.test(await page.evaluate(() => location.hash)), { what: `a full link matching ${re}` });
  return (await page.evaluate(() => location.hash)).slice(1);
}

/** A full run link ("v1.<base64url JSON>.<step>…") with its JSON changed by `edit`. */
function editLink(hash, edit) {
  const [v, payload, ...rest] = hash.split('.');
  const json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  edit(json);
  return [v, Buffer.from(JSON.stringify(json)).toString('base64url'), ...rest].join('.');
}

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
      assert.equal(pageOf(server, page), 'payments/', "on the Payments lab's page");
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
      await openLink(p, labUrl(server, 'payments', 'lab=payments&preset=key-expired&step=5'));
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
      await openLink(p, labUrl(server, 'payments', 'lab=payments&preset=declined-replayed&step=4'));
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
      await openLink(p, labUrl(server, 'payments', 'lab=payments&preset=no-such-thing'));
      assert.match(await page.locator('#message').textContent(), /no scenario called "no-such-thing"/);
      await page.click('#step-fwd');
      await waitUntil(async () => (await indicator(page)).step === 1, { what: 'a step forward' });
      // "← All labs" leads to the landing page and its cards, which has
      // nothing to say about the lab's link (it is a page of its own now).
      await page.waitForLoadState('networkidle');
      await p.follow(() => page.click('a.back'));
      assert.equal(pageOf(server, page), '', 'on the landing page');
      await page.locator('a[data-lab]').first().waitFor();
      assert.equal(await page.locator('#no-lab').isVisible(), false, 'no error on the landing page');
    });
  });

  test('each landing card opens its own lab, and its link says which', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await p.goto(server.appUrl);
      const cards = page.locator('a[data-lab]');
      const names = await cards.evaluateAll((as) => as.map((a) => a.getAttribute('aria-label')));
      assert.ok(names.length >= 1);
      for (const name of names) assert.match(name, /^Open the lab: .+/, 'the accessible name names the lab');
      assert.equal(new Set(names).size, names.length, 'no two cards share a name');
      const labs = await cards.evaluateAll((as) => as.map((a) => [a.dataset.lab, a.getAttribute('href')]));
      assert.deepEqual(labs.map(([lab]) => lab), LABS.map((l) => l.lab), 'a card for each lab');
      for (const [lab, href] of labs) assert.equal(href, `${lab}/`, `${lab}: the card links to the lab's page`);
      for (const [i, { lab }] of LABS.entries()) {
        if (i > 0) {
          await page.waitForLoadState('networkidle');
          await p.follow(() => page.click('a.back'));
        }
        const name = names[labs.findIndex(([l]) => l === lab)].replace(/^Open the lab: /, '');
        await p.follow(() => page.getByRole('link', { name: `Open the lab: ${name}` }).click(), { ready: '#play' });
        await page.locator('#play:enabled').waitFor();
        assert.equal(pageOf(server, page), `${lab}/`, `${lab}: on its own page`);
        assert.equal(await page.locator('main h1').textContent(), name, `${lab}: the lab the card named`);
      }
    });
  });

  test('old links at the root (short, full, comparison, projector) open on their lab\'s page as before', async () => {
    for (const { lab, preset, step, compare } of LABS) {
      await withPage(browser, async (p) => {
        const { page } = p;
        // What each link shows on the lab's own page, and the full links the page writes.
        const expected = [];
        const direct = async (hash, full) => {
          await openFresh(p, labUrl(server, lab, hash));
          assert.equal(pageOf(server, page), `${lab}/`);
          const seen = await seenOf(page);
          expected.push([hash, seen], [await fullHash(page, full), seen]);
          return seen;
        };
        const run = await direct(`lab=${lab}&preset=${preset}&step=${step}`, new RegExp(`^#v1\\.[\\w-]+\\.${step}$`));
        assert.deepEqual([run.step, run.preset, run.compare, run.projector, run.message], [step, preset, null, false, null], `${lab}: the short link`);
        const big = await direct(
          `lab=${lab}&preset=${preset}&step=${step}&view=projector`,
          new RegExp(`^#v1\\.[\\w-]+\\.${step}\\.projector$`),
        );
        assert.deepEqual([big.step, big.preset, big.projector, big.message], [step, preset, true, null], `${lab}: the projector link`);
        const vs = await direct(`lab=${lab}&compare=${compare}&step=3&show=b`, /^#vs1\.[\w-]+\.[\w-]+\.3\.b$/);
        assert.deepEqual([vs.step, vs.compare, vs.message], [3, 'B on screen', null], `${lab}: the comparison link`);

        // The same links at the root, as they were shared when every lab
        // was on one page: the landing page sends each to its lab's page,
        // which shows the same lab, step, scenario, comparison and view.
        for (const [hash, seen] of expected) {
          await openFresh(p, `${server.appUrl}#${hash}`);
          assert.equal(pageOf(server, page), `${lab}/`, `#${hash.slice(0, 60)}: on the ${lab} page`);
          assert.deepEqual(await seenOf(page), seen, `#${hash.slice(0, 60)}: what the link shows`);
        }
      });
    }
  });

  test("a link made under an earlier model of each lab opens at the root on its lab's page, with a notice", async () => {
    // Payments: a link committed before model versions existed, recognised as its preset.
    const links = [['payments', OLD.lost_response_no_key_step12, 12, 'lost-response-no-key']];
    // OAuth and Sagas: a link of today with the model version set back to 1.
    await withPage(browser, async (p) => {
      for (const { lab, preset, step } of LABS.slice(1)) {
        await openFresh(p, labUrl(server, lab, `lab=${lab}&preset=${preset}&step=${step}`));
        const hash = await fullHash(p.page, /^#v1\./);
        links.push([lab, editLink(hash, (json) => {
          assert.ok(json.model > 1, `${lab}: the link names its model (${json.model})`);
          json.model = 1;
        }), step, preset]);
      }
    });
    for (const [lab, hash, step, preset] of links) {
      await withPage(browser, async (p) => {
        const { page } = p;
        await openLink(p, `${server.appUrl}#${hash}`);
        assert.equal(pageOf(server, page), `${lab}/`, `${lab}: on its page`);
        const notice = page.locator('#message');
        assert.equal(await notice.getAttribute('role'), 'status', `${lab}: a notice, never a refusal`);
        assert.match(await messageText(page), /earlier version of the model.*may differ/, lab);
        assert.equal((await indicator(page)).step, step, `${lab}: at the step the link names`);
        assert.equal(
          await page.locator('button.preset[aria-pressed="true"]').getAttribute('data-preset'),
          preset,
          `${lab}: the preset it is a link to`,
        );
      });
    }
  });

  test('a link to no known lab stays on the landing page, says so and offers the labs', async () => {
    const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
    for (const [hash, name] of [
      ['lab=nope&preset=x&step=2', 'nope'],
      [`v1.${enc({ v: 1, lab: 'chemistry', seed: 1 })}.0`, 'chemistry'],
    ]) {
      await withPage(browser, async (p) => {
        const { page } = p;
        await p.goto(`${server.appUrl}#${hash}`);
        assert.equal(pageOf(server, page), '', `#${hash}: still on the landing page`);
        const alert = page.locator('#no-lab');
        assert.ok(await alert.isVisible(), `#${hash}: the landing page says what is wrong`);
        assert.equal(await alert.getAttribute('role'), 'alert');
        assert.match(await alert.textContent(), new RegExp(`lab that does not exist here.*${name}`), hash);
        assert.equal(await page.locator('main.landing a[data-lab]').count(), LABS.length, 'every card is offered');
        for (const { lab } of LABS) assert.ok(await page.locator(`a[data-lab="${lab}"]`).isVisible(), `${lab} card`);
        // A corrected link typed into the address bar of the landing page opens its lab.
        await p.follow(() => page.evaluate(() => {
          location.hash = '#lab=sagas&preset=payment-declined&step=2';
        }), { ready: '#play' });
        assert.equal(pageOf(server, page), 'sagas/', 'on the Sagas page');
        assert.equal((await indicator(page)).step, 2);
        assert.equal(await page.locator('button.preset[aria-pressed="true"]').getAttribute('data-preset'), 'payment-declined');
      });
    }
  });

  test("a link to another lab's run, opened on a lab's page, ends on that lab's page", async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, labUrl(server, 'payments', 'lab=oauth&preset=happy-path&step=3'));
      assert.equal(pageOf(server, page), 'oauth/', 'on the OAuth page');
      assert.match(await page.locator('main h1').textContent(), /^OAuth/);
      assert.equal((await indicator(page)).step, 3, 'at the step the link names');
      assert.equal(await page.locator('button.preset[aria-pressed="true"]').getAttribute('data-preset'), 'happy-path');
      assert.equal(await page.locator('#message').count(), 0, 'no notice: the link is fine');
    });
  });
});
