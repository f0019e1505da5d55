// Installable and offline after one visit: the landing page names a web
// app manifest whose icons load, registers the service worker, and once it
// has cached the build every page loads and works with the network cut
// off, a lesson's file included. A new build is a new worker version.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DIST_DIR, labUrl, serveAndLaunch } from './harness.mjs';
import { indicator, waitUntil, withPage } from './lab-helpers.mjs';

const LABS = ['payments', 'oauth', 'sagas'];

describe('offline', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  test('the manifest names its icons, and they load', async () => {
    const manifest = await (await fetch(new URL('manifest.webmanifest', server.appUrl))).json();
    assert.equal(manifest.start_url, './');
    assert.equal(manifest.display, 'standalone');
    const pngs = manifest.icons.filter((i) => i.type === 'image/png').map((i) => i.sizes);
    assert.deepEqual(pngs, ['192x192', '512x512'], 'the PNG sizes installation asks for');
    for (const icon of manifest.icons) {
      const res = await fetch(new URL(icon.src, server.appUrl));
      assert.equal(res.status, 200, icon.src);
      const bytes = Buffer.from(await res.arrayBuffer());
      if (icon.type === 'image/png') {
        assert.equal(bytes.subarray(1, 4).toString(), 'PNG', `${icon.src} is a PNG`);
        assert.equal(`${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`, icon.sizes, `${icon.src} is ${icon.sizes}`);
      }
    }
  });

  test('after one visit every page loads and works with the network cut off', async () => {
    await withPage(browser, { serviceWorkers: 'allow' }, async (p) => {
      const { page } = p;
      await p.goto(server.appUrl, { ready: 'main.landing h1' });
      // The worker registers 10 s after the load (not to slow the page's
      // start), installs (every file of the build cached) and takes over.
      const ready = await page.evaluate(() =>
        Promise.race([navigator.serviceWorker.ready.then(() => true), new Promise((r) => setTimeout(() => r(false), 30_000))]),
      );
      assert.ok(ready, 'the service worker is registered and active');
      const sw = readFileSync(join(DIST_DIR, 'sw.js'), 'utf8');
      const files = JSON.parse(/const FILES = (\[[\s\S]*?\]);/.exec(sw)[1]);
      const cached = () =>
        page.evaluate(async () => {
          let n = 0;
          for (const key of await caches.keys()) n += (await (await caches.open(key)).keys()).length;
          return n;
        });
      await waitUntil(async () => (await cached()) >= files.length, { timeout: 30_000, what: `the worker to cache ${files.length} URLs` });
      for (const lab of LABS) assert.ok(files.includes(`./${lab}/`), `${lab}'s page is in the list`);

      await page.context().setOffline(true);
      try {
        await p.goto(server.appUrl, { ready: 'main.landing h1' });
        for (const lab of LABS) {
          await p.goto(labUrl(server, lab), { ready: '#play:enabled' });
          await page.click('#step-fwd');
          await waitUntil(async () => (await indicator(page)).step === 1, { what: `${lab}: a step forward offline` });
        }
        // A lesson fetches its file: from the cache too.
        await p.goto(labUrl(server, 'payments', 'lab=payments&lesson=retries&ls=2'), { ready: '#lesson-predict' });
        assert.match(await page.locator('#lesson-h').textContent(), /A timeout is not a no/);
      } finally {
        await page.context().setOffline(false);
      }
    });
  });
});
