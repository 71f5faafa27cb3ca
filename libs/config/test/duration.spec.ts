import { parseDuration } from '../src';

// reference §5.1: units d h m s ms us, implicit unit = the default's, conversion rounded.
describe('parseDuration', () => {
  it.each([
    ['700', 'ms', 700],
    ['700ms', 'ms', 700],
    ['2s', 'ms', 2000],
    ['1d', 'h', 24],
    ['3m', 's', 180],
    ['50us', 'us', 50],
    ['1500ms', 's', 1],
    ['2500ms', 's', 2],
    ['2501ms', 's', 3],
    ['0', 's', 0],
    ['0s', 's', 0],
    ['1.5s', 'ms', 1500],
  ] as const)('%s in an attribute counted in %s is %d', (raw, unit, value) => {
    expect(parseDuration(raw, 'x', unit)).toEqual({ ok: true, value });
  });

  it('refuses a non-zero value that rounds to 0 with the reference message', () => {
    expect(parseDuration('500ms', 'boot_delay', 's')).toEqual({
      ok: false,
      message: "invalid value '500ms' for the attribute boot_delay (expected time unit: 's')",
    });
  });

  it('refuses zero written in another unit', () => {
    expect(parseDuration('0ms', 'boot_delay', 's')).toMatchObject({ ok: false });
  });

  it.each(['', 'ms', '1 2', '-5s', '10x', '1.5'])('refuses %j', (raw) => {
    expect(parseDuration(raw, 'pulse', 'ms').ok).toBe(false);
  });
});
