import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkModuleExecutables, IssueSink, parseModuleConfig } from '../src';

// A custom checker's program is run by keel as root: it must exist, be executable, and be a file
// only root can change.
const MODULE = `<safe><service mode="light"><user/><check><custom ident="c" when="pre" exec="chk"/></check></service></safe>`;
const config = parseModuleConfig(MODULE, 'userconfig.xml').config;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keel-exec-'));
  chmodSync(dir, 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function problems(bin: string): string[] {
  const sink = new IssueSink();
  checkModuleExecutables(config, bin, sink);
  return sink.issues.map((i) => i.message);
}

function program(mode = 0o755, at = join(dir, 'chk')): string {
  writeFileSync(at, '#!/bin/sh\nexit 0\n');
  chmodSync(at, mode);
  return at;
}

test('an executable file only root can change is accepted', () => {
  program();
  expect(problems(dir)).toEqual([]);
});

test('a missing program, or one not executable, is named', () => {
  expect(problems(dir)).toEqual([`custom checker c: ${join(dir, 'chk')} does not exist`]);
  program(0o644);
  expect(problems(dir)[0]).toMatch(/is not executable/);
});

test('a program others can write, or one reached through a link into such a place, is refused', () => {
  program(0o777);
  expect(problems(dir)[0]).toMatch(
    /refused: it, or a directory above it, can be changed by users other than root/,
  );
  const open = join(dir, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  const target = program(0o755, join(open, 'real'));
  rmSync(join(dir, 'chk'));
  symlinkSync(target, join(dir, 'chk'));
  expect(problems(dir)[0]).toMatch(/refused/);
});
