// The browser's wasm build runs every preset exactly as the native tests
// do: the golden digest of each preset's full run, computed in the page,
// equals the one recorded in crates/faultline-sim/tests/golden.json.
// It runs on the release build with the test hook `faultlineDigests`
// (dist-e2e-hooks/, built with FAULTLINE_E2E_HOOKS=1): the same simulation code
// as the shipped build, which leaves the hook out (2.2 KB gzipped).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { HOOKS_DIST_DIR, serveAndLaunch } from './harness.mjs';
import { withPage } from './lab-helpers.mjs';

const GOLDEN = JSON.parse(
  readFileSync(new URL('../crates/faultline-sim/tests/golden.json', import.meta.url), 'utf8'),
);

describe('golden digests', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  }, HOOKS_DIST_DIR);

  test('every shipped preset has the same digest in wasm as natively', async () => {
    await withPage(browser, async (p) => {
      await p.goto(server.appUrl);
      const rows = JSON.parse(await p.page.evaluate(() => window.wasmBindings.faultlineDigests()));
      assert.ok(rows.length >= 10, `the wasm build has the presets (${rows.length})`);
      for (const { lab, model, preset, digest } of rows) {
        const recorded = GOLDEN.labs[lab];
        assert.ok(recorded, `${lab} is recorded`);
        assert.equal(model, recorded.model, `${lab}: model version`);
        assert.equal(digest, recorded.presets[preset], `${lab}/${preset}: digest in wasm`);
      }
      const shipped = new Set(rows.map((r) => r.lab));
      assert.ok(!shipped.has('toy'), 'the test-only lab never ships');
      console.log(`FIGURE: golden digests equal in wasm and natively: ${rows.length} presets`);
    });
  });
});
