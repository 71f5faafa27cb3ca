module.exports = { ...require('../../jest.preset.js'), displayName: 'vip', rootDir: __dirname };
