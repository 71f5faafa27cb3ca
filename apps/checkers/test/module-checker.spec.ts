import { build } from './support/harness';

const MODULE = `<check><module name="db"/></check>`;

async function following() {
  const h = await build(MODULE);
  await h.resource('window.pre', 'up');
  await h.state('app', 'PRIM', 'Ready');
  return h;
}

describe('a module checker on a module of this node', () => {
  it('is up while the followed module serves, down when it does not', async () => {
    const { state, sets } = await following();
    await state('db', 'ALONE', 'Ready');
    await state('db', 'STOP', 'NotReady');
    expect(sets).toEqual([
      'module.db_127.0.0.1=up by modulecheck',
      'module.db_127.0.0.1=down by modulecheck',
    ]);
  });

  it('stopstarts this module when the followed one restarts under it', async () => {
    const { state, commands, logs } = await following();
    await state('db', 'PRIM', 'Ready');
    await state('db', 'PRIM', 'Transient');
    await state('db', 'PRIM', 'Ready');
    expect(commands).toEqual(['stopstart -i modulecheck']);
    expect(logs).toContain('I Module db restarted');
  });

  it('leaves the wakeup to the rules when this module waited the outage out', async () => {
    const { state, commands } = await following();
    await state('db', 'PRIM', 'Ready');
    await state('db', 'STOP', 'NotReady');
    await state('app', 'WAIT', 'NotReady');
    await state('db', 'ALONE', 'Ready');
    expect(commands).toEqual([]);
  });

  it('does not count a secondary as serving', async () => {
    const { state, sets } = await following();
    await state('db', 'SECOND', 'Ready');
    expect(sets).toEqual(['module.db_127.0.0.1=down by modulecheck']);
  });
});
