// The UDP side effect, as a port: the real adapter is node:dgram (adapters/dgram-transport.ts),
// the twin is InMemoryUdpNetwork (adapters/in-memory-udp.ts), which tests can partition per LAN.

export interface UdpEndpoint {
  readonly address: string;
  readonly port: number;
}

export interface UdpBinding extends UdpEndpoint {
  /** The cluster LAN this socket serves (error messages; the twin partitions by it). */
  readonly lan: string;
}

export type DatagramHandler = (bytes: Uint8Array, from: UdpEndpoint) => void;
/** Errors with no caller: a send that failed, a socket that broke. */
export type UdpErrorHandler = (err: Error) => void;

export interface UdpSocket {
  readonly local: UdpEndpoint;
  /** Fire and forget; failures go to the socket's error handler, never thrown. */
  send(bytes: Uint8Array, to: UdpEndpoint): void;
  /** Idempotent. */
  close(): Promise<void>;
}

export interface UdpTransport {
  /** Binds one socket; rejects when the address cannot be bound (not local, in use). */
  open(binding: UdpBinding, onDatagram: DatagramHandler, onError: UdpErrorHandler): Promise<UdpSocket>;
}

export const UDP_TRANSPORT = Symbol.for('keel.heartbeat.udp-transport');
