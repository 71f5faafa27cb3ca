// Lines other keel services say in a module's log (heartbeat's refused packets, vip's withdrawn
// addresses) reach the module log, for the module the subject names; admin's own lines, which it
// publishes for the API and name no component, are not written twice.
import type { Envelope, LogLine } from '@keel/bus';
import { BusContext } from '@keel/runtime';
import { AdminController } from '../src/admin.controller';
import type { AdminService } from '../src/admin.service';

const written: string[] = [];
const admin = {
  componentLog: (module: string, line: LogLine) => written.push(`${module} ${line.level} ${line.message}`),
} as unknown as AdminService;
const sut = new AdminController(admin);

const line = (payload: LogLine): Envelope<LogLine> => ({
  v: 1,
  id: 'x',
  ts: '2026-01-01T00:00:00.000Z',
  source: { service: 'vip', node: 'node1' },
  type: 'module.log',
  payload,
});
const on = (subject: string) => new BusContext([{ subject }]);

beforeEach(() => (written.length = 0));

it("writes another service's line for the subject's module; admin's own are not written again", () => {
  sut.log(
    line({ module: 'web', level: 'E', message: 'Farm view not renewed', component: 'vip' }),
    on('keel.v1.web.log'),
  );
  sut.log(line({ module: 'web', level: 'I', message: 'Local state UP Ready' }), on('keel.v1.web.log'));
  sut.log(
    line({ module: 'db', level: 'E', message: 'for web, sent on db', component: 'heart' }),
    on('keel.v1.web.log'),
  );
  expect(written).toEqual(['web E Farm view not renewed', 'web E for web, sent on db']);
});
