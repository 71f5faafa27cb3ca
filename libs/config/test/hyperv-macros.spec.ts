import { loadValid } from './valid';

// reference ops §15.3 hyperv.safe: macros used in paths and forwarded to scripts.
describe('hyperv.safe macros', () => {
  it('expands macros into the replicated directory and the script variables', () => {
    const { config: m } = loadValid('hyperv', 'cluster-2lans.xml');
    expect(m.macros).toEqual({
      VM_PATH: '/srv/hyperv',
      VM_NAME: 'Ubuntu20-1',
      NORMAL_STOP: 'stop',
      FORCE_STOP: 'stop',
    });
    expect(m.rfs!.replicated[0].dir).toBe('/srv/hyperv/Ubuntu20-1');
    expect(Object.fromEntries(m.user!.vars.map((v) => [v.name, v.value]))).toEqual({
      VM_PATH: '/srv/hyperv/Ubuntu20-1',
      VM_NAME: 'Ubuntu20-1',
      NORMAL_STOP: 'stop',
      FORCE_STOP: 'stop',
    });
    expect(m.rfs).toMatchObject({ scripts: true, acl: true, namespacepolicy: 0, allocthreshold: 10 });
    expect(m.vip).toBeUndefined();
  });

  it('lets a macro win over an environment variable of the same name', () => {
    const { config: m } = loadValid('hyperv', undefined, { VM_NAME: 'from-env' });
    expect(m.rfs!.replicated[0].dir).toBe('/srv/hyperv/Ubuntu20-1');
  });
});
