// The OAuth lab (issue 9), used as a learner would: open it from its
// landing card, pick scenarios, step with the mouse, the keyboard and the
// slider, read each step's message as raw HTTP, open tokens in the token
// inspector, paste tokens, share a link to a step, and run axe. Every test
// also fails if the page logged a console error, threw, or sent a request
// anywhere but the local server (withPage -> assertNoIssues). Per-preset
// coverage of this lab is in golden.test.mjs (digests of every shipped
// preset) and geometry.test.mjs (every preset of every lab, drawn).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { labUrl, serveAndLaunch } from './harness.mjs';
import {
  choosePreset,
  flightLabels,
  indicator,
  narration,
  openLab,
  openLink,
  seek,
  tableRows,
  waitForStep,
  waitUntil,
  withPage,
} from './lab-helpers.mjs';

/** From the landing page, open the OAuth lab with the mouse. */
async function openOAuth(p, server) {
  await openLab(p, server, 'oauth');
  assert.match(await p.page.locator('main h1').textContent(), /^OAuth/);
  // The app measures the preset row after drawing and moves the chips that
  // do not fit into "More scenarios" (one or two passes): wait for the row
  // to settle before clicking a chip.
  await waitUntil(
    () => p.page.locator('#preset-row').evaluate((ul) => ul.scrollWidth <= ul.clientWidth + 1),
    { what: 'the preset row to fit' },
  );
}

/** The message card's raw HTTP text at this step ('' if the step handled no message). */
async function wire(page) {
  const pre = page.locator('#message-text');
  return (await pre.count()) ? (await pre.textContent()).trim() : '';
}

/** The highlighted (<mark>) pieces of the message card. */
const marks = (page) => page.locator('#message-text mark').allTextContents();

/** Press Step ▶ (the mouse) once and wait for the next step. */
async function stepForward(page) {
  const { step } = await indicator(page);
  await page.click('#step-fwd');
  return waitForStep(page, step + 1);
}

/**
 * Step forward with `advance` until `done()` holds, calling `seen()` at
 * every step on the way (the current one included). Fails at the last step.
 */
async function stepUntil(page, done, { advance = stepForward, seen = async () => {} } = {}) {
  for (;;) {
    await seen();
    if (await done()) return indicator(page);
    const { step, last } = await indicator(page);
    assert.ok(step < last, `reached the last step (${last}) and the condition never held`);
    await advance(page);
  }
}

/** Step until the message card's text matches `re`. */
const stepToMessage = (page, re, opts) => stepUntil(page, async () => re.test(await wire(page)), opts);

/**
 * Each arrow drawn so far as "from → to: label", the ends matched to the
 * nearest lane (lanes named by their actor: browser, planner, auth-server…).
 */
async function arrows(page) {
  return page.evaluate(() => {
    const lanes = [...document.querySelectorAll('svg#sequence g.lane[data-actor]')].map((g) => ({
      name: g.dataset.actor,
      x: Number(g.querySelector('line.lane-line').getAttribute('x1')),
    }));
    const lane = (x) => lanes.reduce((a, b) => (Math.abs(b.x - x) < Math.abs(a.x - x) ? b : a)).name;
    return [...document.querySelectorAll('svg#sequence g.flight.delivered')].map((g) => {
      const line = g.querySelector('line');
      const label = g.querySelector('text.flight-label').textContent;
      return `${lane(Number(line.getAttribute('x1')))} → ${lane(Number(line.getAttribute('x2')))}: ${label}`;
    });
  });
}

/** Run axe and fail on any violation, whatever its impact, naming the elements. */
async function assertAxeClean(page, where) {
  const results = await new AxeBuilder({ page }).analyze();
  assert.ok(results.passes.length > 0, `${where}: axe ran its rules`);
  assert.deepEqual(
    results.violations
      .map((v) => `${v.impact}: ${v.id} (${v.help}) on ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `${where}: axe found violations`,
  );
}

/** The element that has the focus, as "tag#id". */
const focused = (page) => page.evaluate(() => `${document.activeElement.tagName.toLowerCase()}#${document.activeElement.id}`);

/** Is the element's box at least partly inside the window? */
const inView = (locator) =>
  locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight && r.height > 0;
  });

describe('OAuth lab', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  test('happy path: Alice connects her calendar and Planner reads it (200)', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openOAuth(p, server);
      await choosePreset(page, 'happy-path');
      assert.match(await page.locator('#scenario-explanation').textContent(), /signs in at the authorization server, not at Planner/);

      // Step with Step ▶ until the calendar API has answered the read,
      // remembering what the /authorize request and the narration showed.
      let authorize = null;
      const said = [];
      await stepToMessage(page, /^HTTP\/1\.1 200 OK\n\n\{\n\s+"items": \[/, {
        seen: async () => {
          said.push(await narration(page));
          if (/^GET https:\/\/auth\.example\/authorize\?/.test(await wire(page))) {
            authorize = { text: await wire(page), marks: await marks(page) };
          }
        },
      });

      // The API's log: one read, answered 200, needing calendar.read.
      assert.deepEqual(await tableRows(page, 'Calendar API calls'), [['#1', 'read events', 'calendar.read', '200']]);

      // The /authorize request carries state and the PKCE challenge, highlighted.
      assert.ok(authorize, 'a step showed the browser\'s GET /authorize');
      assert.match(authorize.text, /[?&]code_challenge_method=S256\b/);
      for (const param of ['state', 'code_challenge']) {
        const value = new RegExp(`[?&]${param}=([^& ]+)`).exec(authorize.text)?.[1];
        assert.ok(value, `/authorize has ${param}`);
        assert.ok(authorize.marks.includes(`${param}=${value}`), `${param} is highlighted: ${JSON.stringify(authorize.marks)}`);
      }

      // The redirects are hops through Alice's browser, in the narration…
      assert.ok(said.some((s) => /browser follows the 302 to the authorization server/.test(s)), 'narrated: to the server');
      assert.ok(said.some((s) => /browser follows the redirect back to Planner's callback/.test(s)), 'narrated: back to Planner');
      // …and in the diagram: each 302 lands on the browser lane, and the
      // browser makes the next request.
      const drawn = await arrows(page);
      for (const hop of [
        'planner → browser: 302 → /authorize',
        'browser → auth-server: GET /authorize (PKCE)',
        'auth-server → browser: 302 → /callback?code=',
        'browser → planner: GET /callback?code…',
        'planner → calendar-api: GET /v1/calendar/events Bearer',
        'calendar-api → planner: 200 OK',
      ]) {
        assert.ok(drawn.some((a) => a.startsWith(hop)), `the diagram shows "${hop}" in ${JSON.stringify(drawn, null, 1)}`);
      }
      // No token ever goes through the browser: /token is Planner ↔ server.
      assert.ok(drawn.some((a) => a.startsWith('planner → auth-server: POST /token code=')));
      assert.ok(!drawn.some((a) => /browser/.test(a) && /tokens/.test(a)), 'no tokens via the browser');

      // Planner's session holds what it needs between the steps.
      const session = Object.fromEntries(await tableRows(page, "Planner's session"));
      for (const item of ['state', 'nonce', 'code_verifier', 'code', 'access token', 'refresh token', 'ID token']) {
        assert.ok(session[item] && session[item] !== '—', `Planner's session holds its ${item}: ${JSON.stringify(session)}`);
      }
      assert.equal(await page.locator('li[data-invariant].bad').count(), 0, 'every invariant holds');
    });
  });

  test('Alice says no: error=access_denied, no code, no token, no API call', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openOAuth(p, server);
      await choosePreset(page, 'consent-denied');

      // Step with the keyboard (→) until Planner's callback receives the answer.
      const right = async () => {
        const { step } = await indicator(page);
        await page.keyboard.press('ArrowRight');
        await waitForStep(page, step + 1);
      };
      await page.locator('#step-indicator').click(); // focus on the page, not a field
      await stepToMessage(page, /^GET https:\/\/planner\.example\/callback\?/, { advance: right });
      const callback = await wire(page);
      assert.match(callback, /\?error=access_denied&state=[\w-]+ HTTP\/1\.1$/, 'the callback carries the error and the state');
      assert.doesNotMatch(callback, /[?&]code=/, 'and no code');
      const m = await marks(page);
      assert.ok(m.includes('error=access_denied'), `error is highlighted: ${JSON.stringify(m)}`);
      assert.match(await narration(page), /error=access_denied: Alice said no/);

      // To the end (End key): nothing was issued and nothing was called.
      await page.keyboard.press('End');
      await waitUntil(async () => {
        const i = await indicator(page);
        return i.step === i.last;
      }, { what: 'the last step' });
      assert.match(await wire(page), /You did not allow access to your calendar/);
      assert.deepEqual(await tableRows(page, 'Authorization codes'), [], 'no code');
      assert.deepEqual(await tableRows(page, 'Tokens (families)'), [], 'no token');
      assert.deepEqual(await tableRows(page, 'Calendar API calls'), [], 'no API call');
      const labels = await flightLabels(page);
      assert.ok(labels.includes('POST /consent deny'), `the denial is drawn: ${JSON.stringify(labels)}`);
      assert.ok(!labels.some((l) => l.startsWith('POST /token') || l.includes('/v1/calendar')), 'no /token, no API call drawn');
      assert.equal(await page.locator('li[data-invariant].bad').count(), 0, 'no invariant breaks');
    });
  });

  test('code used twice: the second /token gets 400 invalid_grant, its tokens are revoked, the JWT is still accepted', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openOAuth(p, server);
      await choosePreset(page, 'code-replayed');
      assert.match(await page.locator('#scenario-explanation').textContent(), /keeps accepting the revoked token until it expires/);

      // The server's refusal, as Planner receives it.
      await stepToMessage(page, /"error": "invalid_grant"/);
      assert.match(await wire(page), /^HTTP\/1\.1 400 Bad Request\n[^]*Cache-Control: no-store/);
      assert.deepEqual(await marks(page), ['"error": "invalid_grant"']);
      // Both requests carried the same code.
      const posts = (await flightLabels(page)).filter((l) => l.startsWith('POST /token code='));
      assert.equal(posts.length, 2, `two token requests: ${JSON.stringify(posts)}`);
      assert.equal(posts[0], posts[1], 'with the same code');
      // The code is revoked with everything it gave.
      const [code] = await tableRows(page, 'Authorization codes');
      assert.deepEqual(code.slice(4), ['revoked', 'family 1: 2 issued, 2 revoked']);
      const tokens = await tableRows(page, 'Tokens (families)');
      assert.deepEqual(tokens.map((r) => [r[1], r[4]]), [['access', 'revoked'], ['refresh', 'revoked']]);
      assert.match(await page.locator('li[data-invariant="code-once"]').getAttribute('class'), /\bok\b/, 'the code gave tokens once');

      // The lesson: the API checks the JWT itself and still says 200.
      assert.equal(await page.locator('#jump-violation').count(), 1, 'a violation is announced for later in the run');
      await page.click('#jump-violation');
      const banner = page.locator('#violation-banner');
      await banner.waitFor();
      assert.match(await banner.textContent(), /answered call #1 with 200 for a token revoked \d+ ms earlier: a JWT checked locally stays valid until it expires/);
      assert.deepEqual(await tableRows(page, 'Calendar API calls'), [['#1', 'read events', 'calendar.read', '200']]);
      const jwtWindow = page.locator('li[data-invariant="revoked-token-refused"]');
      assert.match(await jwtWindow.getAttribute('class'), /\bbad\b/, 'the JWT window is its own named violation');
      assert.match(await jwtWindow.textContent(), /a JWT checked locally stays valid until it expires/);
    });
  });

  test('read-only consent: adding an event gets 403 insufficient_scope', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openOAuth(p, server);
      await choosePreset(page, 'consent-read-only');
      // Drag the slider to the end.
      const last = Number(await page.locator('#timeline').getAttribute('max'));
      await seek(page, last);

      assert.deepEqual(await tableRows(page, 'Calendar API calls'), [
        ['#1', 'read events', 'calendar.read', '200'],
        ['#2', 'add event', 'calendar.write', '403'],
      ]);
      const answer = await wire(page);
      assert.match(answer, /^HTTP\/1\.1 403 Forbidden\n/);
      assert.match(answer, /^WWW-Authenticate: Bearer realm="calendar", error="insufficient_scope", scope="calendar.write"$/m);
      assert.ok((await marks(page)).some((m) => m.includes('error="insufficient_scope"')), 'the WWW-Authenticate value is highlighted');
      assert.ok((await flightLabels(page)).includes('403 insufficient_scope'), 'the diagram labels the answer');
      const [code] = await tableRows(page, 'Authorization codes');
      assert.equal(code[2], 'openid calendar.read', 'the code grants only what Alice allowed');
      assert.equal(await page.locator('li[data-invariant].bad').count(), 0, 'a refusal is not a violation');
    });
  });

  test('token inspector: a token opens decoded and checked; a changed or junk token is refused', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, labUrl(server, 'oauth', 'lab=oauth&preset=happy-path&step=0'));
      // Step to the token response (Planner receives the tokens).
      await stepToMessage(page, /"access_token": "ey/, { advance: async (pg) => seek(pg, (await indicator(pg)).step + 1) });

      // Click the access token in the raw text: its card (written by the
      // page's helper worker) comes into view with the focus.
      const links = page.locator('#message-text button.token-link');
      assert.equal(await links.count(), 2, 'two tokens in the message: the access token and the ID token');
      const accessToken = (await links.nth(0).textContent()).trim();
      assert.equal(await page.locator('#token-cards section.token').count(), 0, 'the cards open on a click');
      await links.nth(0).click();
      const card = page.locator('section.token#token-0');
      await waitUntil(async () => (await focused(page)) === 'section#token-0', { what: 'the access token card to take the focus' });
      assert.ok(await inView(card), 'the card is scrolled into view');
      assert.equal(await card.getAttribute('aria-label'), 'Token in access_token');
      assert.match(await card.locator('.verdict').getAttribute('class'), /\bok\b/);
      assert.match(await card.locator('.verdict').textContent(), /^✓ Signature valid: ES256, checked with/);
      const aud = card.locator('table.claims tr.focus');
      assert.equal(await aud.locator('th').textContent(), 'aud');
      assert.equal(await aud.locator('td').first().textContent(), 'https://calendar.example');
      assert.match(await card.textContent(), /exp\d+ = 2026-01-01 \d\d:\d\d:\d\d UTC/, 'times are shown as dates');

      // The ID token, with the keyboard: Tab to its link and press Enter.
      await links.nth(1).focus();
      await page.keyboard.press('Enter');
      await waitUntil(async () => (await focused(page)) === 'section#token-1', { what: 'the ID token card to take the focus' });
      assert.equal(await page.locator('#token-1 tr.focus td').first().textContent(), 'planner');

      // Side by side: who each token is for.
      const compare = page.locator('#token-compare');
      assert.deepEqual(await compare.locator('thead th').allTextContents(), ['claim', 'access_token', 'id_token']);
      assert.deepEqual(await compare.locator('tbody tr.focus').locator('th, td').allTextContents(), [
        'aud',
        'https://calendar.example',
        'planner',
      ]);
      assert.match(await compare.locator('tfoot').textContent(), /^access_token is for https:\/\/calendar\.example; id_token is for planner\./);

      // Opened once, the cards follow the step: the next message that
      // carries a token (the access token, as a Bearer to the calendar API)
      // shows its card without a click.
      await stepToMessage(page, /Authorization: Bearer ey/, { advance: async (pg) => seek(pg, (await indicator(pg)).step + 1) });
      const bearer = page.locator('#token-cards section.token#token-0');
      await bearer.waitFor();
      assert.equal(await bearer.getAttribute('aria-label'), 'Token in Authorization');
      assert.match(await bearer.locator('.verdict').textContent(), /^✓ Signature valid: ES256/);
      assert.equal(await page.locator('#token-compare').count(), 0, 'one token: nothing to compare');

      // Paste boxes: the genuine token checks, one changed character does not, junk gets a sentence.
      await page.click('details.paste-token summary');
      const box = page.locator('#paste-token');
      const verdict = page.locator('details.paste-token .verdict');
      await box.fill(accessToken);
      await waitUntil(async () => /Signature valid: ES256/.test(await verdict.textContent()), { what: 'the pasted token to check' });
      // Another seed is another run with other keys: the same token is checked again and fails.
      const seed = await page.locator('#seed').inputValue();
      await page.click('#next-seed');
      await waitUntil(async () => /Signature NOT valid/.test(await verdict.textContent()), { what: "the token checked with the new run's keys" });
      await page.locator('#seed').fill(seed);
      await page.locator('#seed').press('Enter');
      await waitUntil(async () => /Signature valid: ES256/.test(await verdict.textContent()), { what: 'valid again with its own run' });
      const sig = accessToken.lastIndexOf('.') + 10; // a character in the middle of the signature
      const tampered = accessToken.slice(0, sig) + (accessToken[sig] === 'A' ? 'B' : 'A') + accessToken.slice(sig + 1);
      await box.fill(tampered);
      await waitUntil(async () => /Signature NOT valid/.test(await verdict.textContent()), { what: 'the changed token to be refused' });
      assert.match(await verdict.getAttribute('class'), /\bbad\b/);
      assert.match(await page.locator('#token-pasted tr.focus td').first().textContent(), /^https:\/\/calendar\.example$/, 'still decoded');
      await box.fill('hello');
      await waitUntil(async () => (await page.locator('#token-pasted').count()) === 0, { what: 'the card to go' });
      assert.equal((await verdict.textContent()).trim(), '✗ Not a signed token: a compact JWS is three base64url parts joined by dots, the first a JSON header that names its alg.');
      assert.equal(await verdict.getAttribute('role'), 'status');
    });
  });

  test('a link to a step of this lab reproduces it', async () => {
    let link;
    let seen;
    await withPage(browser, { permissions: ['clipboard-read', 'clipboard-write'] }, async (p) => {
      const { page } = p;
      await openOAuth(p, server);
      await choosePreset(page, 'code-replayed');
      // The duplicate token request, mid-run.
      await stepToMessage(page, /^POST https:\/\/auth\.example\/token /, { advance: async (pg) => seek(pg, (await indicator(pg)).step + 1) });
      await seek(page, (await indicator(page)).step + 1); // the second one
      assert.match(await narration(page), /already exchanged/);
      seen = { indicator: await indicator(page), narration: await narration(page), wire: await wire(page) };
      await page.click('#copy-link');
      await page.locator('#message').waitFor();
      link = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(link, await page.locator('#permalink').inputValue(), 'the copied link is the one shown');
    });
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, link);
      assert.deepEqual(await indicator(page), seen.indicator, 'the same step');
      assert.equal(await narration(page), seen.narration, 'the same narration');
      assert.equal(await wire(page), seen.wire, 'the same message, byte for byte');
      assert.equal(await page.locator('button.preset[aria-pressed="true"]').getAttribute('data-preset'), 'code-replayed');
      assert.match(await page.locator('main h1').textContent(), /^OAuth/);
      assert.equal(await page.locator('#message').count(), 0, 'no notice');
    });
  });

  test('interview practice: "OAuth is authentication" is the mistake, and its run shows why', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openOAuth(p, server);
      await page.click('#iv-reveal');
      assert.match(await page.locator('#iv-strong').textContent(), /ID token/);
      // The mistake: Planner takes any valid access token as a login, and
      // Mallory signs in as Alice with the one her Quizzly app got.
      await page.click('#iv-see-mistake');
      await page.locator('button[data-preset="token-substitution-access-token"].active, #preset-more summary.active').first().waitFor();
      await page.keyboard.press('End');
      await page.locator('li[data-invariant="login-only-with-own-proof"].bad').waitFor();
      // The strong answer: an ID token for Planner (aud, nonce) is required.
      if ((await page.locator('#iv-see-answer').count()) === 0) await page.click('#iv-reveal');
      await page.click('#iv-see-answer');
      await page.keyboard.press('End');
      await waitUntil(async () => (await page.locator('li[data-invariant].bad').count()) === 0, { what: 'no invariant broken' });
      assert.match(await narration(page), /.+/);
    });
  });

  test('axe: the OAuth lab with the token inspector open', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, labUrl(server, 'oauth', 'lab=oauth&preset=happy-path&step=17'));
      await page.locator('#message-text button.token-link').first().click();
      await page.locator('#token-compare').waitFor();
      await page.click('details.paste-token summary');
      await page.locator('#paste-token').fill('hello');
      await page.locator('details.paste-token .verdict').waitFor();
      await assertAxeClean(page, 'OAuth lab, token response, inspector and paste box open');
    });
  });
});
