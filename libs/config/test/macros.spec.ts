import { ConfigError, parseModuleConfig } from '../src';

// reference §5.2 and acceptance 8.1.4: %name% expands to a macro, else an environment variable.
const xml = (dir: string, macro = '<macro name="PATH" value="/data"/>') =>
  `<safe>${macro}<service mode="mirror"><heart><heartbeat name="default"/></heart><rfs><replicated dir="${dir}"/></rfs></service></safe>`;

test('a macro wins over an environment variable of the same name', () => {
  const m = parseModuleConfig(xml('%PATH%'), 'u.xml', { env: { PATH: '/usr/bin' } }).config;
  expect(m.rfs!.replicated[0].dir).toBe('/data');
});

test('an environment variable fills in when no macro has the name', () => {
  const m = parseModuleConfig(xml('%APPDIR%/db', ''), 'u.xml', { env: { APPDIR: '/srv/app' } }).config;
  expect(m.rfs!.replicated[0].dir).toBe('/srv/app/db');
});

test('a macro may use an earlier macro', () => {
  const m = parseModuleConfig(
    xml('%B%', '<macro name="A" value="/x"/><macro name="B" value="%A%/y"/>'),
    'u.xml',
    { env: {} },
  ).config;
  expect(m.rfs!.replicated[0].dir).toBe('/x/y');
});

test('an undefined reference is an error naming it', () => {
  expect(() => parseModuleConfig(xml('%NOPE%', ''), 'u.xml', { env: {} })).toThrow(ConfigError);
  expect(() => parseModuleConfig(xml('%NOPE%', ''), 'u.xml', { env: {} })).toThrow(
    /environment variable named NOPE/,
  );
});

test('a lone percent sign is plain text', () => {
  const m = parseModuleConfig(
    '<safe><service mode="light"><user><var name="P" value="100% sure"/></user></service></safe>',
    'u.xml',
    { env: {} },
  ).config;
  expect(m.user!.vars[0].value).toBe('100% sure');
});
