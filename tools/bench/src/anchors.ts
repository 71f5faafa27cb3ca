// The anchors a bench compares keel with, installed from Debian's packages by the bench itself, so
// a fresh machine needs nothing done by hand (apt-get update once, then apt-get install -y).
import { execFileSync } from 'node:child_process';
import { which } from '../../lab/src/system';

let updated = false;

/** Installs the Debian package that provides `program` unless it is on the machine already. */
export function ensureProgram(program: string, pkg: string): string {
  const found = which(program, [`/usr/sbin/${program}`, `/usr/bin/${program}`]);
  if (found) return found;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!updated) execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  updated = true;
  execFileSync('apt-get', ['install', '-y', pkg], { stdio: 'inherit', env });
  const installed = which(program, [`/usr/sbin/${program}`, `/usr/bin/${program}`]);
  if (!installed) throw new Error(`apt-get installed ${pkg}, yet ${program} is not found`);
  return installed;
}

/** The installed version of a Debian package, for the report. */
export function packageVersion(pkg: string): string {
  try {
    return execFileSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
