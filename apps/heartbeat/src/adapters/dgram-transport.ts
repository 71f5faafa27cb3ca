// The real UDP transport: one node:dgram socket per binding, bound to the node's address on
// the LAN (never the wildcard), so each LAN's heartbeats arrive on that LAN's socket only.
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type {
  DatagramHandler,
  UdpBinding,
  UdpEndpoint,
  UdpErrorHandler,
  UdpSocket,
  UdpTransport,
} from '../ports/udp.port';

export class DgramTransport implements UdpTransport {
  async open(binding: UdpBinding, onDatagram: DatagramHandler, onError: UdpErrorHandler): Promise<UdpSocket> {
    // cluster.xml may name hosts; they are resolved once, when the socket is bound.
    const address = isIP(binding.address) ? binding.address : (await lookup(binding.address)).address;
    const family = isIP(address) === 6 ? 'udp6' : 'udp4';
    const socket = createSocket({ type: family, reuseAddr: false });
    await bind(socket, address, binding.port, binding.lan);
    socket.on('error', onError);
    socket.on('message', (msg, rinfo) => {
      onDatagram(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), {
        address: rinfo.address,
        port: rinfo.port,
      });
    });
    let closing: Promise<void> | undefined;
    const local = { address, port: binding.port };
    return {
      local,
      send(bytes: Uint8Array, to: UdpEndpoint) {
        if (closing) return;
        try {
          // A host name is resolved by dgram on each send (dns.lookup); cluster.xml should use addresses.
          socket.send(bytes, to.port, to.address, (err) => {
            if (err) onError(err);
          });
        } catch (err) {
          onError(err as Error);
        }
      },
      close() {
        closing ??= new Promise<void>((resolve) => {
          try {
            socket.close(() => resolve());
          } catch {
            resolve(); // already closed
          }
        });
        return closing;
      },
    };
  }
}

function bind(socket: Socket, address: string, port: number, lan: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => {
      socket.close();
      reject(new Error(`cannot bind UDP ${address}:${port} for LAN ${lan}: ${err.message}`, { cause: err }));
    };
    socket.once('error', fail);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off('error', fail);
      resolve();
    });
  });
}
