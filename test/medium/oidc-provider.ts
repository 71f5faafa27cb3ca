// Starts test/medium/oidc-provider.mjs (a real OpenID provider in its own process, on loopback) and
// drives a browser's side of a login over real HTTP, with a cookie jar per site.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './slapd';

export interface OidcAccount {
  readonly password: string;
  readonly roles: readonly string[];
}

export interface OidcProviderHandle {
  readonly issuer: string;
  stop(): Promise<void>;
}

export async function startOidcProvider(settings: {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  accounts: Record<string, OidcAccount>;
}): Promise<OidcProviderHandle> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [join(__dirname, 'oidc-provider.mjs'), JSON.stringify({ port, ...settings })],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the OpenID provider did not start: ${output}`)), 20_000);
    const seen = (d: Buffer) => {
      output += d.toString();
      if (output.includes(`listening ${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => reject(new Error(`the OpenID provider exited (${code}): ${output}`)));
  });
  return {
    issuer: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/** A browser: cookies kept per host:port (path and expiry beyond Max-Age=0 ignored: tests are short). */
export class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  async get(url: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const u = new URL(url);
    const jar = this.jars.get(u.host) ?? new Map<string, string>();
    this.jars.set(u.host, jar);
    const headers: Record<string, string> = {};
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const r = await fetch(url, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
    for (const c of r.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) jar.delete(name);
      else jar.set(name, pair!.slice(eq + 1).trim());
    }
    const text = await r.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: r.status, location: r.headers.get('location') ?? undefined, text, json };
  }

  cookie(host: string, name: string): string | undefined {
    return this.jars.get(host)?.get(name);
  }
}
