import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, uptime } from 'node:os';
import { join } from 'node:path';
import { machineBootedAt } from '../src/adapters/boot-time';

// The boot of a machine, a container or a lab node is the start of its PID 1.
let proc: string;
beforeEach(() => {
  proc = mkdtempSync(join(tmpdir(), 'keel-proc-'));
  mkdirSync(join(proc, '1'));
});
afterEach(() => rmSync(proc, { recursive: true, force: true }));

const stat = (comm: string, startTicks: number) =>
  `1 (${comm}) S 0 1 1 0 -1 4194560 1 2 0 0 3 4 0 0 20 0 1 0 ${startTicks} 1000 10 18446744073709551615\n`;

test("is the start of PID 1: now less the kernel's uptime, plus when PID 1 started after it", () => {
  writeFileSync(join(proc, 'uptime'), '1000.50 1900.00\n');
  writeFileSync(join(proc, '1', 'stat'), stat('bash', 40_000)); // 400 s after the kernel booted
  expect(machineBootedAt(2_000_000, proc)).toBe(2_000_000 - 600_500);
});

test('reads a command name with spaces and parentheses', () => {
  writeFileSync(join(proc, 'uptime'), '50.00 90.00\n');
  writeFileSync(join(proc, '1', 'stat'), stat('my (init) x', 1000));
  expect(machineBootedAt(100_000, proc)).toBe(100_000 - 40_000);
});

test("falls back to the kernel's uptime without a readable PID 1", () => {
  writeFileSync(join(proc, 'uptime'), '50.00 90.00\n');
  const now = Date.now();
  expect(Math.abs(machineBootedAt(now, proc) - (now - uptime() * 1000))).toBeLessThan(5_000);
});

test('on this machine: not in the future and not before the kernel booted', () => {
  const now = Date.now();
  const booted = machineBootedAt(now);
  expect(booted).toBeLessThanOrEqual(now);
  expect(booted).toBeGreaterThanOrEqual(now - uptime() * 1000 - 5_000);
});
