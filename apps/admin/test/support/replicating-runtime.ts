// A module runtime with replicated directories whose node's rfs service (a fake on the in-memory
// bus) answers every request at once, and a way to play its daemon's events.
import {
  codecs,
  rpcs,
  subjects,
  type RfsCommand,
  type RfsEvent,
  type RfsQuery,
  type RfsQueryResult,
} from '@keel/bus';
import { createInbox } from '@keel/testing';
import { runtimeHarness } from './runtime-harness';

export const REPLICATED_MODULE = `<safe><service mode="mirror"><heart timeout="1s" pulse="100ms"><heartbeat name="default"/></heart>
  <rfs locktimeout="10s"><replicated dir="/srv/data"/></rfs><user/></service></safe>`;

export async function replicatingRuntime(dir: string) {
  const requests = createInbox<RfsCommand>();
  const queries = createInbox<RfsQuery>();
  /** What rfs answers to rfsdiff / rfsverify (set by a test). */
  const answers: { query: (q: RfsQuery) => RfsQueryResult } = {
    query: () => ({ ok: false, message: 'no answer set' }),
  };
  let rfsBus: { publish: (subject: string, codec: typeof codecs.rfsEvent, e: RfsEvent) => void } | undefined;
  const h = await runtimeHarness(dir, REPLICATED_MODULE, {
    rfsTimeoutMs: 500,
    services: async (network) => {
      const bus = network.connect({ source: { service: 'rfs', node: 'node1' } });
      rfsBus = bus;
      await bus.serve(subjects.rfsCmd('demo'), rpcs.rfsCommand, (req) => {
        requests.push(req.payload);
        return { ok: true, message: 'done' };
      });
      await bus.serve(subjects.rfsQuery('demo'), rpcs.rfsQuery, (req) => {
        queries.push(req.payload);
        return answers.query(req.payload);
      });
    },
  });
  await h.bus.subscribe(subjects.rfsEvent('demo'), codecs.rfsEvent, (m) => h.sut.replicationEvent(m.payload));
  const daemonSays = (e: Omit<RfsEvent, 'module'>) =>
    rfsBus?.publish(subjects.rfsEvent('demo'), codecs.rfsEvent, { module: 'demo', ...e });
  return { ...h, requests, queries, answers, daemonSays };
}
