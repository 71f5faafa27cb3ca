import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, parseClusterConfig, parseModuleConfig } from '../src';
import { FIXTURES } from './fixture-files';

// Done-when 4 of the foundation issue and TARGETS R3: hostile documents get a model or a located
// ConfigError; nothing else escapes, nothing hangs (a hang fails the test through its timeout),
// and the parsers' own "internal error" safety net never has to catch anything.
const RUNS = Number(process.env.KEEL_FUZZ_RUNS ?? 100_000);

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  '0',
  '-1',
  '500ms',
  '1d',
  '%X%',
  '%%',
  '',
  '*',
  '99999999999999999999',
  'on',
  'off',
  'mirror',
  'farm',
  'light',
  '<',
  '>',
  '&amp;',
  '&bogus;',
  '"',
  "'",
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '<safe>',
  '</service>',
  '<heartbeat name="x"/>',
  '198.18.0.1',
  '::1',
  '/',
  '/data',
  'ab..cd',
  '\u0000',
  '\uFFFF',
  '\u00e9',
];

function mutate(text: string, r: () => number): string {
  let s = text;
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (s.length + 1));
    const len = Math.floor(r() * 24);
    switch (Math.floor(r() * 6)) {
      case 0:
        s = s.slice(0, at) + s.slice(at + len);
        break;
      case 1:
        s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at);
        break;
      case 2:
        s = s.slice(0, at) + TOKENS[Math.floor(r() * TOKENS.length)] + s.slice(at);
        break;
      case 3:
        s = s.slice(0, at) + String.fromCharCode(32 + Math.floor(r() * 95)) + s.slice(at + 1);
        break;
      case 4:
        s = s.replace(/"[^"]*"/, `"${TOKENS[Math.floor(r() * TOKENS.length)]}"`);
        break;
      default:
        s = s.slice(0, at);
        break;
    }
  }
  return s;
}

test(`${RUNS} mutated documents give a model or a ConfigError, never anything else`, () => {
  const files = (readdirSync(FIXTURES, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => join(FIXTURES, f));
  const seeds = files.map((f) => ({
    cluster: f.endsWith('cluster.xml') || /cluster-[^/]*\.xml$/.test(f),
    text: readFileSync(f, 'utf8'),
  }));
  const r = rng(20261126);
  const outcome = { model: 0, error: 0 };
  for (let i = 0; i < RUNS; i++) {
    const seed = seeds[Math.floor(r() * seeds.length)];
    const doc = mutate(seed.text, r);
    try {
      if (seed.cluster) parseClusterConfig(doc, 'fuzz.xml');
      else parseModuleConfig(doc, 'fuzz.xml', { env: {} });
      outcome.model++;
    } catch (e) {
      if (!(e instanceof ConfigError)) throw new Error(`run ${i}: ${String(e)}\n--- document ---\n${doc}`);
      const internal = e.issues.find((x) => x.message.startsWith('internal error'));
      if (internal) throw new Error(`run ${i}: ${internal.toString()}\n--- document ---\n${doc}`);
      outcome.error++;
    }
  }
  // Both outcomes must really occur, or the mutations are not exercising the parsers.
  expect(outcome.model).toBeGreaterThan(RUNS / 100);
  expect(outcome.error).toBeGreaterThan(RUNS / 100);
}, 600_000);
