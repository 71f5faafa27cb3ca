import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rpcs, subjects, type VipCommand, type VipCommandResult } from '@keel/bus';
import { createInbox, type Inbox } from '@keel/testing';
import { runtimeHarness } from './support/runtime-harness';

// A mirror module with a virtual IP: the runtime asks the node's vip service (played by the test
// on the in-memory bus) to place it before start_prim and to withdraw it after the stop scripts,
// holding what follows until it is answered, and says what happened in the module log
// (docs/decisions/0016).
const MODULE = `<safe><service mode="mirror"><heart timeout="1s" pulse="100ms"><heartbeat name="default"/></heart>
  <vip><interface_list><interface><real_interface>
    <virtual_addr addr="198.18.0.10" where="one_side_alias"/>
  </real_interface></interface></interface_list></vip><user/></service></safe>`;
const REPLICATED = MODULE.replace('<user/>', '<rfs><replicated dir="/srv/data"/></rfs><user/>');
const PLACED = { addr: '198.18.0.10', prefix: 24, ifname: 'eth0' };

class FakeVip {
  readonly requests: Inbox<VipCommand> = createInbox();
  private readonly answers: Array<(r: VipCommandResult) => void> = [];

  handle = (command: VipCommand): Promise<VipCommandResult> => {
    this.requests.push(command);
    return new Promise((resolve) => this.answers.push(resolve));
  };

  answer(r: VipCommandResult): void {
    const next = this.answers.shift();
    if (!next) throw new Error('no vip request waits for an answer');
    next(r);
  }

  drain(): void {
    while (this.answers.length > 0) this.answer({ ok: false, message: 'the test is over', addresses: [] });
  }
}

let dir: string;
let last: { vip: FakeVip; settle: () => Promise<void>; drainRfs: () => void } | undefined;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keel-runtime-vip-'))));
afterEach(async () => {
  last?.vip.drain();
  last?.drainRfs();
  await last?.settle();
  last = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function build(options: { vipService?: boolean; module?: string } = {}) {
  const vip = new FakeVip();
  // The rfs service of a module that replicates: each request waits for the test's answer.
  const rfsRequests: Inbox<string> = createInbox();
  const rfsAnswers: Array<(ok: boolean) => void> = [];
  const h = await runtimeHarness(dir, options.module ?? MODULE, {
    services: async (network) => {
      if (options.vipService !== false) {
        await network
          .connect({ source: { service: 'vip', node: 'node1' } })
          .serve(subjects.vipCmd('demo'), rpcs.vipCommand, (req) => vip.handle(req.payload));
      }
      await network
        .connect({ source: { service: 'rfs', node: 'node1' } })
        .serve(subjects.rfsCmd('demo'), rpcs.rfsCommand, (req) => {
          rfsRequests.push(req.payload.role);
          return new Promise((resolve) =>
            rfsAnswers.push((ok) =>
              resolve(ok ? { ok, message: 'mounted' } : { ok, message: 'mount failed' }),
            ),
          );
        });
    },
  });
  const drainRfs = () => {
    while (rfsAnswers.length > 0) (rfsAnswers.shift() as (ok: boolean) => void)(false);
  };
  last = { vip, settle: h.settle, drainRfs };
  if (options.vipService !== false) {
    // At its start admin withdraws what an earlier run may have left.
    expect(await vip.requests.next()).toEqual({ module: 'demo', op: 'remove', addresses: ['198.18.0.10'] });
    vip.answer({ ok: true, addresses: [] });
    await h.settle();
  }
  const rfsAnswer = (ok = true) => (rfsAnswers.shift() as (ok: boolean) => void)(ok);
  return { ...h, vip, rfsRequests, rfsAnswer };
}

/** prim on node1 (its peer silent): ALONE once it has listened for a heartbeat timeout. */
async function prim(h: Awaited<ReturnType<typeof build>>) {
  expect(await h.sut.command('prim', [], undefined, 'cli')).toMatchObject({ ok: true });
  await h.settle();
  await h.pass(1250);
}

test("a primary's start scripts wait until the vip service has placed the VIP, inside an open fence", async () => {
  const h = await build();
  await prim(h);
  expect(await h.vip.requests.next()).toEqual({ module: 'demo', op: 'set', addresses: ['198.18.0.10'] });
  const before = h.scripts();
  expect(before).toEqual(['transition STOP WAIT start', 'prestart STOP WAIT start']);
  // The fence withdraws the VIP if admin dies: it is open before the VIP is asked for.
  expect(h.fences.events).toEqual(['open 100']);
  await h.pass(500);
  expect(h.scripts()).toEqual(before);

  h.vip.answer({ ok: true, addresses: [PLACED] });
  await h.settle();
  expect(h.scripts().slice(before.length)).toContain('start_prim WAIT ALONE start');
  expect(h.sut.state).toMatchObject({ state: 'ALONE', readiness: 'Ready' });
  expect(h.logText(true)).toContain('I Virtual IP 198.18.0.10 set');
});

test("a new primary's VIP goes up while its directories mount; the start scripts wait for both", async () => {
  const h = await build({ module: REPLICATED });
  await prim(h);
  // Both asked at once.
  expect(await h.rfsRequests.next()).toBe('primary');
  expect(await h.vip.requests.next()).toMatchObject({ op: 'set' });
  const before = h.scripts();
  h.vip.answer({ ok: true, addresses: [PLACED] });
  await h.settle();
  expect(h.scripts()).toEqual(before);
  h.rfsAnswer();
  await h.settle();
  expect(h.scripts().slice(before.length)).toContain('start_prim WAIT ALONE start');
});

test('a replication that fails beside a placed VIP: no start script runs, the VIP is withdrawn, STOP', async () => {
  const h = await build({ module: REPLICATED });
  await prim(h);
  await h.rfsRequests.next();
  await h.vip.requests.next();
  h.vip.answer({ ok: true, addresses: [PLACED] });
  await h.settle();
  h.rfsAnswer(false);
  await h.settle();
  expect(await h.vip.requests.next()).toMatchObject({ op: 'remove' });
  h.vip.answer({ ok: true, addresses: [PLACED] });
  await h.settle();
  // The forcestop stops the replication too.
  expect(await h.rfsRequests.next()).toBe('stopped');
  h.rfsAnswer();
  for (let i = 0; i < 40 && h.sut.state.state !== 'STOP'; i++) await h.pass(250);
  expect(h.sut.state.state).toBe('STOP');
  expect(h.scripts().some((s) => s.startsWith('start_prim') || s.startsWith('start_both'))).toBe(false);
  expect(h.logText(true)).toContain(
    'E Replication could not start: the module stops without running its start scripts',
  );
});

test('the VIP answered after the replication: the start scripts still wait for it', async () => {
  const h = await build({ module: REPLICATED });
  await prim(h);
  await h.rfsRequests.next();
  await h.vip.requests.next();
  const before = h.scripts();
  h.rfsAnswer();
  await h.settle();
  expect(h.scripts()).toEqual(before);
  h.vip.answer({ ok: true, addresses: [PLACED] });
  await h.settle();
  expect(h.scripts().slice(before.length)).toContain('start_prim WAIT ALONE start');
});

test('a VIP that cannot be placed is an error line; the transition goes on and the rules decide', async () => {
  const h = await build();
  await prim(h);
  await h.vip.requests.next();
  h.vip.answer({
    ok: false,
    message:
      'Virtual IP 198.18.0.10 could not be set: host 02:00:00:00:00:99 answers for it on the LAN of eth0',
    addresses: [],
  });
  await h.settle();
  expect(h.logText(true)).toContain(
    'E Virtual IP 198.18.0.10 could not be set: host 02:00:00:00:00:99 answers for it on the LAN of eth0',
  );
  expect(h.scripts()).toContain('start_prim WAIT ALONE start');
});

test('without a vip service the VIP is said missing and ip.<addr> goes down', async () => {
  const h = await build({ vipService: false });
  await prim(h);
  await h.settle();
  expect(h.logText(true)).toContain('E Virtual IPs not set: the vip service of this node is not running');
  expect(h.sut.resources.get('ip.198.18.0.10')).toMatchObject({ value: 'down', by: 'admin' });
});

test('the stop withdraws the VIP after the stop scripts, and waits for it', async () => {
  const h = await build();
  await prim(h);
  await h.vip.requests.next();
  h.vip.answer({ ok: true, addresses: [PLACED] });
  await h.settle();
  const started = h.scripts().length;

  await h.sut.command('stop', [], undefined, 'cli');
  await h.settle();
  expect(await h.vip.requests.next()).toEqual({ module: 'demo', op: 'remove', addresses: ['198.18.0.10'] });
  expect(h.scripts().slice(started)).toEqual([
    'stop_sec ALONE WAIT stop',
    'stop_prim ALONE WAIT stop',
    'stop_both ALONE WAIT stop',
    'transition ALONE WAIT stop',
  ]);
  await h.pass(500);
  expect(h.sut.state.state).not.toBe('STOP');
  h.vip.answer({ ok: true, addresses: [PLACED] });
  await h.settle();
  expect(h.logText(true)).toContain('I Virtual IP 198.18.0.10 removed');
  expect(h.sut.state.state).toBe('STOP');
});

test('without a fence no VIP is asked for: the reason is said and ip.<addr> goes down', async () => {
  const h = await build();
  h.fences.refuse = 'mounts not shared';
  await prim(h);
  await h.settle();
  expect(h.vip.requests.pending).toBe(0);
  expect(h.logText(true)).toContain(
    "E Virtual IPs not set: the application's fence could not be made: mounts not shared",
  );
  expect(h.sut.resources.get('ip.198.18.0.10')).toMatchObject({ value: 'down', by: 'admin' });
});

test('a restarted vip service is told again what the engine wants', async () => {
  const h = await build();
  await prim(h);
  await h.vip.requests.next();
  h.vip.answer({ ok: true, addresses: [PLACED] });
  await h.settle();
  h.sut.vipServiceReady();
  expect(await h.vip.requests.next()).toEqual({ module: 'demo', op: 'set', addresses: ['198.18.0.10'] });
});
