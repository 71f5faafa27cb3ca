// The in-memory twin of the UDP transport. Sockets are found by address and port, like on a
// real network; every socket belongs to a LAN, and a LAN can be partitioned (nothing sent on it
// arrives) and healed. Delivery is asynchronous (a microtask) and unordered guarantees are not
// simulated: UDP may lose packets here only through partitions. Tests can also record what
// was sent and inject datagrams from any address (an attacker on the LAN).
import type {
  DatagramHandler,
  UdpBinding,
  UdpEndpoint,
  UdpErrorHandler,
  UdpSocket,
  UdpTransport,
} from '../ports/udp.port';

interface Bound {
  readonly binding: UdpBinding;
  readonly onDatagram: DatagramHandler;
  closed: boolean;
}

export interface SentDatagram {
  readonly lan: string;
  readonly from: UdpEndpoint;
  readonly to: UdpEndpoint;
  readonly bytes: Uint8Array;
}

export class UdpBindError extends Error {
  override readonly name = 'UdpBindError';
}

const keyOf = (e: UdpEndpoint) => `${e.address}|${e.port}`;

export class InMemoryUdpNetwork {
  private readonly sockets = new Map<string, Bound>();
  private readonly cut = new Set<string>();
  private readonly isolated = new Set<string>();
  private readonly unbindable = new Set<string>();
  private readonly held = new Map<string, Array<() => void>>();
  private recording = false;
  /** Datagrams sent while recording (see record()). */
  readonly sent: SentDatagram[] = [];

  /** A transport for one node; every node of a test shares the same network. */
  transport(): UdpTransport {
    return { open: (binding, onDatagram, onError) => this.open(binding, onDatagram, onError) };
  }

  /** Nothing sent on `lan` arrives until heal(lan). */
  partition(lan: string): void {
    this.cut.add(lan);
  }

  heal(lan: string): void {
    this.cut.delete(lan);
  }

  /** Nothing sent from or to `address` arrives until rejoin(address): a node cut off from the others. */
  isolate(address: string): void {
    this.isolated.add(address);
  }

  rejoin(address: string): void {
    this.isolated.delete(address);
  }

  /** Binding `address` fails (the interface is not up yet) until allowBind(address). */
  refuseBind(address: string): void {
    this.unbindable.add(address);
  }

  allowBind(address: string): void {
    this.unbindable.delete(address);
  }

  /**
   * Datagrams to `address` wait in its socket buffer, undelivered, until release(address): the
   * receiving process is not running (frozen, stalled).
   */
  hold(address: string): void {
    if (!this.held.has(address)) this.held.set(address, []);
  }

  /** Delivers, in order, what hold(address) kept, and stops holding. */
  release(address: string): void {
    const queue = this.held.get(address) ?? [];
    this.held.delete(address);
    for (const deliver of queue) queueMicrotask(deliver);
  }

  /** Starts keeping a copy of every datagram sent (for replay tests). */
  record(): void {
    this.recording = true;
  }

  /** Delivers `bytes` to `to` as if sent from `from`, regardless of partitions. */
  inject(to: UdpEndpoint, bytes: Uint8Array, from: UdpEndpoint): void {
    const target = this.sockets.get(keyOf(to));
    if (!target) return;
    const copy = bytes.slice();
    this.deliver(to.address, () => {
      if (!target.closed) target.onDatagram(copy, { ...from });
    });
  }

  /** Sockets currently bound. */
  get boundCount(): number {
    return this.sockets.size;
  }

  private deliver(address: string, delivery: () => void): void {
    const queue = this.held.get(address);
    if (queue) queue.push(delivery);
    else queueMicrotask(delivery);
  }

  private async open(
    binding: UdpBinding,
    onDatagram: DatagramHandler,
    _onError: UdpErrorHandler,
  ): Promise<UdpSocket> {
    const key = keyOf(binding);
    if (this.unbindable.has(binding.address)) {
      throw new UdpBindError(
        `bind ${binding.address}:${binding.port}: address not available (LAN ${binding.lan})`,
      );
    }
    if (this.sockets.has(key))
      throw new UdpBindError(`bind ${binding.address}:${binding.port}: address in use`);
    const bound: Bound = { binding, onDatagram, closed: false };
    this.sockets.set(key, bound);
    const local = { address: binding.address, port: binding.port };
    return {
      local,
      send: (bytes, to) => {
        if (bound.closed) return;
        if (this.recording)
          this.sent.push({ lan: binding.lan, from: local, to: { ...to }, bytes: bytes.slice() });
        if (this.cut.has(binding.lan) || this.isolated.has(local.address) || this.isolated.has(to.address))
          return;
        const target = this.sockets.get(keyOf(to));
        if (!target) return;
        const copy = bytes.slice();
        this.deliver(to.address, () => {
          if (!target.closed) target.onDatagram(copy, local);
        });
      },
      close: async () => {
        if (bound.closed) return;
        bound.closed = true;
        if (this.sockets.get(key) === bound) this.sockets.delete(key);
      },
    };
  }
}
