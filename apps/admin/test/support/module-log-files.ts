import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ModuleLogPort } from '../../src/ports/module-log.port';
import { formatEntry } from '../../src/log/log-line';

/** The files of the module log `module.log` in `dir`, oldest first: rotated ones by number, then the current one. */
export function logFiles(dir: string): string[] {
  const rotated = readdirSync(dir)
    .filter((n) => /^module\.log\.\d+$/.test(n))
    .sort((a, b) => Number(a.split('.').at(-1)) - Number(b.split('.').at(-1)));
  return [...rotated, ...readdirSync(dir).filter((n) => n === 'module.log')].map((n) => join(dir, n));
}

/** Every line of the files, oldest first (a test may read them whole). */
export const allLines = (dir: string) =>
  logFiles(dir).flatMap((f) => readFileSync(f, 'utf8').split('\n').slice(0, -1));

export const sizeOf = (file: string) => statSync(file).size;

/** Every entry of the log read through the port, page by page from the newest, oldest first. */
export function pageThrough(log: ModuleLogPort, verbose = true, count = 250): string[] {
  const pages: string[][] = [];
  let before = undefined as Parameters<ModuleLogPort['page']>[0]['before'];
  for (;;) {
    const page = log.page({ verbose, count, ...(before ? { before } : {}) });
    pages.push(page.entries.map(formatEntry));
    if (!page.older) return pages.reverse().flat();
    before = page.older;
  }
}

/** The n-th test line: numbered, of varied length. */
export const nth = (n: number) => ({
  at: new Date(Date.UTC(2026, 0, 1) + n),
  level: (n % 3 === 0 ? 'V' : 'I') as 'V' | 'I',
  text: `line ${n} ${'x'.repeat(n % 97)}`,
});
