import { startServer, launchBrowser, newPage, labUrl } from './harness.mjs';
import { linkTo, THOUSAND, seek, indicator } from './lab-helpers.mjs';
const server = await startServer();
const browser = await launchBrowser();
const p = await newPage(browser);
const { page } = p;
await p.goto(labUrl(server, 'payments', linkTo(THOUSAND, +process.env.AT)), { ready: '#play' });
await page.locator('#play:enabled').waitFor();
const cdp = await page.context().newCDPSession(page);
const totals = {};
for (let i = 0; i < 8; i++) {
  await seek(page, +process.env.AT);
  await page.evaluate(() => document.activeElement?.blur());
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 200))));
  const events = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
  await cdp.send('Tracing.start', { categories: 'disabled-by-default-devtools.timeline.invalidationTracking,devtools.timeline,disabled-by-default-devtools.timeline,v8.execute', transferMode: 'ReportEvents' });
  await page.keyboard.press('ArrowRight');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 300))));
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.end');
  await done;
  cdp.removeAllListeners('Tracing.dataCollected');
  const main = events.filter((e) => e.ph === 'X' && e.dur);
  // renderer main thread: pick the tid with most FunctionCall
  const byTid = {};
  for (const e of main) if (e.name === 'FunctionCall' || e.name==='EventDispatch') byTid[e.tid] = (byTid[e.tid] || 0) + 1;
  const tid = Object.entries(byTid).sort((a, b) => b[1] - a[1])[0]?.[0];
  const names = ['EventDispatch','FunctionCall','UpdateLayoutTree','Layout','Paint','PrePaint','Layerize','UpdateLayer','CompositeLayers','HitTest','ScheduleStyleRecalculation','RunMicrotasks','FireAnimationFrame','v8.callFunction','ParseHTML','IntersectionObserverController::computeIntersections','Commit'];
  const row = {};
  for (const e of main) if (String(e.tid) === tid && names.includes(e.name)) row[e.name] = (row[e.name] || 0) + e.dur / 1000;
  const inv = {};
  for (const e of events) if (e.name === 'PaintInvalidationTracking' || e.name === 'StyleRecalcInvalidationTracking' || e.name==='LayoutInvalidationTracking' || e.name === 'StyleInvalidatorInvalidationTracking') { const d = e.args?.data ?? {}; const k = e.name.replace('InvalidationTracking','') + ' ' + (d.nodeName ?? '?').slice(0,60) + ' ' + (d.reason ?? d.invalidationList?.[0]?.classes ?? ''); inv[k] = (inv[k] || 0) + 1; }
  if (i === 5) console.log(Object.entries(inv).sort((a,b)=>b[1]-a[1]).slice(0,60).map(([k,v])=>v+' '+k).join('\n'));
  if (0) for (const e of main) if (String(e.tid) === tid && (e.name === 'Paint' || e.name==='Layerize' || e.name==='Layout')) console.log('   ', e.name, (e.dur/1000).toFixed(2), JSON.stringify(e.args?.data ?? e.args ?? {}).slice(0, 300));
  console.log(i, JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Math.round(v * 10) / 10]))));
}
await p.close(); await browser.close(); server.close?.();
process.exit(0);
