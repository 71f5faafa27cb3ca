#!/usr/bin/env node
// Bench: what the NestJS bus transport costs over the bare BusPort, measured in one run against
// one throw-away nats-server on loopback (docs/decisions/0002). "before" serves and subscribes
// with NatsBus directly, as the services did; "after" receives through BusServer and a controller
// (@OnBusRequest / @OnBusEvent), as they do now. Prints one JSON line per measure and the ratios.
//   npm run build && node tools/bench/bus-transport.cjs [requests=3000] [events=30000]
require('reflect-metadata');
require('../dev/register-aliases.cjs');
const { Controller, Module } = require('@nestjs/common');
const { Payload } = require('@nestjs/microservices');
const { z } = require('zod');
const { NatsBus, defineCodec, defineRpc } = require('@keel/bus');
const {
  OnBusEvent,
  OnBusRequest,
  serviceBusProviders,
  startOnBus,
  runtimeImports,
  createLogger,
  createMetrics,
} = require('@keel/runtime');
const { startNatsServer, HARNESS_USER } = require('@keel/testing');

const REQUESTS = Number(process.argv[2] ?? 3000);
const EVENTS = Number(process.argv[3] ?? 30000);
const echo = defineRpc('bench.echo', z.object({ text: z.string() }), z.object({ text: z.string() }));
const tick = defineCodec('bench.tick', z.object({ n: z.number().int() }));

async function main() {
  const server = await startNatsServer();
  const connect = (service) =>
    NatsBus.connect({
      url: server.url,
      source: { service, node: 'bench' },
      credential: server.credential(HARNESS_USER),
    });
  const caller = await connect('caller');
  const results = {};
  try {
    // before: the bare port.
    const bare = await connect('bare');
    let bareSeen = 0;
    await bare.serve('bench.before.echo', echo, (req) => ({ text: req.payload.text }));
    await bare.subscribe('bench.before.tick', tick, () => void bareSeen++);
    results.before = await measure(caller, 'bench.before', () => bareSeen);
    await bare.close();

    // after: a controller on the transport.
    let seen = 0;
    class Bench {
      echo(req) {
        return { text: req.payload.text };
      }
      tick() {
        seen++;
      }
    }
    decorate(Bench, 'echo', OnBusRequest('bench.after.echo', echo));
    decorate(Bench, 'tick', OnBusEvent('bench.after.tick', tick));
    Controller()(Bench);
    const bus = await connect('bench');
    const logger = createLogger({ service: 'bench', node: 'bench', sink: { write() {} } });
    class BenchModule {}
    Module({
      imports: runtimeImports({ logger, metrics: createMetrics({ service: 'bench', node: 'bench' }) }),
      controllers: [Bench],
      providers: serviceBusProviders({
        bus,
        url: server.url,
        source: { service: 'bench', node: 'bench' },
        credential: { role: 'heartbeat', file: '/nonexistent' },
      }),
    })(BenchModule);
    const app = await startOnBus(BenchModule, { logger: false });
    results.after = await measure(caller, 'bench.after', () => seen);
    await app.close();
    await bus.close();
  } finally {
    await caller.close();
    await server.stop();
  }
  for (const k of ['before', 'after']) console.log(JSON.stringify({ path: k, ...results[k] }));
  console.log(
    JSON.stringify({
      ratio_after_over_before: {
        request_p50: round(results.after.request_p50_us / results.before.request_p50_us),
        request_p99: round(results.after.request_p99_us / results.before.request_p99_us),
        events_per_s: round(results.after.events_per_s / results.before.events_per_s),
      },
    }),
  );
}

/** Sequential requests (round trip) after a warm-up, then a burst of events until all are handled. */
async function measure(caller, prefix, handled) {
  for (let i = 0; i < 200; i++)
    await caller.request(`${prefix}.echo`, echo, { text: 'w' }, { timeoutMs: 5000 });
  const rtts = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t = process.hrtime.bigint();
    await caller.request(`${prefix}.echo`, echo, { text: 'hello' }, { timeoutMs: 5000 });
    rtts.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  rtts.sort((a, b) => a - b);
  const start = handled();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i++) {
    caller.publish(`${prefix}.tick`, tick, { n: i });
    if (i % 1000 === 999) await caller.flush();
  }
  await caller.flush();
  while (handled() - start < EVENTS) await new Promise((r) => setTimeout(r, 1));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    requests: REQUESTS,
    request_p50_us: round(rtts[Math.floor(REQUESTS * 0.5)]),
    request_p99_us: round(rtts[Math.floor(REQUESTS * 0.99)]),
    events: EVENTS,
    events_per_s: Math.round(EVENTS / seconds),
  };
}

function decorate(cls, method, decorator) {
  const descriptor = Object.getOwnPropertyDescriptor(cls.prototype, method);
  decorator(cls.prototype, method, descriptor);
  Payload()(cls.prototype, method, 0);
}

const round = (x) => Math.round(x * 100) / 100;

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
