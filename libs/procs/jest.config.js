module.exports = { ...require('../../jest.preset.js'), displayName: 'procs', rootDir: __dirname };
