// freeze()/thaw(): a participant that hangs but keeps its subscriptions (e.g. a stuck process).
import { BusTimeoutError } from '@keel/bus';
import { createInbox } from '../src';
import { echo, tick, twoParticipants } from './support/two-participants';

const sut = () => twoParticipants('heartbeat');

it('times out requests to a frozen responder instead of failing fast', async () => {
  const { network, admin, other: heartbeat } = sut();
  const handled = createInbox<number>();
  await heartbeat.serve('svc.hb', echo, (req) => {
    handled.push(req.payload.n);
    return req.payload;
  });

  network.freeze(heartbeat);

  await expect(admin.request('svc.hb', echo, { n: 1 }, { timeoutMs: 50 })).rejects.toBeInstanceOf(
    BusTimeoutError,
  );
  expect(handled.pending).toBe(0);
});

it('delivers what was held, in order, after thaw', async () => {
  const { network, admin, other: heartbeat } = sut();
  const inbox = createInbox<number>();
  await heartbeat.subscribe('ticks', tick, (msg) => inbox.push(msg.payload.n));

  network.freeze(heartbeat);
  for (let n = 1; n <= 3; n++) admin.publish('ticks', tick, { n });
  await admin.flush();
  expect(inbox.pending).toBe(0);
  network.thaw(heartbeat);

  expect(await inbox.take(3)).toEqual([1, 2, 3]);
});

it('answers again after thaw; the late reply to a timed-out request is dropped', async () => {
  const { network, admin, other: heartbeat } = sut();
  await heartbeat.serve('svc.hb', echo, (req) => req.payload);

  network.freeze(heartbeat);
  await expect(admin.request('svc.hb', echo, { n: 1 }, { timeoutMs: 50 })).rejects.toBeInstanceOf(
    BusTimeoutError,
  );
  network.thaw(heartbeat);

  await expect(admin.request('svc.hb', echo, { n: 2 }, { timeoutMs: 1000 })).resolves.toEqual({ n: 2 });
});
