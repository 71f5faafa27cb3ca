// The errd scenarios' module: the sample mirror module (deploy/samples/mirror-demo) with errd
// watching its application, the `node` process that runs createServer, in class prim and polled
// every second; and what those scenarios do to it and wait for.
import { type Node, sampleUserconfig } from './keel-cluster';
import { applicationPids, sampleApplication } from './node-application';

export const errdUserconfig = (action: string): string =>
  sampleUserconfig().replace(
    '</service>',
    `  <errd polltimer="1s"><proc name="node" argregex="createServer" action="${action}" class="prim"/></errd>\n  </service>`,
  );

/** kill -9 of the sample application on `node`, as a crash would; resolves once it is gone. */
export async function killApplication(node: Node): Promise<void> {
  const app = sampleApplication(node);
  if (app.pids.length === 0) throw new Error(`${node}: no sample application to kill`);
  for (const pid of app.pids) process.kill(Number(pid), 'SIGKILL');
  await app.gone;
}

/** Waits (bounded) until the sample application runs on `node` again. */
export async function applicationBack(node: Node, seconds = 20): Promise<void> {
  for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline;) {
    if (applicationPids(node).length > 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${node}: the sample application did not come back in ${seconds}s`);
}
