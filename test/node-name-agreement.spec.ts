import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Machine } from '@keel/config';
import { resolveAdminSettings } from '../apps/admin/src/settings';
import { resolveHeartbeatSettings } from '../apps/heartbeat/src/settings';
import { resolveRfsSettings } from '../apps/rfs/src/settings';
import { NodeFixture } from './medium/node-fixture';

// Issue 9: one node-name rule. admin, heartbeat and rfs read who they are the same way
// (libs/config node-basics.ts), whether KEEL_NODE names the node or only the hostname does.
const MODULE = `<safe><service mode="mirror"><heart><heartbeat name="default"/></heart>
  <rfs><replicated dir="/var/lib/demo"/></rfs></service></safe>`;

let node: NodeFixture;
beforeEach(() => {
  node = new NodeFixture('demo', MODULE);
  writeFileSync(join(node.var, 'cluster', 'cluster.key'), randomBytes(32).toString('hex'), { mode: 0o600 });
});
afterEach(() => node.remove());

const names = (env: Record<string, string>, machine: Machine) => [
  resolveAdminSettings(env, machine).node,
  resolveHeartbeatSettings(env, machine).node,
  resolveRfsSettings(env, machine).node,
];

test('KEEL_NODE alone names the node for every service', () => {
  const env = { KEEL_ETC: node.etc, KEEL_VAR: node.var, KEEL_NODE: 'node2' };
  expect(names(env, { hostname: 'elsewhere', localAddresses: [] })).toEqual(['node2', 'node2', 'node2']);
});

test('the hostname alone names the node for every service', () => {
  const env = { KEEL_ETC: node.etc, KEEL_VAR: node.var };
  expect(names(env, { hostname: 'node2.example.net', localAddresses: [] })).toEqual([
    'node2',
    'node2',
    'node2',
  ]);
});

test('a machine no rule names is refused by every service with the same reason', () => {
  const env = { KEEL_ETC: node.etc, KEEL_VAR: node.var };
  const machine = { hostname: 'elsewhere', localAddresses: ['192.0.2.1'] };
  const reasons = [resolveAdminSettings, resolveHeartbeatSettings, resolveRfsSettings].map((resolve) => {
    try {
      resolve(env, machine);
      return 'started';
    } catch (err) {
      return (err as Error).message;
    }
  });
  expect(new Set(reasons).size).toBe(1);
  expect(reasons[0]).toMatch(/cannot tell which node .* set KEEL_NODE/);
});
