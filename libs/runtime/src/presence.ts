// A service's presence on keel.v1.node.services.<service>, the same for every service.
import { statSync } from 'node:fs';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { BUS, codecs, subjects, type BusPort, type ServicePresence, type Source } from '@keel/bus';
import type { Logger } from './logger';
import { LOGGER } from './runtime.module';

/** The inode of this process's PID namespace (/proc/self/ns/pid); undefined where there is none. */
export function ownPidNamespace(): number | undefined {
  try {
    return statSync('/proc/self/ns/pid').ino;
  } catch {
    return undefined;
  }
}
const PID_NS = ownPidNamespace();
export const SERVICE_PRESENCE = Symbol.for('keel.runtime.service-presence');
const PRESENCE_SOURCE = Symbol.for('keel.runtime.presence-source');

/**
 * The service's presence on keel.v1.node.services.<service>, for every service alike: `starting` when its
 * module is built, `ready` once it serves the bus (startOnBus says it, after its handlers are
 * subscribed), `stopping` when it begins to stop. A service that (re)starts is told again what
 * the others know when they hear it ready.
 */
@Injectable()
export class ServicePresenceAnnouncer implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    @Inject(BUS) private readonly bus: BusPort,
    @Inject(PRESENCE_SOURCE) private readonly source: Source,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.announce('starting');
  }

  beforeApplicationShutdown(): void {
    this.announce('stopping');
  }

  announce(status: ServicePresence['status']): void {
    try {
      this.bus.publish(subjects.presence(this.source.service), codecs.servicePresence, {
        service: this.source.service,
        status,
        pid: process.pid,
        ...(PID_NS !== undefined ? { pidNs: PID_NS } : {}),
      });
    } catch (err) {
      this.logger.warn('cannot publish service presence', { status, err });
    }
  }
}

/** The announcer of a service speaking as `source`, under SERVICE_PRESENCE. */
export function presenceProviders(source: Source): Provider[] {
  return [
    { provide: PRESENCE_SOURCE, useValue: source },
    { provide: SERVICE_PRESENCE, useClass: ServicePresenceAnnouncer },
  ];
}
