// Root jest: every project's suite in one run, so CI can sum them into one line.
module.exports = {
  projects: [
    '<rootDir>/apps/*/jest.config.js',
    '<rootDir>/libs/*/jest.config.js',
    '<rootDir>/test/jest.config.js',
    '<rootDir>/test/lab/jest.config.js',
  ],
};
