import { join } from 'node:path';
import { nativeRelativePath, resolveNativeBinary } from '../src/native-binary';

describe('resolveNativeBinary', () => {
  it("prefers the program's own variable, then KEEL_HOME", () => {
    const env = { KEEL_RFSD: '/x/rfsd', KEEL_FENCE: '/x/fence', KEEL_HOME: '/opt/keel' };
    expect(resolveNativeBinary('keel-rfsd', env)).toBe('/x/rfsd');
    expect(resolveNativeBinary('keel-fence', env)).toBe('/x/fence');
    expect(resolveNativeBinary('keel-fence', { KEEL_HOME: '/opt/keel' })).toBe(
      join('/opt/keel', 'native/target/release/keel-fence'),
    );
  });

  it('else finds the keel tree above the service', () => {
    const repo = join(__dirname, '../../..');
    expect(resolveNativeBinary('keel-rfsd', {}, join(repo, 'dist/apps/rfs/src/adapters'))).toBe(
      join(repo, nativeRelativePath('keel-rfsd')),
    );
  });
});
