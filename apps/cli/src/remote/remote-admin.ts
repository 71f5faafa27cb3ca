// Module commands through a node's REST API (docs/decisions/0021), with the same interface as the
// local AdminClient, so `keel -H` runs exactly the code of `keel <command>`: state, get and log
// have their own routes, every other command the commands route.
import type { ModuleCommand } from '@keel/bus';
import type { WebClient } from './web-client';

const m = (module: string) => `/api/v1.0/modules/${encodeURIComponent(module)}`;

export class RemoteAdmin {
  constructor(private readonly web: WebClient) {}

  async send(c: ModuleCommand): Promise<string> {
    if (c.name === 'state') return JSON.stringify(await this.web.call('GET', `${m(c.module)}/state`));
    if (c.name === 'get')
      return String(
        (await this.web.call('GET', `${m(c.module)}/resources/${encodeURIComponent(c.args[0] ?? '')}`)).value,
      );
    if (c.name === 'log') {
      const q = new URLSearchParams();
      const args = [...c.args];
      for (let i = 0; i < args.length; i += 1) {
        if (args[i] === '-v') q.set('verbose', 'true');
        else if (args[i] === '-s') q.set('count', args[++i] ?? '');
        else if (args[i] === '-b') q.set('before', args[++i] ?? '');
      }
      return JSON.stringify(await this.web.call('GET', `${m(c.module)}/log?${q.toString()}`));
    }
    const answer = await this.web.call('POST', `${m(c.module)}/commands/${encodeURIComponent(c.name)}`, {
      args: c.args,
      ...(c.identity ? { identity: c.identity } : {}),
    });
    return String(answer?.detail ?? '');
  }

  /** The modules installed on that node. */
  async modules(): Promise<string[]> {
    return ((await this.web.call('GET', '/api/v1.0/modules')) as { name: string }[]).map((x) => x.name);
  }
}
