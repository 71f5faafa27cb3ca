// Where keel's native programs are: $KEEL_RFSD / $KEEL_FENCE, else native/target/release/<name>
// in keel's home (KEEL_HOME, else the keel tree the service runs from: libs/config node-paths.ts).
import { join } from 'node:path';
import { keelHome } from '@keel/config';

/** The programs built from native/ (tools/dev/build-native.mjs), and their override variables. */
export const NATIVE_BINARIES = { 'keel-rfsd': 'KEEL_RFSD', 'keel-fence': 'KEEL_FENCE' } as const;
export type NativeBinary = keyof typeof NATIVE_BINARIES;

export const nativeRelativePath = (name: NativeBinary): string => join('native', 'target', 'release', name);

export function resolveNativeBinary(
  name: NativeBinary,
  env: Readonly<Record<string, string | undefined>>,
  from: string = __dirname,
): string {
  return env[NATIVE_BINARIES[name]] || join(keelHome(env, from), nativeRelativePath(name));
}
