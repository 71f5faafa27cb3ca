import { parseModuleConfig } from '../src';

// reference §5.0: 7.1-style files are accepted when they do not mix with 7.2 syntax.
test('a file entirely in 7.1 syntax is accepted and flagged legacy', () => {
  const m = parseModuleConfig(
    `<safe><service mode="mirror">
       <heart><heartbeat><server addr="198.18.0.1"/><server addr="198.18.0.2"/></heartbeat></heart>
       <rfs><flow name="repli"><server addr="198.18.1.1"/></flow><replicated dir="/data"/></rfs>
     </service></safe>`,
    'u.xml',
    { env: {} },
  ).config;
  expect(m.legacySyntax).toBe(true);
  expect(m.heart!.heartbeats[0].legacyServers).toEqual(['198.18.0.1', '198.18.0.2']);
  expect(m.rfs!.flow).toEqual({ name: 'repli', legacyServers: ['198.18.1.1'] });
});

test('a 7.2 file is not legacy', () => {
  const m = parseModuleConfig(
    '<safe><service mode="farm"><farm><lan name="default"/></farm></service></safe>',
    'u.xml',
    { env: {} },
  ).config;
  expect(m.legacySyntax).toBe(false);
});
