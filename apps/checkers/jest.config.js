module.exports = { ...require('../../jest.preset.js'), displayName: 'checkers', rootDir: __dirname };
