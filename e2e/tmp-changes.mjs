import { startServer, launchBrowser, newPage, labUrl } from './harness.mjs';
import { linkTo, THOUSAND, seek } from './lab-helpers.mjs';
const server = await startServer();
const browser = await launchBrowser();
const p = await newPage(browser);
const { page } = p;
const AT = +process.env.AT;
await p.goto(labUrl(server, 'payments', linkTo(THOUSAND, AT)), { ready: '#play' });
await page.locator('#play:enabled').waitFor();
const M = [], D = [];
for (let i = 0; i < 12; i++) {
  await seek(page, AT);
  await page.evaluate(() => document.activeElement?.blur());
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 200))));
  await page.evaluate(() => {
    const w = { pressed: null, changes: [], frames: [], raf: [] };
    window.__w = w;
    addEventListener('keydown', (e) => { w.pressed = e.timeStamp; w.handlerStart = performance.now(); queueMicrotask(()=>{}); setTimeout(() => (w.afterTask = performance.now()), 0); }, { capture: true, once: true });
    w.observer = new MutationObserver((recs) => {
      const changed = performance.now();
      w.changes.push([changed, recs.length, recs.map(r => (r.target.id || r.target.nodeName) + '.' + (r.target.getAttribute?.('class')||'') + ':' + r.type + ':' + (r.attributeName||'') + (r.type==='childList' ? '+' + r.addedNodes.length + '-' + r.removedNodes.length + ' ' + [...r.addedNodes, ...r.removedNodes].map(n => n.nodeName + '.' + (n.getAttribute?.('class')||'')).join('/') : '')).join('\n    ')]);
      requestAnimationFrame((t) => {
        w.raf.push([changed, t, performance.now()]);
        const channel = new MessageChannel();
        channel.port1.onmessage = () => w.frames.push({ after: changed, done: performance.now() });
        channel.port2.postMessage(null);
      });
    });
    w.observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await page.keyboard.press('ArrowRight');
  await page.evaluate(() => new Promise((r) => setTimeout(r, 500)));
  const w = await page.evaluate(() => { const w = window.__w; w.observer.disconnect(); return { pressed: w.pressed, hs: w.handlerStart, at: w.afterTask, changes: w.changes, raf: w.raf, frames: w.frames }; });
  const r = (x) => Math.round((x - w.pressed) * 10) / 10;
  M.push(r(w.changes[0][0])); D.push(r(w.frames.at(-1).done));
  if (process.env.V) console.log(`press→handler ${r(w.hs)} task-end ${r(w.at)} changes ${w.changes.map(c => r(c[0]) + '(' + c[1] + ' ' + c[2] + ')').join(' | ')} raf ${w.raf.map(x => r(x[1]) + '/' + r(x[2])).join(' ')} frames ${w.frames.map(f => r(f.done)).join(' ')}`);
}
const med = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
console.log(process.env.FAULTLINE_DIST, "mutation median", med(M), "frame median", med(D), "min", Math.min(...D), JSON.stringify(D));
await browser.close(); process.exit(0);
