// libs/testing depends on libs/bus; the reverse is allowed in tests only, or the two would
// form a cycle. The lint rule cannot see this, so the test does.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const srcDir = join(__dirname, '..', 'src');

it('keeps libs/bus/src free of @keel/testing and of imports outside src', () => {
  const offenders = readdirSync(srcDir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.ts'))
    .filter((file) => {
      const source = readFileSync(join(srcDir, file), 'utf8');
      return /from\s+['"](@keel\/testing|\.\.\/\.\.\/)/.test(source);
    });
  expect(offenders).toEqual([]);
});
