// fast-check generators of valid heartbeat packets (within every wire limit).
import fc from 'fast-check';
import { encodedSize } from '../../src/wire/codec';
import { MAX_PACKET_BYTES, WIRE_READINESS, WIRE_STATES, type HeartbeatPacket } from '../../src/wire/packet';

const chars = (alphabet: string, min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet.split('')), minLength: min, maxLength: max });

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const moduleName = chars(`${ALNUM}_-`, 1, 64);
const clusterName = fc
  .tuple(chars(`${ALNUM}_`, 1, 1), chars(`${ALNUM}_.-`, 0, 40))
  .map(([first, rest]) => first + rest);
const resourceName = chars(`${ALNUM}_.-`, 1, 40);
const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 40,
});
const u53 = fc.maxSafeNat();

export function arbitraryPacket(): fc.Arbitrary<HeartbeatPacket> {
  return fc
    .record({
      module: moduleName,
      sender: clusterName,
      lan: clusterName,
      incarnation: u53,
      sequence: u53,
      echo: u53,
      state: fc.constantFrom(...WIRE_STATES),
      readiness: fc.constantFrom(...WIRE_READINESS),
      entries: fc.uniqueArray(fc.tuple(resourceName, printable), {
        maxLength: 20,
        selector: ([name]) => name,
      }),
    })
    .map(({ entries, ...rest }) => {
      // Keep the packet within the size limit by dropping resources from the end.
      const resources = new Map<string, string>();
      const packet = { ...rest, resources };
      for (const [name, value] of entries) {
        resources.set(name, value);
        if (encodedSize(packet) > MAX_PACKET_BYTES) {
          resources.delete(name);
          break;
        }
      }
      return packet;
    });
}
