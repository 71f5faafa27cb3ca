// Lab suite: multi-node scenarios in network namespaces (root only; the specs skip otherwise).
// Run: npx jest -c test/lab/jest.config.js. Layout and guarantees: docs/decisions/0006-lab.md.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'lab',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.spec.ts'],
  testTimeout: 60_000,
};
