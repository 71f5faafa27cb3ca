module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'test',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/lab/'],
};
