// The embedded view: the share panel's embed code, pasted into a page on
// another site, runs the same run at the same step in a sandboxed iframe:
// the diagram, the playback controls and the narration line, no
// navigation; its title links to the whole lab.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { labUrl, serveAndLaunch } from './harness.mjs';
import { waitUntil, withPage } from './lab-helpers.mjs';
import { serveStatic } from './serve.mjs';

describe('embed', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  test('the embed code plays the run on screen in a sandboxed iframe on another site', async () => {
    let code;
    await withPage(browser, async (p) => {
      await p.goto(labUrl(server, 'payments', 'lab=payments&preset=lost-response-no-key&step=5'), { ready: '#play:enabled' });
      code = await p.page.locator('#embed-code').inputValue();
    });
    assert.match(code, /^<iframe .*sandbox="allow-scripts allow-same-origin".*><\/iframe>$/);
    const src = /src="([^"]+)"/.exec(code)[1];
    assert.match(src, /#v1\.[A-Za-z0-9_-]+\.5\.embed$/, 'the run on screen, at its step, in the embedded view');

    // A course page on another origin (another port) that pastes it.
    const dir = mkdtempSync(join(tmpdir(), 'faultline-embed-'));
    writeFileSync(join(dir, 'index.html'), `<!doctype html><html lang="en"><head><title>A course page</title><link rel="icon" href="data:,"></head><body><main><h1>Retries</h1>${code}</main></body></html>`);
    const other = await serveStatic({ root: dir });
    try {
      assert.notEqual(new URL(other.url).origin, new URL(server.url).origin, 'another origin');
      await withPage(browser, async (p) => {
        const { page } = p;
        await page.goto(other.url);
        const frame = page.frameLocator('iframe');
        // The app's embedded view (the static shell's Play is enabled too).
        await frame.locator('main.lab.embed #play:enabled').waitFor();
        assert.equal(await frame.locator('main.lab.embed').count(), 1);
        assert.equal(await frame.locator('.topbar, nav.presets, #machines-panel, #data-panel, .panel.share, .panel.faults').count(), 0, 'no navigation and no panels');
        assert.match(await frame.locator('#step-indicator').textContent(), /^Step 5 \//);
        assert.ok((await frame.locator('#narration').textContent()).length > 10, 'the narration line');
        assert.ok(await frame.locator('#sequence').isVisible(), 'the diagram');
        assert.equal(await frame.locator('.log').isVisible(), false, 'the narration line alone, not the log');
        await frame.locator('#step-fwd').click();
        await waitUntil(async () => /^Step 6 \//.test(await frame.locator('#step-indicator').textContent()), { what: 'a step forward' });
        // The title opens the whole lab at the same run.
        const href = await frame.locator('.embed-title a').getAttribute('href');
        assert.match(href, /\/payments\/#v1\.[A-Za-z0-9_-]+\.6$/);
        assert.equal(await frame.locator('.embed-title a').getAttribute('target'), '_blank');
        await frame.locator('#play').click();
        await frame.locator('#play[aria-label="Pause"]').waitFor();
        // axe, inside the frame.
        const inner = page.frames().find((f) => f !== page.mainFrame());
        const axe = await new AxeBuilder({ page }).include('iframe').analyze();
        assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.nodes.length}`), [], `axe in ${inner?.url().slice(0, 40)}`);
      });
    } finally {
      await other.close();
    }
  });
});
