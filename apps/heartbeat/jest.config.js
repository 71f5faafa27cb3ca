module.exports = { ...require('../../jest.preset.js'), displayName: 'heartbeat', rootDir: __dirname };
