// One keel bus role against a real nats-server run with keel's generated configuration: every
// subject keel has (for a module `m`), the node subject, every role's reply inbox and a foreign
// subject is tried, to publish and to subscribe; exactly the subjects a spec file lists must be
// allowed, and the allowed ones must work (messages delivered, requests answered both ways).
import { z } from 'zod';
import {
  BUS_ROLES,
  BusPermissionError,
  defineCodec,
  defineRpc,
  inboxPrefix,
  NatsBus,
  subjectMatches,
  type BusPort,
  type BusRole,
} from '@keel/bus';
import { createInbox, HARNESS_USER, startNatsServer, type NatsServerHandle } from '@keel/testing';

const probe = defineCodec('test.access', z.object({ subject: z.string() }));
const askRpc = defineRpc('test.ask', z.object({ from: z.string() }), z.object({ by: z.string() }));

/** Every service's presence subject: each role may publish its own only. */
export const PRESENCE_SUBJECTS: readonly string[] = BUS_ROLES.map((r) => `keel.v1.node.services.${r}`);
/** Every service's metrics subject: each role may serve its own only; the CLI asks them all. */
export const METRICS_SUBJECTS: readonly string[] = BUS_ROLES.map((r) => `keel.v1.node.metrics.${r}`);
/** Every concrete subject tried, for the module `m`. */
export const CONCRETE_SUBJECTS: readonly string[] = [
  'keel.v1.m.cmd',
  'keel.v1.m.cmd.cli',
  'keel.v1.m.cmd.api',
  'keel.v1.m.cmd.checkers',
  'keel.v1.m.state',
  'keel.v1.m.resource.set',
  'keel.v1.m.resource.changed',
  'keel.v1.m.log',
  'keel.v1.m.heartbeat.view',
  'keel.v1.m.rfs.cmd',
  'keel.v1.m.rfs.event',
  'keel.v1.m.rfs.window',
  'keel.v1.m.rfs.query',
  'keel.v1.m.vip.cmd',
  ...PRESENCE_SUBJECTS,
  ...METRICS_SUBJECTS,
  ...[...BUS_ROLES, HARNESS_USER].map((r) => `${inboxPrefix(r)}.x`),
  'other.subject',
];
/** Patterns tried to subscribe to besides the concrete subjects: nobody may listen to everything. */
const WIDE_PATTERNS = ['>', 'keel.v1.>', 'keel.v1.*.>', '_INBOX.>', 'keel.v1.*.*'];

export interface RoleAccess {
  /** The concrete subjects the role may publish to. */
  readonly publish: readonly string[];
  /** The subjects (concrete, or the patterns its service subscribes with) it may subscribe to. */
  readonly subscribe: readonly string[];
  /** Wildcard patterns its service subscribes with, each allowed too (and delivering). */
  readonly patterns?: readonly string[];
  /** Requests it serves, answered to a requester (allow_responses). */
  readonly serves?: readonly string[];
  /** Requests it sends, answered on its own inbox. */
  readonly requests?: readonly string[];
}

export function describeRoleAccess(role: BusRole, access: RoleAccess): void {
  jest.setTimeout(30_000);
  let server: NatsServerHandle;
  let observer: BusPort;
  let bus: BusPort;
  const refusals = createInbox<Error>();

  beforeAll(async () => {
    server = await startNatsServer();
    observer = await NatsBus.connect({
      url: server.url,
      source: { service: 'observer', node: 'node1' },
      credential: server.credential(HARNESS_USER),
    });
    bus = await NatsBus.connect({
      url: server.url,
      source: { service: role, node: 'node1' },
      credential: server.credential(role),
      onError: (err) => refusals.push(err),
    });
  });
  afterAll(async () => {
    await bus?.close();
    await observer?.close();
    await server?.stop();
  });

  it(`${role} may publish only to ${access.publish.join(', ')}`, async () => {
    const seen = createInbox<string>();
    const sub = await observer.subscribe('>', probe, (m) => seen.push(m.payload.subject));
    for (const subject of CONCRETE_SUBJECTS) bus.publish(subject, probe, { subject });
    // The server keeps one connection's messages in order: once the sentinel is seen, every
    // allowed message before it has been delivered, and the refused ones never will be.
    const sentinel = access.publish[0]!;
    bus.publish(sentinel, probe, { subject: 'sentinel' });
    const delivered: string[] = [];
    for (let s = await seen.next(); s !== 'sentinel'; s = await seen.next()) delivered.push(s);
    sub.unsubscribe();

    expect(delivered.sort()).toEqual([...access.publish].sort());
    const refused = CONCRETE_SUBJECTS.filter((s) => !access.publish.includes(s));
    const errors = await refusals.take(refused.length);
    expect(errors.every((e) => e instanceof BusPermissionError)).toBe(true);
    expect(errors.map((e) => (e as BusPermissionError).subject).sort()).toEqual([...refused].sort());
  });

  it(`${role} may subscribe only to ${access.subscribe.join(', ')}`, async () => {
    const allowed: string[] = [];
    for (const subject of [...CONCRETE_SUBJECTS, ...WIDE_PATTERNS, ...(access.patterns ?? [])]) {
      try {
        (await bus.subscribe(subject, probe, () => undefined)).unsubscribe();
        allowed.push(subject);
      } catch (err) {
        expect(err).toBeInstanceOf(BusPermissionError);
      }
    }
    expect(allowed.sort()).toEqual([...access.subscribe, ...(access.patterns ?? [])].sort());
  });

  it(`${role} receives what is published on the subjects it may subscribe to`, async () => {
    const got = createInbox<string>();
    const listened = access.subscribe.filter((s) => !s.startsWith('_INBOX.'));
    const subs = [];
    for (const subject of [...listened, ...(access.patterns ?? [])])
      subs.push(await bus.subscribe(subject, probe, (m, ctx) => got.push(`${subject} <- ${ctx.subject}`)));
    const expected: string[] = [];
    for (const subject of listened) {
      observer.publish(subject, probe, { subject });
      expected.push(`${subject} <- ${subject}`);
      for (const pattern of access.patterns ?? [])
        if (subjectMatches(pattern, subject)) expected.push(`${pattern} <- ${subject}`);
    }
    const received = await got.take(expected.length);
    subs.forEach((s) => s.unsubscribe());
    expect(received.sort()).toEqual(expected.sort());
  });

  it(`${role} answers the requests it serves and is answered on its own inbox`, async () => {
    for (const subject of access.serves ?? []) {
      const sub = await bus.serve(subject, askRpc, () => ({ by: role }));
      const reply = await observer.request(subject, askRpc, { from: 'observer' }, { timeoutMs: 5000 });
      sub.unsubscribe();
      expect(reply).toEqual({ by: role });
    }
    for (const subject of access.requests ?? []) {
      const sub = await observer.serve(subject, askRpc, (req) => ({
        by: `observer for ${req.payload.from}`,
      }));
      const reply = await bus.request(subject, askRpc, { from: role }, { timeoutMs: 5000 });
      sub.unsubscribe();
      expect(reply).toEqual({ by: `observer for ${role}` });
    }
    const refused = CONCRETE_SUBJECTS.filter(
      (s) => !(access.requests ?? []).includes(s) && !access.publish.includes(s) && !s.startsWith('_INBOX.'),
    );
    for (const subject of refused) {
      await expect(bus.request(subject, askRpc, { from: role }, { timeoutMs: 5000 })).rejects.toBeInstanceOf(
        BusPermissionError,
      );
    }
    // Drain what the refused requests reported to the error listener as well.
    while (refusals.pending > 0) await refusals.next();
  });
}
