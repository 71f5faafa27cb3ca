// freeze()/thaw(): a participant that hangs but keeps its subscriptions (e.g. a stuck process).
import { BusTimeoutError, defineCodec, defineRpc } from '@keel/bus';
import { z } from 'zod';
import { createInbox, InMemoryBusNetwork } from '../src';

const tick = defineCodec('test.tick', z.object({ n: z.number() }));
const echo = defineRpc('test.echo', z.object({ n: z.number() }), z.object({ n: z.number() }));

function sut() {
  const network = new InMemoryBusNetwork();
  const quiet = { onError: () => undefined };
  const admin = network.connect({ source: { service: 'admin', node: 'n1' }, ...quiet });
  const heartbeat = network.connect({ source: { service: 'heartbeat', node: 'n1' }, ...quiet });
  return { network, admin, heartbeat };
}

it('times out requests to a frozen responder instead of failing fast', async () => {
  const { network, admin, heartbeat } = sut();
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
  const { network, admin, heartbeat } = sut();
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
  const { network, admin, heartbeat } = sut();
  await heartbeat.serve('svc.hb', echo, (req) => req.payload);

  network.freeze(heartbeat);
  await expect(admin.request('svc.hb', echo, { n: 1 }, { timeoutMs: 50 })).rejects.toBeInstanceOf(
    BusTimeoutError,
  );
  network.thaw(heartbeat);

  await expect(admin.request('svc.hb', echo, { n: 2 }, { timeoutMs: 1000 })).resolves.toEqual({ n: 2 });
});
