import { defineCodec, defineRpc } from '@keel/bus';
import { z } from 'zod';
import { InMemoryBusNetwork } from '../../src';

export const tick = defineCodec('test.tick', z.object({ n: z.number() }));
export const echo = defineRpc('test.echo', z.object({ n: z.number() }), z.object({ n: z.number() }));

/** admin and one other service of a node on an in-memory network, errors silenced. */
export function twoParticipants(service: string) {
  const network = new InMemoryBusNetwork();
  const quiet = { onError: () => undefined };
  const admin = network.connect({ source: { service: 'admin', node: 'n1' }, ...quiet });
  const other = network.connect({ source: { service, node: 'n1' }, ...quiet });
  return { network, admin, other };
}
