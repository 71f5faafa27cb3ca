import { HandlerError, type ModuleCommand } from '@keel/bus';
import { assertCallerMayAsk } from '../src/modules/command-caller';

// The checkers service's credential acts only as SafeKit's errd and module checker do.
const on = 'keel.v1.web.cmd.checkers';
const cmd = (name: string, identity?: string): ModuleCommand =>
  ({ module: 'web', name, args: [], ...(identity ? { identity } : {}) }) as ModuleCommand;
const code = (f: () => void) => {
  try {
    f();
    return 'allowed';
  } catch (err) {
    return (err as HandlerError).code;
  }
};

const ON = { errd: true, checker: true };

it.each([
  ['restart', 'errd'],
  ['stopstart', 'errd'],
  ['stop', 'errd'],
  ['stopstart', 'modulecheck'],
])('takes %s as %s', (name, identity) => {
  expect(code(() => assertCallerMayAsk(on, cmd(name, identity), ON))).toBe('allowed');
});

it.each([
  ['prim', 'errd'],
  ['set', 'errd'],
  ['checker', 'errd'],
  ['restart', undefined],
  ['restart', 'root'],
  ['restart', 'modulecheck'],
  ['stop', 'modulecheck'],
])('refuses %s as %s', (name, identity) => {
  expect(code(() => assertCallerMayAsk(on, cmd(name, identity), ON))).toBe('FORBIDDEN');
});

it('refuses errd actions while errd is off, the module checker actions while checker is off', () => {
  const errdOff = { errd: false, checker: true };
  const checkerOff = { errd: true, checker: false };
  expect(code(() => assertCallerMayAsk(on, cmd('restart', 'errd'), errdOff))).toBe('REFUSED');
  expect(code(() => assertCallerMayAsk(on, cmd('stopstart', 'modulecheck'), errdOff))).toBe('allowed');
  expect(code(() => assertCallerMayAsk(on, cmd('stopstart', 'modulecheck'), checkerOff))).toBe('REFUSED');
  expect(code(() => assertCallerMayAsk(on, cmd('restart', 'errd'), checkerOff))).toBe('allowed');
});

it('leaves the other callers alone', () => {
  const off = { errd: false, checker: false };
  expect(code(() => assertCallerMayAsk('keel.v1.web.cmd.cli', cmd('prim'), off))).toBe('allowed');
});
