// A module command is for the module its subject names (keel.v1.<module>.cmd.<caller>, which only
// the caller's credential may publish to): a message naming another module, or a subject that is
// no module's, is refused before anything runs.
import { HandlerError, type Envelope, type ModuleCommand } from '@keel/bus';
import { BusContext } from '@keel/runtime';
import { AdminController } from '../src/admin.controller';
import type { AdminService } from '../src/admin.service';

const commands: string[] = [];
const admin = {
  command: async (module: string) => {
    commands.push(module);
    return { detail: 'ok' };
  },
} as unknown as AdminService;
const sut = new AdminController(admin);

const request = (module: string): Envelope<ModuleCommand> => ({
  v: 1,
  id: 'x',
  ts: '2026-01-01T00:00:00.000Z',
  source: { service: 'cli', node: 'node1' },
  type: 'module.command',
  payload: { module, name: 'stop', args: [] },
});
const on = (subject: string) => new BusContext([{ subject }]);

beforeEach(() => (commands.length = 0));

it('runs a command on the subject of its module', async () => {
  await sut.command(request('web'), on('keel.v1.web.cmd.cli'));
  expect(commands).toEqual(['web']);
});

it.each([
  ['another module in the message', 'db', 'keel.v1.web.cmd.cli', 'BAD_REQUEST'],
  ['the node namespace', 'node', 'keel.v1.node.cmd.cli', 'FORBIDDEN'],
  ['a caller with no command subject', 'web', 'keel.v1.web.cmd.admin', 'FORBIDDEN'],
])('refuses %s, running nothing', (_, module, subject, code) => {
  let thrown: unknown;
  try {
    void sut.command(request(module), on(subject));
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(HandlerError);
  expect(thrown).toMatchObject({ code });
  expect(commands).toEqual([]);
});
