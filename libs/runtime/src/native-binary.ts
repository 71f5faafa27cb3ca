// Where keel's native programs are: $KEEL_RFSD / $KEEL_FENCE, else native/target/release/<name>
// of the keel tree the service runs from (the repository root holds native/Cargo.toml; services
// run from src/ in tests and from dist/ once built, so the root is searched upwards).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The programs built from native/ (tools/dev/build-native.mjs), and their override variables. */
export const NATIVE_BINARIES = { 'keel-rfsd': 'KEEL_RFSD', 'keel-fence': 'KEEL_FENCE' } as const;
export type NativeBinary = keyof typeof NATIVE_BINARIES;

export const nativeRelativePath = (name: NativeBinary): string => join('native', 'target', 'release', name);

export function resolveNativeBinary(
  name: NativeBinary,
  env: Readonly<Record<string, string | undefined>>,
  from: string = __dirname,
): string {
  const explicit = env[NATIVE_BINARIES[name]];
  if (explicit) return explicit;
  const relative = nativeRelativePath(name);
  const home = env['KEEL_HOME'];
  if (home) return join(home, relative);
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'native', 'Cargo.toml'))) return join(dir, relative);
    if (dirname(dir) === dir) break;
  }
  // No tree found: name the path of a standard build, so the error at spawn says where it looked.
  return join(from, '..', '..', '..', '..', relative);
}
