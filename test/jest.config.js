module.exports = { ...require('../jest.preset.js'), displayName: 'test', rootDir: __dirname };
