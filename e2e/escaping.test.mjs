// Whatever a learner feeds the page comes back as text, never as markup.
// A payload that would inject elements, and set window.__xss if any of
// their handlers ever ran, goes through every input a learner controls:
// links (short, full and comparison; at the root and on a lab page), run
// files, a pasted token and every field of every lab page. After each,
// the page holds no element with an event-handler attribute and no <img>
// (the app draws none), the handler never ran, nothing failed in the page,
// and the payload is shown as text wherever the page reports it: a
// learner who pasted markup sees the characters they pasted.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { labUrl, serveAndLaunch } from './harness.mjs';
import { indicator, openLink, waitUntil, withPage } from './lab-helpers.mjs';

/** An element with a handler that would run on its own, twice, and both quotes. */
const PAYLOAD = `<img src=x onerror="window.__xss=1">'"<svg onload=window.__xss=1>`;
/**
 * Its first 38 characters: short enough for a setting's choice value (64
 * at most), and what every report keeps (they cut a quoted value at 40).
 */
const SHORT = `<img src=x onerror="window.__xss=1">'"`;
assert.ok(PAYLOAD.startsWith(SHORT));

/**
 * A value as the address bar carries it in a link's fragment: the browser
 * percent-encodes space, quotes and angle brackets there (a short link's
 * value reaches the app in this form; the landing page decodes it).
 */
const asInLink = (text) => new URL(`http://example.invalid/#${text}`).hash.slice(1);

/** A full run link's hash for a scenario (an object), at a step. */
const fullLink = (scenario, step = 0) => `v1.${Buffer.from(JSON.stringify(scenario)).toString('base64url')}.${step}`;
/** A comparison link's hash: run A on screen at `step`, run B beside it. */
const compareLink = (a, b, step = 0) =>
  `vs1.${Buffer.from(JSON.stringify(a)).toString('base64url')}.${Buffer.from(JSON.stringify(b)).toString('base64url')}.${step}`;

/** Base64url of a text (a token's parts). */
const b64 = (text) => Buffer.from(text).toString('base64url');

/**
 * Assert that nothing the payload carries became an element or ran: no
 * element with an onerror/onload attribute, no <img> (the app and the
 * landing page draw none), window.__xss never set. First let the page
 * settle: an injected <img src=x> would have requested "x" and fired its
 * handler by the time the network is idle.
 */
async function assertInert(page, what) {
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
  const found = await page.evaluate(() => ({
    handlers: [...document.querySelectorAll('[onerror], [onload]')].map((e) => e.outerHTML.slice(0, 120)),
    images: [...document.querySelectorAll('img')].map((e) => e.outerHTML.slice(0, 120)),
    xss: window.__xss,
  }));
  assert.deepEqual(found, { handlers: [], images: [], xss: undefined }, `${what}: markup from the payload reached the page`);
}

/**
 * The notice the page shows (the app's #message, or the landing page's
 * #no-lab), once shown: its text and role.
 */
async function noticeOf(page, selector = '#message') {
  const n = page.locator(selector);
  await n.waitFor();
  return { text: (await n.textContent()).trim(), role: await n.getAttribute('role') };
}

/** Assert `text` contains one of `forms` (the payload as the page may quote it). */
function assertQuotes(text, forms, what) {
  assert.ok(
    forms.some((f) => text.includes(f)),
    `${what}: the page should show the payload as text (one of ${forms.map((f) => JSON.stringify(f)).join(', ')}); it reads ${JSON.stringify(text)}`,
  );
}

/** Close the notice (its Dismiss button) and wait until it is gone. */
async function dismiss(page) {
  if (!(await page.locator('#message').count())) return;
  await page.click('#message button');
  await page.locator('#message').waitFor({ state: 'detached' });
}

describe('escaping: learner input is shown as text, never run as markup', () => {
  let server;
  let browser;
  /** A scenario of each lab as its page writes it (the current model), from a preset's link. */
  const base = {};
  serveAndLaunch(async (s, b) => {
    server = s;
    browser = b;
    await withPage(browser, async (p) => {
      for (const [lab, preset] of [
        ['payments', 'happy-path'],
        ['oauth', 'happy-path'],
        ['sagas', 'happy-path'],
      ]) {
        await p.page.goto('about:blank');
        await openLink(p, labUrl(server, lab, `lab=${lab}&preset=${preset}`));
        await waitUntil(() => p.page.evaluate(() => location.hash.startsWith('#v1.')), { what: `${lab}: the full link in the address bar` });
        const hash = await p.page.evaluate(() => location.hash);
        base[lab] = JSON.parse(Buffer.from(hash.split('.')[1], 'base64url').toString('utf8'));
        await p.page.waitForLoadState('networkidle');
      }
    });
  });

  /**
   * Open `url` in a fresh page; it ends on a lab page with the notice
   * #message, or on the landing page with its #no-lab notice (a link to a
   * lab that does not exist). Check the notice quotes the payload as text
   * and that nothing was injected.
   */
  async function openAndCheck({ what, url, landing = false, forms, role = 'alert' }) {
    await withPage(browser, async (p) => {
      const { page } = p;
      const selector = landing ? '#no-lab' : '#message';
      await p.goto(url, { ready: selector });
      const notice = await noticeOf(page, selector);
      assert.equal(notice.role, role, `${what}: the notice's role`);
      assertQuotes(notice.text, forms, what);
      if (landing) {
        assert.equal(new URL(page.url()).pathname, server.appPath, `${what}: on the landing page`);
      } else {
        // Refused: the lab shows its default run and still works.
        await page.locator('#play:enabled').waitFor();
        assert.equal((await indicator(page)).step, 0, `${what}: the default run, at its start`);
      }
      await assertInert(page, what);
    });
  }

  test('short links: markup as a lab, a preset, a step or a comparison is reported as text, at the root and on a lab page', async () => {
    // The landing page reads a short link's lab= itself (decoded); the
    // lab page reports a value as the link carries it (percent-encoded by
    // the browser). Either way it is text.
    const quoted = (n) => [PAYLOAD.slice(0, n), asInLink(PAYLOAD).slice(0, n)];
    const cases = [
      { what: 'root, lab=<markup>', url: `${server.appUrl}#lab=${PAYLOAD}`, landing: true, forms: [SHORT] },
      { what: 'payments page, lab=<markup>', url: labUrl(server, 'payments', `lab=${PAYLOAD}`), landing: true, forms: [SHORT] },
      { what: 'root, preset=<markup>', url: `${server.appUrl}#lab=payments&preset=${PAYLOAD}`, forms: quoted(40) },
      { what: 'payments page, preset=<markup>', url: labUrl(server, 'payments', `lab=payments&preset=${PAYLOAD}`), forms: quoted(40) },
      { what: 'oauth page, compare=<markup>', url: labUrl(server, 'oauth', `lab=oauth&compare=${PAYLOAD}`), forms: quoted(40) },
      { what: 'sagas page, step=<markup>', url: labUrl(server, 'sagas', `lab=sagas&step=${PAYLOAD}`), forms: quoted(12) },
    ];
    for (const c of cases) await openAndCheck(c);
  });

  test('full and comparison links: markup in the scenario is reported as text', async () => {
    const { payments, oauth, sagas } = base;
    const cases = [
      {
        what: 'a setting that does not exist',
        url: labUrl(server, 'payments', fullLink({ ...payments, config: { [PAYLOAD]: 1 } })),
        forms: [`the setting "${SHORT}`],
      },
      {
        what: 'a choice that is not an option',
        url: labUrl(server, 'oauth', fullLink({ ...oauth, config: { pkce: SHORT } })),
        forms: [`not "${SHORT}"`],
      },
      {
        what: 'a value of the wrong type',
        url: labUrl(server, 'payments', fullLink({ ...payments, seed: PAYLOAD })),
        forms: [`string "${PAYLOAD}"`],
      },
      {
        what: "a fault's actor",
        url: labUrl(server, 'payments', fullLink({ ...payments, faults: [{ crash: { at_ms: 0, actor: PAYLOAD } }] })),
        forms: [`a fault names "${SHORT}`],
      },
      {
        what: 'a kind of fault that does not exist',
        url: labUrl(server, 'payments', fullLink({ ...payments, faults: [{ [PAYLOAD]: { at_ms: 0 } }] })),
        forms: [`unknown variant \`${PAYLOAD}\``],
      },
      {
        what: "a lab fault's name",
        url: labUrl(server, 'sagas', fullLink({ ...sagas, faults: [{ lab: { at_ms: 0, actor: 'payment', name: PAYLOAD } }] })),
        forms: [`the fault "${SHORT}`],
      },
      {
        what: "a lab fault's argument",
        url: labUrl(
          server,
          'sagas',
          fullLink({ ...sagas, faults: [{ lab: { at_ms: 0, actor: 'payment', name: 'decline-next', args: { [PAYLOAD]: 1 } } }] }),
        ),
        forms: [`the setting "${SHORT}`],
      },
      // A lab this site does not have: the lab page sends the link to the
      // landing page, which names it.
      {
        what: 'the lab, on a lab page',
        url: labUrl(server, 'payments', fullLink({ ...payments, lab: PAYLOAD })),
        landing: true,
        forms: [SHORT],
      },
      { what: 'the lab, at the root', url: `${server.appUrl}#${fullLink({ ...payments, lab: PAYLOAD })}`, landing: true, forms: [SHORT] },
      {
        what: "a comparison, run B's setting",
        url: labUrl(server, 'payments', compareLink(payments, { ...payments, config: { [PAYLOAD]: 1 } })),
        forms: [`the setting "${SHORT}`],
      },
      {
        what: "a comparison, run B's lab",
        url: labUrl(server, 'payments', compareLink(payments, { ...payments, lab: PAYLOAD })),
        forms: [`one of "${SHORT}`],
      },
    ];
    for (const c of cases) await openAndCheck(c);
  });

  test('run files: markup in the head or the scenario is reported as text; an edited table row opens with a notice', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, labUrl(server, 'payments', 'lab=payments&preset=key-expired&step=3'));
      // A genuine run file, as the page exports it.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
      const genuine = readFileSync(await download.path(), 'utf8');
      const scenario = JSON.parse(genuine).scenario;

      /** Import `text` as a file; the notice it gives. */
      const importFile = async (text) => {
        await dismiss(page);
        await page.setInputFiles('#import-file', { name: 'run.json', mimeType: 'application/json', buffer: Buffer.from(text) });
        return noticeOf(page);
      };
      const head = { kind: 'faultline-run', version: 1, cursor: 0 };
      const refused = [
        // serde quotes a string of the wrong type as JSON: its quotes escaped.
        { what: 'a head value of the wrong type', text: JSON.stringify({ ...head, version: PAYLOAD }), forms: [JSON.stringify(PAYLOAD)] },
        {
          what: 'a key given twice',
          text: `{"kind":"faultline-run",${JSON.stringify(PAYLOAD)}:1,${JSON.stringify(PAYLOAD)}:2}`,
          forms: [`the key "${SHORT}`],
        },
        { what: 'a kind of file that is not a run file', text: JSON.stringify({ kind: PAYLOAD }), forms: ['not a Faultline run file'] },
        {
          what: "the scenario's setting",
          text: JSON.stringify({ ...head, scenario: { ...scenario, config: { [PAYLOAD]: 1 } } }),
          forms: [`the setting "${SHORT}`],
        },
        { what: "the scenario's lab", text: JSON.stringify({ ...head, scenario: { ...scenario, lab: PAYLOAD } }), forms: [`no lab called "${SHORT}`] },
        {
          what: "the scenario's seed",
          text: JSON.stringify({ ...head, scenario: { ...scenario, seed: PAYLOAD } }),
          forms: [`string "${PAYLOAD}"`],
        },
      ];
      for (const c of refused) {
        const notice = await importFile(c.text);
        assert.equal(notice.role, 'alert', `${c.what}: refused`);
        assert.match(notice.text, /^That file could not be imported: .*Your current run is kept\./, c.what);
        assertQuotes(notice.text, c.forms, c.what);
        await assertInert(page, `run file, ${c.what}`);
        assert.equal((await indicator(page)).step, 3, `${c.what}: the run on screen is kept`);
      }

      // A genuine file edited by hand: it opens its scenario's run, with a
      // notice naming the table the edit is in. Edited in the text (the
      // file's ids do not survive JSON.parse), its last row.
      const at = genuine.lastIndexOf('"table":"');
      assert.ok(at > 0, 'the run file has table rows');
      const table = genuine.slice(at + '"table":"'.length).split('"')[0];
      const cells = genuine.indexOf('"cells":["', at) + '"cells":["'.length;
      const inJson = JSON.stringify(PAYLOAD).slice(1, -1);
      const editedCell = genuine.slice(0, cells) + inJson + genuine.slice(cells);
      let notice = await importFile(editedCell);
      assert.equal(notice.role, 'status', 'an edited row: a notice, not a refusal');
      assert.match(notice.text, /^Run imported\. Its trace is not the one its scenario produces/);
      assert.ok(notice.text.includes(`(first in the "${table}" table)`), `the notice names the table: ${notice.text}`);
      assert.ok(!notice.text.includes('<img'), 'a cell is never quoted');
      assert.equal((await indicator(page)).step, 3, 'at the step the file names');
      await assertInert(page, 'run file, an edited table cell');

      // The table's own name edited: the notice quotes it, up to its first
      // (escaped) quote, as text.
      const tableAt = at + '"table":"'.length;
      const editedTable = genuine.slice(0, tableAt) + inJson + genuine.slice(tableAt + table.length);
      notice = await importFile(editedTable);
      assert.equal(notice.role, 'status');
      assertQuotes(notice.text, [`(first in the "${inJson.split('"')[0]}" table)`], "an edited table's name");
      await assertInert(page, "run file, an edited table's name");
    });
  });

  test("a pasted token: markup in its header, its claims or around it is shown as text", async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      // The token response: the run has shown its keys, so the paste box is there.
      await openLink(p, labUrl(server, 'oauth', 'lab=oauth&preset=happy-path&step=17'));
      await page.click('details.paste-token summary');
      const box = page.locator('#paste-token');
      const verdict = page.locator('details.paste-token .verdict');
      const card = page.locator('#token-pasted');

      /** Paste `text` (as a learner pastes: the box's value at once) and wait for the verdict to match `re`. */
      const paste = async (text, re, what) => {
        await box.fill(text);
        await waitUntil(async () => (await verdict.count()) && re.test(await verdict.textContent()), { what: `${what}: a verdict matching ${re}` });
        assert.equal(await box.inputValue(), text, `${what}: the box keeps what was pasted`);
      };

      // Markup everywhere in a token: its algorithm, key id, a claim's name and values.
      const header = JSON.stringify({ alg: PAYLOAD, kid: PAYLOAD, [PAYLOAD]: PAYLOAD });
      const claims = JSON.stringify({ aud: PAYLOAD, sub: PAYLOAD, [PAYLOAD]: [PAYLOAD, PAYLOAD] });
      await paste(`${b64(header)}.${b64(claims)}.${b64(PAYLOAD)}`, /Cannot check/, 'markup in header and claims');
      assertQuotes(await verdict.textContent(), [`not "${PAYLOAD}"`], 'the verdict names the algorithm');
      assert.equal(await card.locator('tr.focus td').first().textContent(), PAYLOAD, 'the audience, as text');
      const names = await card.locator('th code').allTextContents();
      assert.ok(names.filter((n) => n === PAYLOAD).length === 2, `a claim named by markup, in the header and the claims: ${JSON.stringify(names)}`);
      await assertInert(page, 'a token with markup in its header and claims');

      // A token whose claims are not JSON: shown as they are, as text.
      await paste(`${b64(JSON.stringify({ alg: 'ES256', kid: PAYLOAD }))}.${b64(PAYLOAD)}.AAAA`, /Cannot check/, 'claims that are not JSON');
      assertQuotes(await verdict.textContent(), [`key "${PAYLOAD}"`], 'the verdict names the key id');
      assert.ok((await card.locator('code').allTextContents()).includes(PAYLOAD), 'the claims, shown as they are');
      await assertInert(page, 'a token whose claims are markup');

      // Not a token at all: one sentence, nothing else.
      for (const text of [PAYLOAD, `${PAYLOAD}.${PAYLOAD}.${PAYLOAD}`]) {
        await paste(text, /^✗ Not a signed token/, 'markup that is not a token');
        assert.equal(await card.count(), 0, 'no card for something that is not a token');
        await assertInert(page, 'markup pasted as a token');
      }
    });
  });

  test('settings: markup typed into every field of every lab page is refused or kept as text', async () => {
    for (const [lab, hash] of [
      ['payments', 'lab=payments'],
      // At the token response: its paste box is one of the page's fields.
      ['oauth', 'lab=oauth&preset=happy-path&step=17'],
      ['sagas', 'lab=sagas'],
    ]) {
      await withPage(browser, async (p) => {
        const { page } = p;
        await openLink(p, labUrl(server, lab, hash));
        const fields = await page
          .locator('main input, main textarea')
          .evaluateAll((els) =>
            els.filter((e) => !['checkbox', 'range', 'file'].includes(e.type)).map((e) => ({ id: e.id, type: e.type, readOnly: e.readOnly })),
          );
        const typed = [];
        for (const f of fields) {
          const field = page.locator(`#${f.id}`);
          if (f.readOnly) {
            // The page's own link and embed code: written by the page,
            // never typed into.
            assert.ok(['permalink', 'embed-code'].includes(f.id), `${lab}: the only read-only fields are the link and the embed code (not #${f.id})`);
            continue;
          }
          // A field in a closed disclosure (the paste box): open it first.
          if (!(await field.isVisible())) await page.click(`details:has(#${f.id}) > summary`);
          const before = await field.inputValue();
          await field.click();
          await page.keyboard.press('Control+A');
          await page.keyboard.type(PAYLOAD);
          if (f.type === 'number') {
            // A number field cannot hold the markup; committing it is
            // refused with a sentence, and the field holds its number again.
            await page.keyboard.press('Tab');
            const notice = await noticeOf(page);
            assert.equal(notice.role, 'alert', `${lab} #${f.id}: refused`);
            assert.match(notice.text, /^(Please enter a (whole number|percentage)|A seed is a whole number)/, `${lab} #${f.id}`);
            assert.equal(await field.inputValue(), before, `${lab} #${f.id}: back to its value`);
            await dismiss(page);
          } else {
            // Text is the learner's own: kept as typed, shown nowhere as markup.
            assert.equal(await field.inputValue(), PAYLOAD, `${lab} #${f.id}: keeps what was typed`);
            if (f.id === 'iv-answer') await page.click('#iv-reveal');
          }
          await assertInert(page, `${lab} #${f.id}`);
          typed.push(f.id);
        }
        assert.ok(typed.includes('seed') && typed.includes('iv-answer'), `${lab}: fields typed into: ${typed.join(', ')}`);
        if (lab === 'oauth') assert.ok(typed.includes('paste-token'), 'the paste box too');
      });
    }
  });
});
