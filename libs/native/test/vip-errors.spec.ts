// Virtual IP failures must surface as VipNativeError with the core's stable code, because admin
// branches on `code` (EXISTS: the address is here already; PERMISSION: keel is not root). The
// real addon is called only with input it refuses before touching the node's network.
import { types } from 'node:util';
import * as loader from '../src/addon-loader';
import {
  addAddress,
  announce,
  announceAs,
  conflict,
  holdUnicast,
  keelAddresses,
  removeAddress,
  startResponder,
  VipNativeError,
  type VipErrorCode,
} from '../src';

function codeOf(run: () => unknown): VipErrorCode {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(VipNativeError);
    expect((err as Error).name).toBe('VipNativeError');
    return (err as VipNativeError).code;
  }
  throw new Error('expected the call to throw');
}

async function rejectionCodeOf(run: () => Promise<unknown>): Promise<VipErrorCode> {
  const err: unknown = await run().then(
    () => {
      throw new Error('expected the call to reject');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VipNativeError);
  return (err as VipNativeError).code;
}

describe('virtual IP errors from the addon', () => {
  it('maps an unknown interface to NO_INTERFACE and names it', () => {
    const run = () => addAddress('keel-none0', '198.18.0.1', 24);
    expect(codeOf(run)).toBe('NO_INTERFACE');
    expect(run).toThrow(/"keel-none0"/);
    expect(codeOf(() => removeAddress('keel-none0', '198.18.0.1', 24))).toBe('NO_INTERFACE');
    expect(codeOf(() => announce('keel-none0', '198.18.0.1'))).toBe('NO_INTERFACE');
  });

  it('maps what is no address or prefix to BAD_ADDRESS', () => {
    expect(codeOf(() => addAddress('lo', 'not-an-address', 24))).toBe('BAD_ADDRESS');
    expect(codeOf(() => addAddress('lo', '224.0.0.1', 32))).toBe('BAD_ADDRESS');
    expect(codeOf(() => removeAddress('lo', '198.18.0.1', 24.5))).toBe('BAD_ADDRESS');
    expect(codeOf(() => removeAddress('lo', '198.18.0.1', 33))).toBe('BAD_ADDRESS');
  });

  it('refuses a farm responder or announcement that names no interface, address or station MAC', () => {
    const vmac = '02:4b:56:00:00:09';
    expect(codeOf(() => startResponder('keel-none0', ['198.18.0.1'], vmac))).toBe('NO_INTERFACE');
    expect(codeOf(() => startResponder('lo', ['198.18.0.1', 'nope'], vmac))).toBe('BAD_ADDRESS');
    expect(codeOf(() => startResponder('lo', ['ff02::1'], vmac))).toBe('BAD_ADDRESS');
    expect(codeOf(() => startResponder('lo', ['198.18.0.1'], '02:4b:56'))).toBe('BAD_ADDRESS');
    expect(() => startResponder('lo', ['198.18.0.1'], 'ff:ff:ff:ff:ff:ff')).toThrow(/group/);
    expect(codeOf(() => announceAs('keel-none0', '198.18.0.1', vmac))).toBe('NO_INTERFACE');
    expect(codeOf(() => announceAs('lo', '198.18.0.1', '00:00:00:00:00:00'))).toBe('BAD_ADDRESS');
  });

  it('refuses to hold a MAC that is no station MAC, or on no interface', () => {
    expect(codeOf(() => holdUnicast('keel-none0', '02:4b:56:00:00:09'))).toBe('NO_INTERFACE');
    expect(codeOf(() => holdUnicast('lo', '02:4b:56'))).toBe('BAD_ADDRESS');
    expect(codeOf(() => holdUnicast('lo', '00:00:00:00:00:00'))).toBe('BAD_ADDRESS');
    expect(() => holdUnicast('lo', '01:00:5e:00:00:01')).toThrow(/group/);
  });

  it('rejects a probe, never throws, with the same codes', async () => {
    await expect(rejectionCodeOf(() => conflict('keel-none0', '198.18.0.1', 10))).resolves.toBe(
      'NO_INTERFACE',
    );
    await expect(rejectionCodeOf(() => conflict('lo', '2001:2::/64', 10))).resolves.toBe('BAD_ADDRESS');
  });

  it('keeps the native error, and its code, as the cause', () => {
    try {
      addAddress('keel-none0', '198.18.0.1', 24);
    } catch (err) {
      expect(types.isNativeError((err as Error).cause)).toBe(true);
      expect((err as { cause: { code: string } }).cause.code).toBe('NO_INTERFACE');
      return;
    }
    throw new Error('expected the call to throw');
  });

  it("lets a timeout that is no number of milliseconds through as the caller's bug, with its code", async () => {
    const err: unknown = await conflict('lo', '198.18.0.1', -1).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(types.isNativeError(err)).toBe(true);
    expect(err).not.toBeInstanceOf(VipNativeError);
    expect((err as { code: string }).code).toBe('BAD_TIMEOUT');
  });

  it('lets errors that are no virtual IP failure (wrong JS types) through unchanged', () => {
    const notAString = 42 as unknown as string;
    try {
      addAddress(notAString, '198.18.0.1', 24);
    } catch (err) {
      expect(types.isNativeError(err)).toBe(true);
      expect(err).not.toBeInstanceOf(VipNativeError);
      return;
    }
    throw new Error('expected the call to throw');
  });
});

describe('virtual IP facade over a stand-in addon', () => {
  afterEach(() => jest.restoreAllMocks());

  function standIn(addon: Partial<loader.NativeAddon>): void {
    jest.spyOn(loader, 'loadAddon').mockReturnValue(addon as loader.NativeAddon);
  }

  it.each(['EXISTS', 'NO_INTERFACE', 'PERMISSION', 'BAD_ADDRESS', 'IO'] as const)('maps code %s', (code) => {
    standIn({
      vipAddAddress: () => {
        throw Object.assign(new Error('198.18.0.1/24 is already on eth0'), { code });
      },
    });
    const run = () => addAddress('eth0', '198.18.0.1', 24);
    expect(codeOf(run)).toBe(code);
    expect(run).toThrow('198.18.0.1/24 is already on eth0');
  });

  it('leaves a code it does not know alone', () => {
    const odd = Object.assign(new Error('odd'), { code: 'SOMETHING_ELSE' });
    standIn({
      vipAnnounce: () => {
        throw odd;
      },
    });
    expect(() => announce('eth0', '198.18.0.1')).toThrow(odd);
  });

  it("lists every address of the node, telling keel's", () => {
    const node = [
      { ifindex: 2, ifname: 'eth0', addr: '198.18.0.2', prefix: 24, keel: false },
      { ifindex: 2, ifname: 'eth0', addr: '198.18.0.10', prefix: 24, keel: true },
      { ifindex: 3, ifname: 'eth1', addr: '2001:2::10', prefix: 64, keel: true },
    ];
    standIn({ vipAddresses: () => node });
    expect(keelAddresses()).toEqual(node);
  });

  it("hands the responder's stop and count through, and maps its refusals", () => {
    const stop = jest.fn();
    standIn({ vipResponderStart: () => ({ stop, answered: () => 3 }) });
    const r = startResponder('eth0', ['198.18.0.10'], '02:4b:56:00:00:09');
    expect(r.answered()).toBe(3);
    r.stop();
    expect(stop).toHaveBeenCalledTimes(1);
    standIn({
      vipResponderStart: () => {
        throw Object.assign(new Error('no'), { code: 'PERMISSION' });
      },
    });
    expect(codeOf(() => startResponder('eth0', ['198.18.0.10'], '02:4b:56:00:00:09'))).toBe('PERMISSION');
  });

  it("hands the hold's release and kind through, and maps its refusals", () => {
    const release = jest.fn();
    standIn({ vipHoldUnicast: () => ({ release, kind: () => 'promiscuous' }) });
    const held = holdUnicast('eth0', '02:4b:56:00:00:09');
    expect(held.kind).toBe('promiscuous');
    held.release();
    expect(release).toHaveBeenCalledTimes(1);
    standIn({
      vipHoldUnicast: () => {
        throw Object.assign(new Error('no'), { code: 'IO' });
      },
    });
    expect(codeOf(() => holdUnicast('eth0', '02:4b:56:00:00:09'))).toBe('IO');
  });

  it("passes the probe's answer through", async () => {
    standIn({ vipConflict: () => Promise.resolve('02:4b:00:00:00:02') });
    await expect(conflict('eth0', '198.18.0.10', 100)).resolves.toBe('02:4b:00:00:00:02');
  });
});
