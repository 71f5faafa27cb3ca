// Runs a test script (TypeScript, through ts-node) in a child process inside a private network
// namespace (`unshare --net`: root needed, as for the keel-vip crate's own namespace tests): the
// host's links are never touched, and the namespace ends with the process. The script prints
// what it saw as JSON on its standard output.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..', '..');

export function runInNetns<T>(script: string): Promise<T> {
  const args = ['--net', '--', process.execPath, '--require', 'ts-node/register/transpile-only', script];
  const env = { ...process.env, TS_NODE_PROJECT: join(root, 'tsconfig.spec.json') };
  return new Promise((resolve, reject) => {
    execFile('unshare', args, { cwd: root, env, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as T);
    });
  });
}
