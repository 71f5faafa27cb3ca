// The Nest wiring: HeartbeatModule builds the service from the settings, starts it with the
// application (presence "starting" then "ready", one heartbeat.view per module) and stops it
// on close (presence "stopping", sockets closed).
import 'reflect-metadata';
import { codecs, subjects, type ServicePresence } from '@keel/bus';
import { createLogger, createMetrics, startOnBus } from '@keel/runtime';
import { createCapturingSink, InMemoryBusNetwork } from '@keel/testing';
import { FakeClock, settle } from '@keel/testing';
import { InMemoryUdpNetwork } from '../src/adapters/in-memory-udp';
import { CountingIncarnationSource } from '../src/adapters/incarnation-file';
import { HeartbeatModule } from '../src/heartbeat.module';
import { HeartbeatService } from '../src/service/heartbeat.service';
import { resolveHeartbeatSettings } from '../src/settings';
import { CLUSTER_XML, mirrorXml } from './support/fixtures';
import { nodeDirs } from './support/node-dirs';

it('starts the service with the application and stops it on close', async () => {
  const dirs = nodeDirs('node1');
  dirs.writeCluster(CLUSTER_XML);
  dirs.writeKey();
  dirs.writeModule('web', mirrorXml(), 1);
  const settings = resolveHeartbeatSettings(dirs.env, { hostname: 'box', localAddresses: [] });

  const busNetwork = new InMemoryBusNetwork();
  const observer = busNetwork.connect({ source: { service: 'admin', node: 'node1' } });
  const presence: ServicePresence['status'][] = [];
  const views: string[] = [];
  await observer.subscribe(subjects.anyPresence(), codecs.servicePresence, (m) => {
    if (m.payload.service === 'heartbeat') presence.push(m.payload.status);
  });
  await observer.subscribe(subjects.anyModule('heartbeatView'), codecs.heartbeatView, (m) => {
    views.push(`${m.payload.module}:${m.payload.peers[0].node}:${m.payload.peers[0].state}`);
  });
  const udp = new InMemoryUdpNetwork();
  const sink = createCapturingSink();

  const app = await startOnBus(
    HeartbeatModule.forRoot({
      settings,
      logger: createLogger({ service: 'heartbeat', node: 'node1', sink }),
      metrics: createMetrics({ service: 'heartbeat', node: 'node1' }),
      bus: busNetwork.connect({ source: { service: 'heartbeat', node: 'node1' } }),
      transport: udp.transport(),
      clock: new FakeClock(),
      incarnations: new CountingIncarnationSource(),
    }),
    { logger: false },
  );
  try {
    await settle();
    expect(app.get(HeartbeatService).moduleNames).toEqual(['web']);
    expect(udp.boundCount).toBe(2);
    expect(presence).toEqual(['starting', 'ready']);
    expect(views).toEqual(['web:node2:UNKNOWN']);
    expect(sink.records().map((r) => r['msg'])).toContain('heartbeat started');
  } finally {
    await app.close();
    await settle();
    dirs.remove();
  }
  expect(presence).toEqual(['starting', 'ready', 'stopping']);
  expect(udp.boundCount).toBe(0);
  await observer.close();
});
