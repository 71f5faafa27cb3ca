import { build } from './support/harness';

const CUSTOM = `<user><var name="APP_PORT" value="8080"/></user>
<check><custom ident="c" when="both" exec="chk" arg="a  b" action="restart"/></check>`;

describe('a custom checker', () => {
  it('is started when its window opens with the module, its resource and its arguments', async () => {
    const { resource, customs } = await build(CUSTOM);
    expect(customs.started).toHaveLength(0);
    await resource('window.both', 'up');
    expect(customs.started).toHaveLength(1);
    const launch = customs.started[0]!;
    expect(launch.file).toBe('/opt/app/bin/chk');
    expect(launch.args).toEqual(['app', 'custom.c', 'a', 'b']);
    expect(launch.cwd).toMatch(/modules\/app\/bin$/);
    expect(launch.env).toMatchObject({ SAFEMODULE: 'app', KEEL_MODULE: 'app', APP_PORT: '8080' });
  });

  it('is stopped when its window closes and when checker off holds', async () => {
    const { resource, customs } = await build(CUSTOM);
    await resource('window.both', 'up');
    await resource('window.both', 'down');
    expect(customs.stopped).toBe(1);
    await resource('window.both', 'up');
    await resource('usersetting.checker', 'off');
    expect(customs.stopped).toBe(2);
    expect(customs.started).toHaveLength(2);
  });

  it('that ends by itself takes its resource down and says how', async () => {
    const { resource, customs, sets, logs, clock } = await build(CUSTOM);
    await resource('window.both', 'up');
    customs.exit('exited with code 3');
    await clock.advance(0);
    expect(sets).toEqual(['custom.c=down by customcheck']);
    expect(logs).toEqual(['E Custom checker /opt/app/bin/chk for custom.c exited with code 3']);
  });
});
