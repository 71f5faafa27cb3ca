import { DEFAULT_MODULE_LOG_SETTINGS, moduleLogSettings } from '../src/log/log-settings';

// The node's module log settings come from its environment; a bad value names its variable.
test('defaults, and values in KB and files', () => {
  expect(moduleLogSettings({})).toEqual(DEFAULT_MODULE_LOG_SETTINGS);
  expect(moduleLogSettings({ KEEL_MODULE_LOG_SIZE: '64', KEEL_MODULE_LOG_FILES: '2' })).toEqual({
    maxBytes: 64 * 1024,
    keep: 2,
  });
});

test.each([
  [
    { KEEL_MODULE_LOG_SIZE: '10MB' },
    /^KEEL_MODULE_LOG_SIZE: invalid value '10MB' \(expected a whole number of KB/,
  ],
  [{ KEEL_MODULE_LOG_SIZE: '0' }, /^KEEL_MODULE_LOG_SIZE: invalid value '0'/],
  [
    { KEEL_MODULE_LOG_FILES: '-1' },
    /^KEEL_MODULE_LOG_FILES: invalid value '-1' \(expected a whole number of rotated files/,
  ],
])('%j is refused', (env, message) => {
  expect(() => moduleLogSettings(env)).toThrow(message);
});
