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

it.each([
  ['restart', 'errd'],
  ['stopstart', 'errd'],
  ['stop', 'errd'],
  ['stopstart', 'modulecheck'],
])('takes %s as %s', (name, identity) => {
  expect(code(() => assertCallerMayAsk(on, cmd(name, identity), true))).toBe('allowed');
});

it.each([
  ['prim', 'errd'],
  ['set', 'errd'],
  ['checker', 'errd'],
  ['restart', undefined],
  ['restart', 'root'],
])('refuses %s as %s', (name, identity) => {
  expect(code(() => assertCallerMayAsk(on, cmd(name, identity), true))).toBe('FORBIDDEN');
});

it('refuses errd actions while errd is off', () => {
  expect(code(() => assertCallerMayAsk(on, cmd('restart', 'errd'), false))).toBe('REFUSED');
  expect(code(() => assertCallerMayAsk(on, cmd('stopstart', 'modulecheck'), false))).toBe('allowed');
});

it('leaves the other callers alone', () => {
  expect(code(() => assertCallerMayAsk('keel.v1.web.cmd.cli', cmd('prim'), false))).toBe('allowed');
});
