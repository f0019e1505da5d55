// Smoke test: the release build loads from a sub-path under the strict CSP,
// renders, talks to nobody but the local server, and passes axe.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { REPO_ROOT, newPage, serveAndLaunch } from './harness.mjs';

describe('smoke', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  test('loads at a sub-path, renders the heading, no errors, no external requests', async (t) => {
    const p = await newPage(browser);
    try {
      // The landing page: static, no wasm.
      const coldLoadMs = await p.goto(server.appUrl);
      t.diagnostic(`cold load of the landing page (navigation -> h1 visible): ${coldLoadMs} ms`);
      const h1 = p.page.getByRole('heading', { level: 1, name: 'Faultline' });
      assert.ok(await h1.isVisible(), 'h1 "Faultline" is visible');
      assert.equal(await p.page.title(), 'Faultline');
      assert.equal(await p.page.locator('html').getAttribute('lang'), 'en');
      assert.ok(!p.requests.some((u) => u.endsWith('.wasm')), 'the landing page fetches no wasm');

      // A lab's page, from its card: the app renders in place of the shell.
      const labMs = await p.follow(() => p.page.click('a[data-lab="payments"]'), { ready: '#play' });
      t.diagnostic(`the Payments lab from its card (click -> app rendered): ${labMs} ms`);
      assert.equal(new URL(p.page.url()).pathname, `${server.appPath}payments/`);
      assert.ok(
        await p.page.getByRole('heading', { level: 1, name: 'Payments: retries and idempotency keys' }).isVisible(),
        "the lab's h1 is visible",
      );
      assert.equal(await p.page.title(), 'Payments: retries and idempotency keys · Faultline');
      assert.equal(await p.page.locator('html').getAttribute('lang'), 'en');

      // Everything was fetched from below the sub-path (relative public URL).
      const stray = p.requests.filter((u) => !new URL(u).pathname.startsWith(server.appPath));
      assert.deepEqual(stray, [], `requests outside ${server.appPath}`);
      assert.ok(p.requests.some((u) => u.endsWith('.wasm')), 'the wasm module was fetched');

      // Let late errors (e.g. a favicon request) surface before asserting.
      await p.page.waitForLoadState('networkidle');
      p.assertNoIssues();
    } finally {
      await p.close();
    }
  });

  // The landing page runs one inline script (it forwards old links) and no
  // wasm; a lab's page runs its wasm. Each allows only what it runs.
  for (const [where, path, scriptSrc] of [
    ['the landing page', '', /script-src( 'sha256-[A-Za-z0-9+/]+=*')+;/],
    ["a lab's page", 'payments/', /script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/]+=*')+;/],
  ]) {
    test(`strict CSP is present and enforced on ${where}`, async () => {
      const p = await newPage(browser);
      try {
        await p.goto(`${server.appUrl}${path}`);
        const csp = await p.page
          .locator('meta[http-equiv="Content-Security-Policy"]')
          .getAttribute('content');
        assert.match(csp, /default-src 'none'/);
        assert.match(csp, scriptSrc);
        assert.doesNotMatch(csp, /unsafe-inline|INLINE-SCRIPT-HASHES|INLINE-STYLE-HASHES|https?:/);
        p.assertNoIssues();

        // An inline script that is not in the hash list must be blocked.
        const blocked = await p.page.evaluate(
          () =>
            new Promise((done) => {
              document.addEventListener('securitypolicyviolation', () => done(!window.__injected), {
                once: true,
              });
              const s = document.createElement('script');
              s.textContent = 'window.__injected = true;';
              document.body.append(s);
              setTimeout(() => done(!window.__injected && 'no violation event'), 2000);
            }),
        );
        assert.equal(blocked, true, 'an unhashed inline script ran or raised no CSP violation');
      } finally {
        await p.close();
      }
    });
  }

  test('no serious or critical accessibility violations (axe), on the landing page and a lab\'s page', async () => {
    for (const path of ['', 'payments/']) {
      const p = await newPage(browser);
      try {
        await p.goto(`${server.appUrl}${path}`);
        const results = await new AxeBuilder({ page: p.page }).analyze();
        assert.ok(results.passes.length > 0, `${path || 'landing'}: axe ran its rules`);
        const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        assert.deepEqual(
          bad.map((v) => `${v.impact}: ${v.id} (${v.help}) x${v.nodes.length}`),
          [],
          `${path || 'landing'}: axe found serious/critical violations`,
        );
        p.assertNoIssues();
      } finally {
        await p.close();
      }
    }
  });

  test('screenshot docs/screenshot.png (1280x720): the lab at its double charge', async () => {
    const p = await newPage(browser, { viewport: { width: 1280, height: 720 } });
    try {
      await p.goto(server.appUrl);
      await p.follow(() => p.page.click('a[data-lab="payments"]'), { ready: '#jump-violation' });
      await p.page.click('#jump-violation');
      await p.page.waitForSelector('#violation-banner');
      await p.page.evaluate(() => document.activeElement?.blur());
      await p.page.evaluate(() => window.scrollTo(0, 0));
      mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
      await p.page.screenshot({ path: join(REPO_ROOT, 'docs', 'screenshot.png') });
      p.assertNoIssues();
    } finally {
      await p.close();
    }
  });
});
