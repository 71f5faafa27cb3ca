import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  checkModuleAgainstCluster,
  ClusterConfig,
  ConfigError,
  IssueSink,
  parseClusterConfig,
  parseModuleConfig,
} from '../src';
import { invalidFixtures, InvalidFixture, repoPath } from './fixture-files';

// Each fixture directory holds a broken userconfig.xml and/or cluster.xml and expected.txt: the exact
// error lines (file:line:column: path @attribute: message) keel must print. With a valid cluster.xml
// beside a userconfig.xml, the module is also checked against that cluster.
const env = { HOME: '/root' };

function errorsOf(f: InvalidFixture): string[] {
  try {
    let cluster: ClusterConfig | undefined;
    if (f.cluster) cluster = parseClusterConfig(readFileSync(f.cluster, 'utf8'), repoPath(f.cluster));
    if (f.userconfig) {
      const { config } = parseModuleConfig(readFileSync(f.userconfig, 'utf8'), repoPath(f.userconfig), {
        env,
      });
      if (cluster) {
        const sink = new IssueSink();
        checkModuleAgainstCluster(config, cluster, sink);
        sink.throwIfAny();
      }
    }
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map(String);
    throw e;
  }
}

const fixtures = invalidFixtures();

test('there are at least 40 invalid fixtures', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(40);
});

test.each(fixtures.map((f) => [f.name, f] as const))('%s is refused with the expected errors', (_name, f) => {
  const actual = errorsOf(f);
  if (process.env.UPDATE_EXPECTED === '1' && !existsSync(f.expected)) {
    writeFileSync(f.expected, actual.join('\n') + '\n');
  }
  const expected = readFileSync(f.expected, 'utf8').trim().split('\n');
  expect(actual.length).toBeGreaterThan(0);
  expect(actual).toEqual(expected);
});
