// The Sagas lab (issue 10), used as a learner would: open it from its
// landing card, pick scenarios, drag the timeline, click faults into the
// running saga, flip settings, read the tables, the figures and the
// narration, practise the interview question, share a link to a step,
// import a run file, and run axe. Every test also fails if the page logged
// a console error, threw, or sent a request anywhere but the local server
// (withPage -> assertNoIssues). Every preset of this lab is also drawn and
// measured by geometry.test.mjs and digested by golden.test.mjs.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { labUrl, serveAndLaunch } from './harness.mjs';
import {
  choosePreset,
  flightLabels,
  indicator,
  messageText,
  narration,
  openLab,
  openLink,
  seek,
  seekEnd,
  tableRows,
  waitForStep,
  waitUntil,
  withPage,
} from './lab-helpers.mjs';


/** From the landing page, open the Sagas lab with the mouse. */
async function openSagas(p, server) {
  await openLab(p, server, 'sagas');
  assert.match(await p.page.locator('main h1').textContent(), /^Sagas/);
  // The preset row settles after a measurement or two (see oauth.test.mjs).
  await waitUntil(
    () => p.page.locator('#preset-row').evaluate((ul) => ul.scrollWidth <= ul.clientWidth + 1),
    { what: 'the preset row to fit' },
  );
}

/** The rows of `title` whose first cell is `key`. */
async function row(page, title, key) {
  return (await tableRows(page, title)).find((r) => r[0] === key);
}

/** The saga log's states for order `o`, in entry order. */
async function sagaLog(page, o) {
  return (await tableRows(page, 'Saga log'))
    .filter((r) => r[1] === o)
    .sort((a, b) => +a[0] - +b[0])
    .map((r) => r[2]);
}

/** The figures panel as { label: value } ({} when the lab shows none). */
async function figures(page) {
  return Object.fromEntries(
    await page.locator('#figures dd').evaluateAll((dds) => dds.map((dd) => [dd.dataset.figure, dd.textContent.trim()])),
  );
}

/** "12.345 s" in milliseconds. */
const ms = (s) => {
  const m = /^(\d+)\.(\d{3}) s$/.exec(s);
  assert.ok(m, `"${s}" is a time`);
  return +m[1] * 1000 + +m[2];
};

/** The invariants shown broken. */
const broken = (page) => page.locator('li[data-invariant].bad').evaluateAll((lis) => lis.map((li) => li.dataset.invariant));

/** Step forward with the timeline until `done()` holds; fails at the last step. */
async function seekUntil(page, done, what) {
  for (;;) {
    if (await done()) return indicator(page);
    const { step, last } = await indicator(page);
    assert.ok(step < last, `reached the last step (${last}) and never saw ${what}`);
    await seek(page, step + 1);
  }
}

/** The order service's machine panel: its caption and the transition just taken. */
async function orderMachine(page) {
  const fig = page.locator('figure.machine[data-machine="Order"]');
  return {
    caption: (await fig.locator('figcaption').textContent()).trim(),
    taken: await fig.locator('g.edge.taken text.edge-label').allTextContents(),
  };
}

/** Run axe and fail on any violation, whatever its impact, naming the elements. */
async function assertAxeClean(page, where) {
  const results = await new AxeBuilder({ page }).analyze();
  assert.ok(results.passes.length > 0, `${where}: axe ran its rules`);
  assert.deepEqual(
    results.violations.map(
      (v) => `${v.impact}: ${v.id} (${v.help}) on ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', ')}`,
    ),
    [],
    `${where}: axe found violations`,
  );
}

/** Everything the learner reads at this step, to compare two pages. */
async function seen(page) {
  return {
    indicator: await indicator(page),
    narration: await narration(page),
    flights: await flightLabels(page),
    sagaLog: await tableRows(page, 'Saga log'),
    orders: await tableRows(page, 'Orders'),
    queue: await tableRows(page, 'Broker queue'),
    plan: await page.locator('#fault-plan li').allTextContents(),
    broken: await broken(page),
  };
}

describe('Sagas lab', () => {
  let server;
  let browser;
  serveAndLaunch((s, b) => {
    server = s;
    browser = b;
  });

  test('payment declined: the pivot fails, then C2 and C1 undo T2 and T1 in reverse order', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openSagas(p, server);
      await choosePreset(page, 'payment-declined');
      // The step kinds are drawn on the arrows that run each step.
      await seekUntil(page, async () => (await flightLabels(page)).some((l) => /^\[pivot\] m\d+: o1 T3 capture payment/.test(l)), 'the pivot');
      const labels = await flightLabels(page);
      assert.ok(labels.some((l) => /^\[compensatable\] m\d+: o1 T1 create order/.test(l)), 'T1 is compensatable');
      assert.ok(labels.some((l) => /^\[compensatable\] m\d+: o1 T2 reserve stock/.test(l)), 'T2 is compensatable');
      assert.ok(await page.locator('svg#sequence text.flight-label tspan.step-tag').count() >= 3, 'the kinds have a style of their own');
      // Before the payment, the order and the stock carry pending states.
      assert.equal((await row(page, 'Orders', 'o1'))[1], 'PENDING');
      assert.equal((await row(page, 'Stock reservations', 'o1'))[1], 'RESERVED');

      // The payment fails: its event carries the pivot's kind, and the
      // orchestrator compensates; the narration says so on the way.
      const said = [];
      await seekUntil(
        page,
        async () => {
          said.push(await narration(page));
          return (await sagaLog(page, 'o1')).some((s) => /^C1/.test(s));
        },
        'C1 in the saga log',
      );
      assert.ok(said.some((s) => /compensat/i.test(s)), `the narration speaks of compensating: ${said.join(' | ')}`);
      const end = await seekEnd(page);
      const drawn = await flightLabels(page);
      assert.ok(drawn.some((l) => /^⊘ \[pivot\] publish m\d+: o1 T3 failed/.test(l)), `the failure is marked and tagged: ${drawn.join(' | ')}`);
      const c2 = drawn.findIndex((l) => /o1 C2 release stock/.test(l));
      const c1 = drawn.findIndex((l) => /o1 C1 reject order/.test(l));
      assert.ok(c2 >= 0 && c1 > c2, `C2 is sent before C1 (${c2}, ${c1})`);
      // Nothing after the pivot ran, and nothing is compensated twice.
      assert.ok(!drawn.some((l) => /T4|T5/.test(l)), 'no step after the failed pivot');
      const log = await sagaLog(page, 'o1');
      assert.deepEqual(
        log.filter((s) => /^[TC]\d/.test(s)).map((s) => s.slice(0, 2)),
        ['T1', 'T2', 'T3', 'C2', 'C1'],
        `the saga log: ${log.join(', ')}`,
      );
      assert.equal((await row(page, 'Orders', 'o1'))[1], 'PAYMENT_FAILED');
      assert.equal((await row(page, 'Stock reservations', 'o1'))[1], 'RELEASED');
      assert.equal((await row(page, 'Stock', 'item'))[1], '2', 'the item is back in stock');
      assert.equal((await row(page, 'Payments', 'o1'))[1], 'DECLINED');
      assert.deepEqual(await broken(page), [], `no invariant broken at step ${end.step}`);
      assert.equal(await page.locator('#figures').count(), 0, 'a saga holds no locks: no blocking figures');
    });
  });

  test('crash the orchestrator mid-saga from the palette: it reads its saga log and finishes', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openSagas(p, server);
      await choosePreset(page, 'happy-path');
      // Mid-saga: T2 is logged, the payment not yet.
      const at = await seekUntil(page, async () => (await sagaLog(page, 'o1')).some((s) => /^T2/.test(s)), 'T2 logged');
      const before = await seen(page);
      await page.click('button[data-fault="crash-orchestrator"]');
      await page.locator('#fault-plan li').first().waitFor();
      assert.equal((await indicator(page)).step, at.step, 'the cursor stays');
      const after = await seen(page);
      for (const k of Object.keys(before)) {
        if (k === 'plan') continue;
        const [a, b] = k === 'indicator' ? [after[k].ms, before[k].ms] : [after[k], before[k]];
        assert.deepEqual(a, b, `the past is unchanged: ${k}`);
      }
      // It goes down, comes back 1.5 s later and says how it recovers.
      await seekUntil(page, async () => (await page.locator('svg#sequence .down-label').count()) > 0, 'the orchestrator down');
      await seekUntil(page, async () => /reads its log/.test(await narration(page)), 'the restart');
      const restart = await indicator(page);
      assert.ok(restart.ms >= 1500, `restarted at ${restart.ms} ms`);
      await seekEnd(page);
      const log = await sagaLog(page, 'o1');
      assert.ok(log.some((s) => /^T5/.test(s)), `the saga went on to T5: ${log.join(', ')}`);
      assert.equal(log.at(-1), 'COMPLETED');
      assert.equal((await row(page, 'Orders', 'o1'))[1], 'APPROVED');
      assert.equal((await row(page, 'Shipments', 'o1'))[1], 'SCHEDULED');
      assert.deepEqual(await broken(page), [], 'no invariant broken');
    });
  });

  test('a crash between commit and publish: the outbox keeps the event, a dual write loses it', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openSagas(p, server);
      await choosePreset(page, 'crash-after-commit-outbox');
      await seekEnd(page);
      const outbox = await tableRows(page, 'Outbox');
      const t2done = outbox.find((r) => r[1] === 'inventory' && r[2] === 'o1 T2 done');
      assert.deepEqual(t2done?.[3], 'SENT', `inventory's event survived the crash: ${JSON.stringify(outbox)}`);
      assert.equal((await sagaLog(page, 'o1')).at(-1), 'COMPLETED');
      assert.deepEqual(await broken(page), []);

      // The same crash with the outbox switched off (commit, then publish).
      await page.locator('#cfg-outbox').uncheck();
      await page.locator('table[data-table="Unsent events (dual write, in memory)"]').waitFor();
      // Only the orchestrator keeps an outbox table (its saga log's database).
      assert.deepEqual(
        [...new Set((await tableRows(page, 'Outbox')).map((r) => r[1]))],
        ['orchestrator'],
        "the services' events are kept in memory now",
      );
      // The event waits in memory after the commit...
      await seek(page, 0);
      await seekUntil(
        page,
        async () => (await tableRows(page, 'Unsent events (dual write, in memory)')).some((r) => r[1] === 'inventory'),
        "inventory's event in memory",
      );
      // ...and is gone with the crash: the stock stays RESERVED, the saga stuck.
      await seekEnd(page);
      assert.deepEqual(
        (await tableRows(page, 'Unsent events (dual write, in memory)')).find((r) => r[1] === 'inventory')?.slice(2),
        ['o1 T2 done', 'LOST in the crash'],
        'the crash took the unsent event',
      );
      assert.ok(!(await tableRows(page, 'Broker queue')).some((r) => r[2] === 'o1 T2 done'), 'the broker never had it');
      assert.equal((await row(page, 'Stock reservations', 'o1'))[1], 'RESERVED');
      assert.equal((await row(page, 'Orders', 'o1'))[1], 'PENDING');
      assert.ok((await broken(page)).includes('event-iff-commit'), 'a committed change without its event');
      assert.match(
        await page.locator('li[data-invariant="event-iff-commit"]').textContent(),
        /o1/,
        'the panel names the order',
      );
    });
  });

  test('semantic lock: the customer cancels o1 mid-saga and is refused; switched off in the settings, the cancel is accepted, then lost', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openSagas(p, server);
      await choosePreset(page, 'semantic-lock');
      assert.ok(await page.locator('#cfg-semantic_lock').isChecked(), 'the setting shows the lock on');
      assert.equal(await page.locator('#violation-banner, .banner.upcoming').count(), 0, 'no violation, now or later');
      // The cancel reaches the order service 200 ms in, while o1 is PENDING.
      const at = await seekUntil(page, async () => (await row(page, 'Orders', 'o1'))?.[3], "the customer's cancel");
      assert.equal(at.ms, 200);
      assert.match(await narration(page), /cancel o1\. It is PENDING, a saga is at work on it \(the semantic lock\): the cancel is refused/);
      assert.deepEqual(await row(page, 'Orders', 'o1'), ['o1', 'PENDING', '', 'refused: saga in progress']);
      assert.deepEqual(await orderMachine(page), { caption: 'Order service (order #1): PENDING', taken: [] }, 'the order did not move');
      // The saga goes on and completes; the refusal stays on the row.
      await seekEnd(page);
      assert.deepEqual(await row(page, 'Orders', 'o1'), ['o1', 'APPROVED', '', 'refused: saga in progress']);
      assert.equal((await sagaLog(page, 'o1')).at(-1), 'COMPLETED');
      assert.equal((await row(page, 'Payments', 'o1'))[1], 'CAPTURED');
      assert.equal((await row(page, 'Shipments', 'o1'))[1], 'SCHEDULED');
      assert.deepEqual(await broken(page), []);
      assert.equal(await page.locator('#violation-banner').count(), 0, 'no violation banner');
      assert.equal(await page.locator('li[data-invariant="cancel-kept"]').getAttribute('class'), 'ok');

      // The learner switches the semantic lock off: the same cancel, the same run otherwise.
      await page.locator('#cfg-semantic_lock').uncheck();
      await waitUntil(async () => (await row(page, 'Orders', 'o1'))?.[3] === 'accepted', { what: 'the run without the lock' });
      await seek(page, at.step);
      assert.match(await narration(page), /^The customer cancels o1\. Nothing guards a PENDING order, so the cancel commits in the middle of its saga/);
      assert.deepEqual(await row(page, 'Orders', 'o1'), ['o1', 'CANCELLED', '', 'accepted']);
      assert.deepEqual(await broken(page), [], 'nothing is broken yet');
      await seekEnd(page);
      assert.deepEqual(await row(page, 'Orders', 'o1'), ['o1', 'APPROVED', '', 'accepted'], 'the cancel was written over');
      assert.equal((await sagaLog(page, 'o1')).at(-1), 'COMPLETED', 'the saga never knew');
      const bad = await broken(page);
      assert.ok(bad.includes('cancel-kept') && bad.includes('money-follows-order'), `invariants broken: ${bad}`);
      assert.match(
        await page.locator('li[data-invariant="cancel-kept"] .why').textContent(),
        /^o1 was cancelled by its customer, then a saga step wrote over the cancel: a lost update\.$/,
      );
      assert.equal(await page.locator('#violation-banner').count(), 1, 'the banner says an invariant broke');
      // It is the run of the lost-update scenario.
      const flipped = await seen(page);
      await choosePreset(page, 'lost-update');
      await seekEnd(page);
      assert.deepEqual(await seen(page), flipped, 'the lost-update scenario is this run');
    });
  });

  test('lost update: the narration says so at the step T4 reaches the order service, and the machine takes its wrong transition', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openSagas(p, server);
      await choosePreset(page, 'lost-update');
      assert.equal(await page.locator('#cfg-semantic_lock').isChecked(), false, 'the setting shows the lock off');
      await seekUntil(page, async () => (await row(page, 'Orders', 'o1'))?.[1] === 'CANCELLED', 'the cancel committed');
      assert.match(await narration(page), /^The customer cancels o1\./);
      // Step on until the order service acts on T4.
      const said = [];
      const t4 = await seekUntil(
        page,
        async () => {
          said.push(await narration(page));
          return (await row(page, 'Orders', 'o1'))[1] !== 'CANCELLED';
        },
        'the order service act on T4',
      );
      const now = said.pop();
      assert.match(now, /^T4 writes APPROVED over the customer's cancel: a lost update\./, `narration at step ${t4.step}`);
      assert.ok(!said.some((s) => /lost update/.test(s)), `no earlier step speaks of a lost update: ${said.join(' | ')}`);
      // The arrow that carried T4 to the order service is marked: it broke an invariant.
      assert.ok((await flightLabels(page)).some((l) => /^✗ \[retriable\] m\d+: o1 T4 approve order$/.test(l)), 'the T4 arrow is marked');
      assert.deepEqual(await row(page, 'Orders', 'o1'), ['o1', 'APPROVED', '', 'accepted']);
      assert.deepEqual(
        await orderMachine(page),
        { caption: 'Order service (order #1): APPROVED', taken: ['approve over cancel (wrong)'] },
        'the order machine takes the wrong transition',
      );
      assert.ok((await broken(page)).includes('cancel-kept'), 'the invariant breaks at this step');
      await seek(page, t4.step - 1);
      assert.ok(!(await broken(page)).includes('cancel-kept'), 'and not before');
      assert.ok((await flightLabels(page)).includes('[retriable] m4: o1 T4 approve order'), 'T4 on its way, unmarked');
    });
  });

  test('customer cancels o1 from the palette: refused while the saga runs, lost with the lock off, too late once it ended', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openSagas(p, server);
      await choosePreset(page, 'happy-path');
      const pending = await seekUntil(page, async () => (await row(page, 'Orders', 'o1'))?.[1] === 'PENDING', 'o1 PENDING');
      await page.click('button[data-fault="customer-cancels"]');
      await page.locator('#fault-plan li').first().waitFor();
      assert.equal((await indicator(page)).step, pending.step, 'the cursor stays');
      await seekUntil(page, async () => (await row(page, 'Orders', 'o1'))[3], 'the cancel');
      assert.deepEqual(await row(page, 'Orders', 'o1'), ['o1', 'PENDING', '', 'refused: saga in progress']);
      await seekEnd(page);
      assert.equal((await row(page, 'Orders', 'o1'))[1], 'APPROVED');
      assert.deepEqual(await broken(page), []);

      // The same click with the lock off: accepted, then written over.
      await page.locator('#cfg-semantic_lock').uncheck();
      await waitUntil(async () => (await row(page, 'Orders', 'o1'))?.[3] === 'accepted', { what: 'the cancel accepted' });
      await seekEnd(page);
      assert.deepEqual(await row(page, 'Orders', 'o1'), ['o1', 'APPROVED', '', 'accepted']);
      assert.ok((await broken(page)).includes('cancel-kept'), 'a lost update');

      // Once the saga has ended, a cancel comes too late.
      await choosePreset(page, 'happy-path');
      const end = await seekEnd(page);
      await page.click('button[data-fault="customer-cancels"]');
      await page.locator('#fault-plan li').first().waitFor();
      await seekUntil(page, async () => (await row(page, 'Orders', 'o1'))[3], 'the late cancel');
      assert.ok((await indicator(page)).step > end.step, 'the cancel comes after the saga');
      assert.match(await narration(page), /cancel o1, but it is APPROVED: too late, the cancel is refused/);
      assert.deepEqual(await row(page, 'Orders', 'o1'), ['o1', 'APPROVED', '', 'refused: too late']);
      assert.deepEqual(await broken(page), []);
    });
  });

  test('choreography: events go to topics, the broker delivers each to its subscribers, and nobody subscribes to OrderRejected', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openSagas(p, server);
      await choosePreset(page, 'choreography');
      // T1 commits: its event goes to topic OrderCreated, and a copy to inventory.
      await seekUntil(page, async () => /topic OrderCreated/.test(await narration(page)), 'OrderCreated stored');
      assert.equal(
        await narration(page),
        'The broker stores it on topic OrderCreated, confirms it and delivers a copy to each subscriber: inventory.',
      );
      const first = await tableRows(page, 'Broker queue');
      assert.deepEqual(first.map((r) => r.slice(2, 4)), [['o1 OrderCreated', 'inventory']]);
      // The subscriptions: who consumes each topic, and what it does next.
      assert.deepEqual(
        await page.locator('table[data-table="Topic subscriptions"] thead th').allTextContents(),
        ['topic', 'subscriber', 'then'],
      );
      const subs = await tableRows(page, 'Topic subscriptions');
      assert.deepEqual(await row(page, 'Topic subscriptions', 'OrderCreated'), ['OrderCreated', 'inventory', 'T2 reserve stock']);
      assert.deepEqual(await row(page, 'Topic subscriptions', 'OrderRejected'), ['OrderRejected', '(none)', '—']);
      assert.deepEqual(subs.filter((r) => r[1] === '(none)').map((r) => r[0]), ['OrderRejected'], 'only OrderRejected has no subscriber');
      // Every message queued names its topic and goes to that topic's subscriber.
      await seekEnd(page);
      const queue = await tableRows(page, 'Broker queue');
      assert.deepEqual(
        queue.map((r) => r[2]),
        ['o1 OrderCreated', 'o1 StockReserved', 'o1 PaymentCaptured', 'o1 OrderApproved', 'o1 ShipmentScheduled'],
      );
      for (const [, , what, to] of queue) {
        const topic = what.replace(/^o1 /, '');
        assert.ok(subs.some((s) => s[0] === topic && s[1] === to), `${what} goes to ${to}, a subscriber of ${topic}`);
      }
      assert.equal((await row(page, 'Orders', 'o1'))[1], 'APPROVED');
      assert.deepEqual(await broken(page), []);

      // Payment declined: the last event, OrderRejected, reaches nobody.
      await choosePreset(page, 'choreography-declined');
      const said = [];
      await seekUntil(
        page,
        async () => {
          said.push(await narration(page));
          return /OrderRejected/.test(said.at(-1));
        },
        'OrderRejected published',
      );
      assert.equal(said.at(-1), 'The broker stores it on topic OrderRejected and confirms it. No service subscribes to OrderRejected: nobody is told.');
      assert.ok(said.some((s) => /on topic PaymentDeclined, .* subscriber: inventory\.$/.test(s)), 'inventory hears of the decline');
      await seekEnd(page);
      assert.ok(!(await tableRows(page, 'Broker queue')).some((r) => /OrderRejected/.test(r[2])), 'no copy queued for anyone');
      const drawn = await flightLabels(page);
      assert.ok(drawn.some((l) => /publish m\d+: o1 OrderRejected$/.test(l)), 'the order service publishes it');
      assert.ok(!drawn.some((l) => /^m\d+: o1 OrderRejected$/.test(l)), `the broker delivers it to no one: ${drawn.join(' | ')}`);
      assert.deepEqual(await broken(page), []);
    });
  });

  test('2PC: the coordinator dies after PREPARE and the participants stay blocked, locks held', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openSagas(p, server);
      await choosePreset(page, '2pc-coordinator-crash');
      // Every participant of o1 votes YES and holds its lock; o2 waits for the item.
      await seekUntil(page, async () => /^3: order · o1, inventory · o1, payment · o1/.test((await figures(page))['Blocked now, lock held'] ?? ''), "o1's three locks");
      await seekUntil(page, async () => (await page.locator('svg#sequence .down-label').count()) > 0, 'the coordinator down');
      const early = await figures(page);
      // Nothing more happens until the coordinator is back at 5 s: the next
      // step is its restart, with every lock still held.
      await seekUntil(page, async () => /Restarted/.test(await narration(page)), 'the restart');
      const { ms: restartMs } = await indicator(page);
      assert.ok(restartMs >= 5000, `restarted at ${restartMs} ms`);
      const blocked = await figures(page);
      for (const who of ['order · o1', 'inventory · o1', 'payment · o1']) {
        assert.ok(blocked['Blocked now, lock held'].includes(who), `${who} blocked: ${blocked['Blocked now, lock held']}`);
        const r = await row(page, '2PC participants', who);
        assert.deepEqual(r.slice(1, 3), ['PREPARED', 'held'], `${who} in the table`);
      }
      assert.ok(
        ms(blocked['Time blocked so far (all participants)']) > ms(early['Time blocked so far (all participants)']) + 3 * 4800,
        `time blocked grows with the outage: ${early['Time blocked so far (all participants)']} then ${blocked['Time blocked so far (all participants)']}`,
      );
      assert.ok(ms(blocked['Longest block']) >= 4900, `longest block ${blocked['Longest block']}`);
      // Each participant has its own machine panel, stuck before a decision.
      const panels = await page.locator('figure.machine[data-machine="2PC participant"] figcaption').allTextContents();
      assert.deepEqual(
        panels.map((t) => t.replace(/ \(.*/, '')),
        ['Order service', 'Inventory service', 'Payment service'],
        `participant panels: ${panels.join(' | ')}`,
      );
      for (const t of panels) assert.match(t, /: (PREPARED|WAITING)$/, t);
      // The coordinator presumes abort; the locks are released at last.
      await seekEnd(page);
      const end = await figures(page);
      assert.equal(end['Blocked now, lock held'], 'none');
      assert.equal(end['Waiting for a lock'], 'none');
      for (const who of ['order · o1', 'inventory · o1', 'payment · o1']) {
        const r = await row(page, '2PC participants', who);
        assert.equal(r[1], 'ABORTED', who);
        assert.ok(ms(r[3]) >= 4900, `${who} was blocked ${r[3]}`);
      }
      assert.deepEqual(await broken(page), []);
    });
  });

  test('interview practice: the saga is the strong answer, 2PC everywhere the mistake that blocks', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openSagas(p, server);
      assert.match(await page.locator('#iv-h + .question').textContent(), /payment capture fails/);
      await page.locator('#iv-answer').fill('Two-phase commit across the order, inventory and payment services.');
      await page.click('#iv-reveal');
      assert.match(await page.locator('#iv-strong').textContent(), /compensat/);
      await page.click('#iv-see-mistake');
      await page.locator('button[data-preset="2pc-coordinator-crash"].active, #preset-more summary.active').first().waitFor();
      await waitForStep(page, 0);
      await seekUntil(page, async () => /Restarted/.test(await narration(page)), 'the coordinator back');
      assert.match((await figures(page))['Blocked now, lock held'], /^\d: .*inventory · o1/);
      if ((await page.locator('#iv-see-answer').count()) === 0) await page.click('#iv-reveal');
      await page.click('#iv-see-answer');
      await page.locator('button[data-preset="payment-declined"].active, #preset-more summary.active').first().waitFor();
      await seekEnd(page);
      assert.equal((await row(page, 'Orders', 'o1'))[1], 'PAYMENT_FAILED');
      assert.deepEqual(await broken(page), []);
    });
  });

  test('a link to a step of this lab, faults clicked in, reproduces it in a new page', async () => {
    let link;
    let shown;
    await withPage(browser, { permissions: ['clipboard-read', 'clipboard-write'] }, async (p) => {
      const { page } = p;
      await openSagas(p, server);
      await choosePreset(page, 'choreography');
      await seek(page, 3);
      await page.click('button[data-fault="decline"]');
      await page.locator('#fault-plan li').first().waitFor();
      // C2 done: a choreography names its event by its topic (StockReleased).
      await seekUntil(page, async () => /o1 StockReleased/.test((await flightLabels(page)).join('\n')), 'the compensation');
      await seek(page, (await indicator(page)).step + 1);
      shown = await seen(page);
      await page.click('#copy-link');
      await page.locator('#message').waitFor();
      link = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(link, await page.locator('#permalink').inputValue(), 'the copied link is the one shown');
    });
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, link);
      assert.deepEqual(await seen(page), shown, 'the same step: indicator, narration, arrows, tables, faults');
      assert.match(await page.locator('main h1').textContent(), /^Sagas/);
      assert.equal(await page.locator('#cfg-coordination').inputValue(), 'choreographed');
      assert.equal(await page.locator('#message').count(), 0, 'no notice');
    });
  });

  test('bad input: a setting out of range, a link with one, a run file with its saga log edited', async () => {
    let link;
    await withPage(browser, async (p) => {
      const { page } = p;
      await openSagas(p, server);
      await choosePreset(page, 'orchestrator-crash');
      await seek(page, 12);
      const before = await seen(page);

      // Typed into the settings: refused, restored, the run unchanged.
      await page.locator('#cfg-orders').fill('9');
      await page.locator('#cfg-orders').press('Enter');
      assert.match(await messageText(page), /whole number from 1 to 3/);
      assert.equal(await page.locator('#cfg-orders').inputValue(), '1', 'the old value is back');
      assert.deepEqual(await seen(page), before, 'the run is unchanged');
      await page.click('#message button:text("Dismiss")');

      // An exported file with a saga log entry changed by hand opens the
      // run its scenario produces, and says the file's trace differs there.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
      const text = await readFile(await download.path(), 'utf8');
      const entry = /"table":"Saga log","id":\d+,"cells":\["\d+","o1","T2 reserve stock"\]/.exec(text);
      assert.ok(entry, 'the file has the saga log');
      const tampered = text.replace(entry[0], entry[0].replace('T2 reserve stock', 'COMPLETED'));
      await choosePreset(page, 'happy-path');
      await page.setInputFiles('#import-file', { name: 'edited.json', mimeType: 'application/json', buffer: Buffer.from(tampered) });
      const notice = await messageText(page);
      assert.match(notice, /^Run imported\. Its trace is not the one its scenario produces \(first in the "Saga log" table\)/);
      assert.equal(await page.locator('#message').getAttribute('role'), 'status');
      assert.deepEqual(await seen(page), before, 'the run its scenario produces, at the saved step');
      await page.click('#message button:text("Dismiss")');

      // A file whose saga log is cut off mid-way is not JSON: refused, run kept.
      await page.setInputFiles('#import-file', {
        name: 'cut.json',
        mimeType: 'application/json',
        buffer: Buffer.from(text.slice(0, text.indexOf('"Saga log"') + 5)),
      });
      assert.match(await messageText(page), /^That file could not be imported: .*Your current run is kept\./);
      assert.deepEqual(await seen(page), before);
      await page.click('#message button:text("Dismiss")');

      link = await page.locator('#permalink').inputValue();
    });
    // A link whose scenario asks for 9 orders: a message, not a run.
    const [, payload] = /#v1\.([A-Za-z0-9_-]+)\.\d+$/.exec(link);
    const scenario = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    scenario.config = { ...scenario.config, orders: 9 };
    await withPage(browser, async (p) => {
      await p.goto(`${labUrl(server, 'sagas')}#v1.${Buffer.from(JSON.stringify(scenario)).toString('base64url')}.3`, { ready: '#message' });
      const msg = await messageText(p.page);
      assert.match(msg, /orders/, msg);
      assert.match(msg, /\b1\b.*\b3\b/, msg);
    });
  });

  test('projector: six lanes fit a 1280×720 screen at 24 px, and a choreography draws no orchestrator lane', async () => {
    await withPage(browser, { viewport: { width: 1280, height: 720 } }, async (p) => {
      const { page } = p;
      await openSagas(p, server);
      await page.locator('main').focus();
      await page.keyboard.press('p');
      await page.locator('main.lab.projector').waitFor();
      const lanes = () => page.locator('svg.sequence-heads .lane-title').allTextContents();
      await choosePreset(page, 'happy-path');
      await seekEnd(page);
      assert.equal((await lanes()).length, 6, `every actor at work has a lane: ${await lanes()}`);
      const box = await page.locator('#diagram-scroll').evaluate((b) => ({ scroll: b.scrollWidth, client: b.clientWidth }));
      assert.ok(box.scroll <= box.client, `the diagram does not scroll sideways ${JSON.stringify(box)}`);
      const smallest = await page.evaluate(() => {
        let min = { px: Infinity, text: '' };
        for (const t of document.querySelectorAll('svg#sequence text, svg.sequence-heads text')) {
          if (t.getBoundingClientRect().width === 0 || getComputedStyle(t).display === 'none') continue;
          const m = t.getScreenCTM();
          const px = parseFloat(getComputedStyle(t).fontSize) * Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
          if (px < min.px) min = { px, text: t.textContent.trim().slice(0, 30) };
        }
        return min;
      });
      console.log(`FIGURE: Sagas happy path in the projector view: 6 lanes, smallest diagram text ${smallest.px.toFixed(1)} px (${smallest.text})`);
      assert.ok(smallest.px >= 24, `smallest diagram text ${smallest.px.toFixed(1)} px (${smallest.text})`);
      // Choreography: the services and the broker, no idle orchestrator.
      await choosePreset(page, 'choreography');
      await seekEnd(page);
      const drawn = await lanes();
      assert.ok(!drawn.some((t) => /orchestrator/i.test(t)), `no orchestrator lane: ${drawn}`);
      assert.equal(drawn.length, 5);
    });
  });

  test('axe: the 2PC run blocked, with its figures and tables, and the saga with the interview open', async () => {
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, labUrl(server, 'sagas', 'lab=sagas&preset=2pc-coordinator-crash&step=14'));
      await page.locator('#figures').waitFor();
      await page.locator('table[data-table="2PC participants"]').waitFor();
      await assertAxeClean(page, 'Sagas lab, 2PC blocked');
    });
    await withPage(browser, async (p) => {
      const { page } = p;
      await openLink(p, labUrl(server, 'sagas', 'lab=sagas&preset=payment-declined&step=30'));
      await page.click('#iv-reveal');
      await page.click('#preset-more summary');
      await assertAxeClean(page, 'Sagas lab, payment declined, interview and scenario menu open');
    });
  });
});
