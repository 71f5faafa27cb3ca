// The farm filter through the nft command: scripts on its standard input (`nft -f -`, one
// transaction per script), tables read back as JSON. Spawned without a shell; bounded in time,
// since a filter that hangs must not hold the vip service.
import { spawn } from 'node:child_process';
import { removeScript } from '../core/farm-filter';
import { FarmFilterError, type FarmFilterPort, type FarmFilterTable } from '../ports/farm-filter.port';

export interface NftOptions {
  /** Path or name of nft; default `nft` from PATH. */
  readonly nft?: string;
  /** Bound on one nft run; on expiry nft gets SIGKILL (its transaction is then not committed). */
  readonly timeoutMs?: number;
  /** Runs nft in this named network namespace (`ip netns exec`): for tests, never in the service. */
  readonly netns?: string;
}

const TABLE_PREFIX = 'keel_';
const NETNS_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function nftFarmFilter(options: NftOptions = {}): FarmFilterPort {
  const run = nftRunner(options);
  return {
    apply: async (script) => {
      await run(['-f', '-'], script);
    },
    tables: async () => parseTables(await run(['-j', 'list', 'tables'])),
    remove: async (module) => {
      await run(['-f', '-'], removeScript(module));
    },
  };
}

/** Runs nft with args (and a script on stdin); resolves with its standard output. */
export function nftRunner(
  options: NftOptions = {},
): (args: readonly string[], input?: string) => Promise<string> {
  const nft = options.nft ?? 'nft';
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (options.netns !== undefined && !NETNS_NAME.test(options.netns)) {
    throw new FarmFilterError('FAILED', `network namespace name '${options.netns}' is not valid`);
  }
  const prefix = options.netns === undefined ? [] : ['ip', 'netns', 'exec', options.netns];
  return (args, input) => {
    const argv = [...prefix, nft, ...args];
    const what = `${argv.join(' ')}`;
    return new Promise((resolve, reject) => {
      const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      // nft may exit before reading a script it refuses at once; its status tells why.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input ?? '');
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          e.code === 'ENOENT'
            ? new FarmFilterError('MISSING', `${argv[0]} is not installed (Debian: apt-get install nftables)`)
            : new FarmFilterError('FAILED', `${what}: ${e.message}`),
        );
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const stderr = Buffer.concat(err).toString('utf8').trim();
        if (timedOut) {
          reject(new FarmFilterError('TIMEOUT', `${what} did not finish within ${timeoutMs} ms`, stderr));
        } else if (code !== 0) {
          const status = code === null ? `signal ${signal}` : `exit ${code}`;
          reject(
            new FarmFilterError(
              'FAILED',
              `${what} failed (${status})${stderr ? `:\n${stderr}` : ''}`,
              stderr,
            ),
          );
        } else {
          resolve(Buffer.concat(out).toString('utf8'));
        }
      });
    });
  };
}

/** keel's tables from `nft -j list tables`. */
export function parseTables(json: string): FarmFilterTable[] {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw new FarmFilterError('BAD_OUTPUT', `nft -j list tables printed no JSON: ${json.slice(0, 200)}`);
  }
  const items = (doc as { nftables?: unknown }).nftables;
  if (!Array.isArray(items))
    throw new FarmFilterError('BAD_OUTPUT', 'nft -j list tables: no "nftables" array');
  return items.flatMap((item: unknown) => {
    const t = (item as { table?: { family?: unknown; name?: unknown } }).table;
    if (typeof t?.name !== 'string' || typeof t.family !== 'string' || !t.name.startsWith(TABLE_PREFIX))
      return [];
    return [{ family: t.family, name: t.name, module: t.name.slice(TABLE_PREFIX.length) }];
  });
}
