import { loadValid } from './valid';

// reference ops §15.12 vhost.safe.
test('vhost.safe expands the virtual name macro and defaults when to prim', () => {
  const { config: m } = loadValid('vhost', 'cluster-2lans.xml');
  expect(m.vhost).toMatchObject({ name: 'virtualsrv', envfile: 'vhostenv', when: 'prim' });
  expect(m.rfs!.replicated[0].dir).toBe('/var/repdir');
});
