import { writeFileSync } from 'node:fs';
import { startServer, launchBrowser, newPage, labUrl } from './harness.mjs';
import { linkTo, THOUSAND, seek } from './lab-helpers.mjs';
const server = await startServer();
const browser = await launchBrowser();
const p = await newPage(browser);
const { page } = p;
await p.goto(labUrl(server, 'payments', linkTo(THOUSAND, 900)), { ready: '#play' });
await page.locator('#play:enabled').waitFor();
await seek(page, 900);
await page.evaluate(() => document.activeElement?.blur());
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
await cdp.send('Profiler.start');
for (let i = 0; i < 30; i++) {
  await page.keyboard.press('ArrowRight');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
}
const { profile } = await cdp.send('Profiler.stop');
writeFileSync('/tmp/prof/cpu.json', JSON.stringify(profile));
await p.close(); await browser.close();
process.exit(0);
