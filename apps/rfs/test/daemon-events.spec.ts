// keel-rfsd's stdout lines: every event of the contract, and total parsing of anything else.
import { parseDaemonLine } from '../src/core/daemon-events';

describe('parseDaemonLine', () => {
  it.each([
    ['{"event":"mounted"}', { event: 'mounted' }],
    ['{"event":"connected","peer":"10.0.2.2:5608"}', { event: 'connected', peer: '10.0.2.2:5608' }],
    ['{"event":"reintegration","full":true}', { event: 'reintegration', full: true }],
    ['{"event":"synced","files":3,"bytes":4096,"ms":12}', { event: 'synced', files: 3, bytes: 4096, ms: 12 }],
    ['{"event":"link-lost","reason":"timeout"}', { event: 'link-lost', reason: 'timeout' }],
    ['{"event":"primary-stopped"}', { event: 'primary-stopped' }],
    ['{"event":"error","message":"mount failed"}', { event: 'error', message: 'mount failed' }],
    ['{"event":"mounted","extra":1}', { event: 'mounted' }],
  ])('reads %s', (line, event) => {
    expect(parseDaemonLine(line)).toEqual({ ok: true, event });
  });

  it.each([
    ['mounting /srv/data', /not JSON/],
    ['{"event":"paused"}', /event/],
    ['{"event":"synced","files":-1,"bytes":0,"ms":0}', /files/],
    ['{"event":"connected"}', /peer/],
    ['[1,2]', /event/],
    ['null', /event/],
  ])('refuses %s without throwing', (line, why) => {
    const r = parseDaemonLine(line);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.why).toMatch(why);
  });
});
