module.exports = { ...require('../../jest.preset.js'), displayName: 'rfs', rootDir: __dirname };
