// `keel state -m AM -v` as text, for a dump: asked of admin on the node's bus as the command does;
// when admin cannot be asked, a line saying why (a dump is made in any state, admin down included).
import type { BusPort } from '@keel/bus';
import { AdminClient } from '../admin-client';
import type { CliIo } from '../io';
import { installedModules, runModuleCommand } from './module-commands';

export async function moduleStateText(
  module: string,
  io: CliIo,
  bus: () => Promise<BusPort>,
): Promise<string> {
  let b: BusPort;
  try {
    b = await bus();
  } catch (e) {
    return `(admin cannot be asked: ${(e as Error).message})\n`;
  }
  const lines: string[] = [];
  const capture: CliIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), env: io.env };
  try {
    const code = await runModuleCommand('state', ['-m', module, '-v'], {
      io: capture,
      admin: new AdminClient(b, () => installedModules(io.env)),
      installed: () => installedModules(io.env),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    });
    if (code !== 0) lines.push(`(keel state exited ${code})`);
  } catch (e) {
    lines.push(`(admin cannot be asked: ${(e as Error).message})`);
  } finally {
    await b.close();
  }
  return lines.join('\n') + '\n';
}
