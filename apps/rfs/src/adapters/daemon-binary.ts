// Where keel-rfsd is: $KEEL_RFSD, else native/target/release/keel-rfsd of the keel tree this
// service runs from (the repository root holds native/Cargo.toml; the service runs from src/ in
// tests and from dist/ once built, so the root is searched upwards).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const RFSD_RELATIVE_PATH = join('native', 'target', 'release', 'keel-rfsd');

export function resolveDaemonBinary(
  env: Readonly<Record<string, string | undefined>>,
  from: string = __dirname,
): string {
  const explicit = env['KEEL_RFSD'];
  if (explicit) return explicit;
  const home = env['KEEL_HOME'];
  if (home) return join(home, RFSD_RELATIVE_PATH);
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'native', 'Cargo.toml'))) return join(dir, RFSD_RELATIVE_PATH);
    if (dirname(dir) === dir) break;
  }
  // No tree found: name the path of a standard build, so the error at spawn says where it looked.
  return join(from, '..', '..', '..', '..', RFSD_RELATIVE_PATH);
}
