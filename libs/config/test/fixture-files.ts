import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export const FIXTURES = join(__dirname, '../../../test/fixtures');

/** Fixture paths are reported relative to the repository so expected texts do not depend on the checkout. */
export const repoPath = (abs: string) => relative(join(FIXTURES, '../..'), abs);

export interface InvalidFixture {
  readonly name: string;
  readonly dir: string;
  readonly userconfig?: string;
  readonly cluster?: string;
  readonly expected: string;
}

export function invalidFixtures(): InvalidFixture[] {
  const root = join(FIXTURES, 'invalid');
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = join(root, d.name);
      const file = (n: string) => (existsSync(join(dir, n)) ? join(dir, n) : undefined);
      return {
        name: d.name,
        dir,
        userconfig: file('userconfig.xml'),
        cluster: file('cluster.xml'),
        expected: join(dir, 'expected.txt'),
      };
    });
}
