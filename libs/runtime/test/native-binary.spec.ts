import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeRelativePath, resolveNativeBinary, UntrustedBinaryError } from '../src/native-binary';

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

// Root runs these programs: one in a directory other users may change is refused at start.
it.each([
  ['writable by others', 0o777, true],
  ['(control) writable by its owner only', 0o755, false],
])('refuses a program in a directory %s', (_, mode, refused) => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bin-'));
  try {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    chmodSync(bin, mode);
    const resolve = () => resolveNativeBinary('keel-fence', { KEEL_FENCE: join(bin, 'keel-fence') });
    if (refused) expect(resolve).toThrow(UntrustedBinaryError);
    else expect(resolve()).toBe(join(bin, 'keel-fence'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
