import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HandlerError, rpcs, subjects, type RfsCommand } from '@keel/bus';
import { createInbox } from '@keel/testing';
import { handleCommand } from '../src/modules/command-handler';
import { runtimeHarness } from './support/runtime-harness';

// `secondforce -d <date>` (guide §5.7.5): admin turns the date into seconds, the automaton starts
// the node as secondary, and rfs is asked for a secondary copying the files modified since.
const MODULE = `<safe><service mode="mirror"><heart timeout="1s" pulse="100ms"><heartbeat name="default"/></heart>
  <rfs><replicated dir="/srv/data"/></rfs><user/></service></safe>`;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keel-secondforce-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function build() {
  const requests = createInbox<RfsCommand>();
  const h = await runtimeHarness(dir, MODULE, {
    rfsTimeoutMs: 500,
    services: async (network) => {
      const rfs = network.connect({ source: { service: 'rfs', node: 'node1' } });
      await rfs.serve(subjects.rfsCmd('demo'), rpcs.rfsCommand, (req) => {
        requests.push(req.payload);
        return { ok: true, message: 'mounted' };
      });
    },
  });
  h.clock.now = Date.UTC(2026, 11, 7, 12);
  // The peer is a Ready primary: a secondary start goes straight to its replication.
  h.sut.peer({ state: 'PRIM', readiness: 'Ready' }, {});
  return { ...h, requests };
}

test('secondforce -d asks rfs for a secondary with the date, not a full copy', async () => {
  const h = await build();
  const sut = (args: string[]) => handleCommand(h.sut, { module: 'demo', name: 'secondforce', args }, 'root');

  expect(await sut(['2026-12-01 08:00:00Z'])).toEqual({ detail: 'secondforce accepted' });
  await h.settle();
  await h.pass(250);

  expect(await h.requests.next()).toEqual({
    module: 'demo',
    role: 'secondary',
    full: false,
    since: Date.UTC(2026, 11, 1, 8) / 1000,
  });
  expect(h.logText()).toContain('I Action secondforce called by root');
});

test('a bad date is refused naming -d and the formats, and the module stays stopped', async () => {
  const h = await build();
  const sut = (args: string[]) => handleCommand(h.sut, { module: 'demo', name: 'secondforce', args }, 'root');

  const refused = sut(['01/12/2026']);
  await expect(refused).rejects.toBeInstanceOf(HandlerError);
  await expect(refused).rejects.toMatchObject({
    code: 'BAD_ARGS',
    message: expect.stringContaining(
      `secondforce -d '01/12/2026' is not a date: give a date as YYYY-MM-DD[Z], "YYYY-MM-DD hh:mm:ss[Z]" or YYYY-MM-DDThh:mm:ss[Z]`,
    ),
  });
  await expect(sut([])).rejects.toMatchObject({
    code: 'BAD_ARGS',
    message: expect.stringContaining('-d <date>'),
  });
  await h.settle();
  await h.pass(500);
  expect(h.sut.state.state).toBe('STOP');
  expect(h.logText().join('\n')).not.toContain('secondforce');
});
