import type { MirrorInput } from '@keel/engine';
import {
  SPLITBRAIN_ISOLATION,
  SPLITBRAIN_VERDICT,
  SplitbrainVerdict,
} from '../src/modules/splitbrain-verdict';

// Admin asks the splitbrain checker once per isolation and takes only the answer to that question.
function sut(configured = true) {
  const resources = new Map<string, string>();
  const told: MirrorInput[] = [];
  const log: string[] = [];
  let checkerOn = true;
  const verdict = new SplitbrainVerdict(
    {
      setResource: (name, value, by) => {
        resources.set(name, value);
        log.push(`${name}=${value} by ${by}`);
      },
      resource: (name) => resources.get(name),
      submit: (input) => told.push(input),
      checkerOn: () => checkerOn,
    },
    configured,
  );
  const question = () => Number(resources.get(SPLITBRAIN_ISOLATION));
  return { verdict, resources, told, log, question, off: () => (checkerOn = false) };
}

test('at the start without a peer heard: a question, the verdict init', () => {
  const { verdict, resources, question } = sut();
  verdict.reset();
  expect(resources.get(SPLITBRAIN_VERDICT)).toBe('init');
  expect(question()).toBeGreaterThan(0);
});

test('the answer to the open question is taken once; another question number or a second answer is not', () => {
  const { verdict, resources, question } = sut();
  verdict.reset();
  expect(verdict.answer('up', 'splitbraincheck', question() + 1)).toBe(false);
  expect(verdict.answer('up', 'splitbraincheck', undefined)).toBe(false);
  expect(resources.get(SPLITBRAIN_VERDICT)).toBe('init');
  expect(verdict.answer('down', 'splitbraincheck', question())).toBe(true);
  expect(verdict.answer('up', 'splitbraincheck', question())).toBe(false);
  expect(resources.get(SPLITBRAIN_VERDICT)).toBe('down');
});

test('each isolation is a new question: an answer to the previous one is refused', () => {
  const { verdict, question } = sut();
  verdict.peer(true);
  verdict.peer(false);
  const first = question();
  verdict.peer(true);
  verdict.peer(false);
  expect(question()).not.toBe(first);
  expect(verdict.answer('up', 'splitbraincheck', first)).toBe(false);
});

test('the peer heard again: up by heart, and no answer is taken while it is heard', () => {
  const { verdict, resources, log, question } = sut();
  verdict.peer(false);
  const q = question();
  verdict.peer(true);
  expect(resources.get(SPLITBRAIN_VERDICT)).toBe('up');
  expect(log.at(-1)).toBe('splitbrain.uptodate=up by heart');
  expect(verdict.answer('down', 'splitbraincheck', q)).toBe(false);
});

test('checker off: no answer is taken and the automaton is told there is no verdict to wait for', () => {
  const { verdict, question, off } = sut();
  verdict.reset();
  off();
  expect(verdict.answer('up', 'splitbraincheck', question())).toBe(false);
  expect(verdict.told('init')).toEqual({ kind: 'isolation', verdict: 'off' });
});

test('a module without a splitbrain checker asks nothing', () => {
  const { verdict, resources } = sut(false);
  verdict.reset();
  verdict.peer(false);
  expect(resources.size).toBe(0);
});
