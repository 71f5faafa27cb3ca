// disconnect()/reconnect(): a participant that lost its connection to the node-local server.
import { BusNoRespondersError, BusTimeoutError } from '@keel/bus';
import { createInbox } from '../src';
import { echo, tick, twoParticipants } from './support/two-participants';

const sut = () => twoParticipants('rfs');

it('hides a disconnected responder: requests to it get no-responders', async () => {
  const { network, admin, other: rfs } = sut();
  await rfs.serve('svc.rfs', echo, (req) => req.payload);

  network.disconnect(rfs);

  await expect(admin.request('svc.rfs', echo, { n: 1 }, { timeoutMs: 1000 })).rejects.toBeInstanceOf(
    BusNoRespondersError,
  );
});

it('drops what a disconnected participant publishes and times out its requests', async () => {
  const { network, admin, other: rfs } = sut();
  const inbox = createInbox<number>();
  await admin.subscribe('ticks', tick, (msg) => inbox.push(msg.payload.n));
  await admin.serve('svc.admin', echo, (req) => req.payload);

  network.disconnect(rfs);
  rfs.publish('ticks', tick, { n: 1 });
  await expect(rfs.request('svc.admin', echo, { n: 1 }, { timeoutMs: 50 })).rejects.toBeInstanceOf(
    BusTimeoutError,
  );
  network.reconnect(rfs);
  rfs.publish('ticks', tick, { n: 2 });

  // Order is preserved per publisher, so a delivered n=1 would come first.
  expect(await inbox.next()).toBe(2);
});

it('does not deliver to a disconnected subscriber and resumes after reconnect', async () => {
  const { network, admin, other: rfs } = sut();
  const inbox = createInbox<number>();
  await rfs.subscribe('ticks', tick, (msg) => inbox.push(msg.payload.n));

  network.disconnect(rfs);
  admin.publish('ticks', tick, { n: 1 });
  network.reconnect(rfs);
  admin.publish('ticks', tick, { n: 2 });

  expect(await inbox.next()).toBe(2);
});
