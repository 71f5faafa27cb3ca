// `tools/lab/bin/lab`: the lab for shell scripts. A thin layer over the Lab class; every lab
// keeps its description in <run root>/<name>/lab.json, so each command re-opens it by name.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Lab, LabError, type LabSpec } from './index';
import { exitCode, killTree } from './system';

const USAGE = `usage: lab <command> ...   (as root; state in $KEEL_LAB_RUN_DIR or /run/keel-lab)

  up <lab> --nodes n1,n2 [--lans default,private] [--clients c1] [--client-lans default]
           [--private-dir /var/lib/app]... [--ipv6]
                                                  build a lab (replacing one of that name);
                                                  --ipv6: also 2001:2:0:<lan>::<host>/64
  up <lab> --spec spec.json                       the same from a JSON LabSpec
  down <lab> | down --all                         remove a lab / every lab and leftover (kl-*)
  list                                            labs with a state file
  status <lab> [--json]                           hosts, addresses, links, processes
  addr <lab> <host> [<lan>]                       the host's address (default: first LAN)
  exec <lab> <host> [--cwd DIR] [--timeout S] -- <cmd> [args]...
                                                  run in the host; exit code is the command's
  spawn <lab> <host> [--log FILE] [--cwd DIR] -- <cmd> [args]...
                                                  start in the background; prints its pid
  nats <lab> <host> [--port 4222] [--log FILE] [--config FILE]
                                                  start nats-server on the host's 127.0.0.1
                                                  (--config: e.g. keel's /etc/keel/bus/nats-server.conf)
  etcd <lab> <host> [--lan LAN] [--port 2379] [--log FILE]
                                                  start one etcd member on the host's address (a
                                                  lease arbiter's witness); prints its client URL
  pids <lab> <host> [<pattern>]                   pids inside the host (pattern: regex on cmdline)
  kill <lab> <host> <pattern> [--signal SIGKILL]  signal matching processes of that host only
  freeze <lab> <host> [<pattern>]                 SIGSTOP (all processes without pattern)
  thaw <lab> <host> [<pattern>]                   SIGCONT
  crash <lab> <host>                              kill every process of the host at once
  link-down <lab> <host> <lan> | link-up <lab> <host> <lan>
  partition <lab> <lan> [h1,h2 h3 ...]            cut a LAN (or split it into groups)
  heal <lab> <lan>
  netem <lab> <host> <lan> [--delay MS] [--jitter MS] [--loss PCT] | --clear
  forward <lab> <host> <local port> <to> <port>
                                                  127.0.0.1:<local port> on this machine, forwarded
                                                  from <host> to <to>:<port> (a host or an address);
                                                  removed with the lab
  ping <lab> <from> <to> [--lan LAN] [--count N] [--wait S]
                                                  exit 0 if answered (--wait: retry up to S seconds)
`;

class UsageError extends Error {}

function need(args: readonly string[], n: number, what: string): string[] {
  if (args.length < n) throw new UsageError(`missing ${what}`);
  return args.slice(0, n);
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  // Everything after `--` is the command to run, never parsed as our options.
  const dashes = rest.indexOf('--');
  const own = dashes >= 0 ? rest.slice(0, dashes) : rest;
  const tail = dashes >= 0 ? rest.slice(dashes + 1) : [];
  const { values: o, positionals: p } = parseArgs({
    args: own,
    allowPositionals: true,
    strict: true,
    options: {
      nodes: { type: 'string' },
      lans: { type: 'string' },
      clients: { type: 'string' },
      'client-lans': { type: 'string' },
      'private-dir': { type: 'string', multiple: true },
      spec: { type: 'string' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
      cwd: { type: 'string' },
      timeout: { type: 'string' },
      log: { type: 'string' },
      config: { type: 'string' },
      port: { type: 'string' },
      signal: { type: 'string' },
      delay: { type: 'string' },
      jitter: { type: 'string' },
      loss: { type: 'string' },
      clear: { type: 'boolean' },
      ipv6: { type: 'boolean' },
      lan: { type: 'string' },
      count: { type: 'string' },
      wait: { type: 'string' },
    },
  });
  const open = () => Lab.open(need(p, 1, 'lab name')[0] as string);
  const num = (v: string | undefined, what: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${what}: not a number: ${v}`);
    return n;
  };

  switch (command) {
    case 'up': {
      const [name] = need(p, 1, 'lab name') as [string];
      let spec: LabSpec;
      if (o.spec) {
        spec = { ...(JSON.parse(readFileSync(o.spec, 'utf8')) as Omit<LabSpec, 'name'>), name };
      } else {
        const nodes = list(o.nodes);
        if (!nodes) throw new UsageError('up: --nodes is required');
        spec = {
          name,
          nodes,
          ...(o.lans ? { lans: list(o.lans) } : {}),
          ...(o.clients ? { clients: list(o.clients) } : {}),
          ...(o['client-lans'] ? { clientLans: list(o['client-lans']) } : {}),
          ...(o['private-dir'] ? { privateDirs: o['private-dir'] } : {}),
          ...(o.ipv6 ? { ipv6: true } : {}),
        };
      }
      const lab = await Lab.create(spec, { killOnExit: false });
      printStatus(await lab.status(), false);
      return 0;
    }
    case 'down': {
      if (o.all) {
        const removed = await Lab.cleanupLeftovers();
        if (removed.length) process.stdout.write(`removed: ${removed.join(' ')}\n`);
        return 0;
      }
      await Lab.destroyByName(need(p, 1, 'lab name')[0] as string);
      return 0;
    }
    case 'list':
      for (const name of Lab.list()) process.stdout.write(`${name}\n`);
      return 0;
    case 'status': {
      const status = await open().status();
      printStatus(status, !!o.json);
      return 0;
    }
    case 'addr': {
      const [, host] = need(p, 2, 'host') as [string, string];
      process.stdout.write(`${open().address(host, p[2])}\n`);
      return 0;
    }
    case 'exec': {
      const [, host] = need(p, 2, 'host') as [string, string];
      if (tail.length === 0) throw new UsageError('exec: missing -- <command>');
      const [cmd, ...args] = await open().commandFor(host, tail, o.cwd);
      return await new Promise<number>((resolve) => {
        const child = spawn(cmd as string, args, { stdio: 'inherit', cwd: '/' });
        const timeout = num(o.timeout, 'timeout');
        // The wrapper and the command inside the host (its child) both go.
        const timer = timeout
          ? setTimeout(() => child.pid && killTree(child.pid, 'SIGKILL'), timeout * 1000)
          : undefined;
        child.once('error', (err) => {
          process.stderr.write(`lab exec: ${String(err)}\n`);
          resolve(127);
        });
        child.once('exit', (code, signal) => {
          if (timer) clearTimeout(timer);
          resolve(exitCode(code, signal));
        });
      });
    }
    case 'spawn': {
      const [, host] = need(p, 2, 'host') as [string, string];
      if (tail.length === 0) throw new UsageError('spawn: missing -- <command>');
      const proc = await open().spawn(host, tail, {
        detached: true,
        ...(o.log ? { logFile: o.log } : {}),
        ...(o.cwd ? { cwd: o.cwd } : {}),
      });
      process.stdout.write(`${proc.pid}\n`);
      return 0;
    }
    case 'nats': {
      const [, host] = need(p, 2, 'host') as [string, string];
      const port = num(o.port, 'port');
      const proc = await open().startNats(host, {
        detached: true,
        ...(port !== undefined ? { port } : {}),
        ...(o.log ? { logFile: o.log } : {}),
        ...(o.config ? { config: o.config } : {}),
      });
      process.stdout.write(`${proc.pid}\n`);
      return 0;
    }
    case 'forward': {
      const [, host, local, to, port] = need(p, 5, 'host, local port, target and port') as string[];
      const f = await open().forward(host!, num(local, 'local port')!, to!, num(port, 'port')!);
      process.stdout.write(`${f.local} ${f.pid}\n`);
      return 0;
    }
    case 'etcd': {
      const [, host] = need(p, 2, 'host') as [string, string];
      const port = num(o.port, 'port');
      const member = await open().startEtcd(host, {
        detached: true,
        ...(port !== undefined ? { port } : {}),
        ...(o.lan ? { lan: o.lan } : {}),
        ...(o.log ? { logFile: o.log } : {}),
      });
      process.stdout.write(`${member.endpoint}\n`);
      return 0;
    }
    case 'pids':
    case 'kill':
    case 'freeze':
    case 'thaw': {
      const [, host] = need(p, 2, 'host') as [string, string];
      const pattern = p[2];
      const lab = open();
      let pids: number[];
      if (command === 'pids') pids = lab.pids(host, pattern);
      else if (command === 'kill') {
        if (pattern === undefined)
          throw new UsageError('kill: missing pattern (use crash to kill a whole host)');
        pids = lab.kill(
          host,
          pattern,
          (o.signal ?? 'SIGKILL').toUpperCase().replace(/^(?!SIG)/, 'SIG') as NodeJS.Signals,
        );
      } else if (command === 'freeze') pids = lab.freeze(host, pattern);
      else pids = lab.thaw(host, pattern);
      if (pids.length) process.stdout.write(`${pids.join('\n')}\n`);
      return command === 'pids' || pids.length > 0 ? 0 : 1;
    }
    case 'crash': {
      const [, host] = need(p, 2, 'host') as [string, string];
      await open().crash(host);
      return 0;
    }
    case 'link-down':
    case 'link-up': {
      const [, host, lan] = need(p, 3, 'host and LAN') as [string, string, string];
      const lab = open();
      await (command === 'link-down' ? lab.linkDown(host, lan) : lab.linkUp(host, lan));
      return 0;
    }
    case 'partition': {
      const [, lan] = need(p, 2, 'LAN') as [string, string];
      const groups = p.slice(2).map((g) => list(g) ?? []);
      await open().partition(lan, groups.length ? groups : undefined);
      return 0;
    }
    case 'heal': {
      const [, lan] = need(p, 2, 'LAN') as [string, string];
      await open().heal(lan);
      return 0;
    }
    case 'netem': {
      const [, host, lan] = need(p, 3, 'host and LAN') as [string, string, string];
      const options = o.clear
        ? null
        : {
            delayMs: num(o.delay, 'delay') ?? 0,
            jitterMs: num(o.jitter, 'jitter') ?? 0,
            lossPct: num(o.loss, 'loss') ?? 0,
          };
      process.stdout.write(`${await open().netem(host, lan, options)}\n`);
      return 0;
    }
    case 'ping': {
      const [, from, to] = need(p, 3, 'from and to hosts') as [string, string, string];
      const count = num(o.count, 'count');
      const wait = num(o.wait, 'wait');
      const lan = o.lan ? { lan: o.lan } : {};
      const ok =
        wait !== undefined
          ? await open().waitReachable(from, to, { ...lan, timeoutMs: wait * 1000 })
          : await open().ping(from, to, { ...lan, ...(count !== undefined ? { count } : {}) });
      process.stdout.write(ok ? 'reachable\n' : 'unreachable\n');
      return ok ? 0 : 1;
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

function printStatus(status: Awaited<ReturnType<Lab['status']>>, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    return;
  }
  for (const h of status) {
    const init = h.initPid ? `init ${h.initPid}` : 'no init';
    process.stdout.write(
      `${h.name} (${h.kind}) ${h.netns}${h.present ? '' : ' MISSING'} ${init}, ${h.processes} processes\n`,
    );
    for (const i of h.interfaces) {
      process.stdout.write(
        `  ${i.ifname} ${i.address}/24 lan=${i.lan} link=${i.linkUp ? 'up' : 'DOWN'}${i.qdisc ? ` ${i.qdisc}` : ''}\n`,
      );
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError || (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`lab: ${(err as Error).message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (err instanceof LabError || (err instanceof Error && err.name.startsWith('Lab'))) {
      process.stderr.write(`lab: ${err.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`lab: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
