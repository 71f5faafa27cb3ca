import { checkLocalModuleWatches, IssueSink, parseModuleConfig } from '../src';

// A module checker on this node follows a module installed here; one elsewhere is not checked.
const watching = (inside: string) =>
  parseModuleConfig(`<safe><service mode="light"><user/><check>${inside}</check></service></safe>`, 'u.xml')
    .config;
const problems = (inside: string, installed: string[]) => {
  const sink = new IssueSink();
  checkLocalModuleWatches(watching(inside), installed, sink);
  return sink.issues.map((i) => `${i.attribute} ${i.message}`);
};

test('a module of this node that is installed is accepted', () => {
  expect(problems('<module name="db"/>', ['db', 'web'])).toEqual([]);
});

test('one that is not installed is named, with what is', () => {
  expect(problems('<module name="dbx"/>', ['db', 'web'])).toEqual([
    'name module checker dbx_127.0.0.1: no module dbx is installed on this node (installed: db, web)',
  ]);
});

test('a module on another node is not checked here', () => {
  expect(problems('<module name="dbx"><to addr="198.18.0.10" port="9010"/></module>', [])).toEqual([]);
});
