// The optional fields added for the heartbeat service (stateChange.advertised, PeerView
// resources/incarnation, LanStatus ident): old messages still decode, new ones are bounded.
import { BusDecodeError, codecs, MAX_RESOURCE_MAP_ENTRIES, type Envelope } from '../src';
import { examples } from './fixtures/envelopes';

const text = new TextEncoder();
const bytesOf = (value: unknown) => text.encode(JSON.stringify(value));

function withoutNewFields(): { state: Envelope<unknown>; view: Envelope<unknown> } {
  const { advertised: _a, ...statePayload } = examples.stateChange.payload;
  const peers = examples.heartbeatView.payload.peers.map(
    ({ resources: _r, incarnation: _i, lans, ...peer }) => ({
      ...peer,
      lans: lans.map(({ ident: _id, ...lan }) => lan),
    }),
  );
  return {
    state: { ...examples.stateChange, payload: statePayload },
    view: { ...examples.heartbeatView, payload: { ...examples.heartbeatView.payload, peers } },
  };
}

const manyResources = (n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`custom.r${i}`, 'up']));

describe('messages written before the heartbeat fields', () => {
  it('still decode, with the new fields absent', () => {
    const { state, view } = withoutNewFields();
    const decodedState = codecs.stateChange.decode(bytesOf(state));
    expect(decodedState.payload.advertised).toBeUndefined();
    const decodedView = codecs.heartbeatView.decode(bytesOf(view));
    expect(decodedView.payload.peers[0].resources).toBeUndefined();
    expect(decodedView.payload.peers[0].incarnation).toBeUndefined();
    expect(decodedView.payload.peers[0].lans[0].ident).toBeUndefined();
  });
});

describe('stateChange.advertised', () => {
  it(`accepts up to ${MAX_RESOURCE_MAP_ENTRIES} entries and refuses more`, () => {
    const at = (n: number) => ({
      ...examples.stateChange,
      payload: { ...examples.stateChange.payload, advertised: manyResources(n) },
    });
    expect(codecs.stateChange.decode(bytesOf(at(MAX_RESOURCE_MAP_ENTRIES))).payload.advertised).toEqual(
      manyResources(MAX_RESOURCE_MAP_ENTRIES),
    );
    expect(() => codecs.stateChange.decode(bytesOf(at(MAX_RESOURCE_MAP_ENTRIES + 1)))).toThrow(
      BusDecodeError,
    );
  });

  it.each([
    ['a bad resource name', { 'bad name': 'up' }],
    ['a non-printable value', { 'rfs.uptodate': 'a\u0001' }],
    ['an empty value', { 'rfs.uptodate': '' }],
  ])('refuses %s', (_what, advertised) => {
    const msg = { ...examples.stateChange, payload: { ...examples.stateChange.payload, advertised } };
    expect(() => codecs.stateChange.decode(bytesOf(msg))).toThrow(BusDecodeError);
  });
});

describe('heartbeatView peer fields', () => {
  const peer = examples.heartbeatView.payload.peers[0];
  const viewWith = (patch: Record<string, unknown>) => ({
    ...examples.heartbeatView,
    payload: { ...examples.heartbeatView.payload, peers: [{ ...peer, ...patch }] },
  });

  it.each([
    ['a negative incarnation', { incarnation: -1 }],
    ['a fractional incarnation', { incarnation: 1.5 }],
    ['an unsafe incarnation', { incarnation: 2 ** 60 }],
    ['too many resources', { resources: manyResources(MAX_RESOURCE_MAP_ENTRIES + 1) }],
    [
      'an ident too long for heartbeat.<ident>',
      { lans: [{ name: 'lan1', status: 'up', ident: 'x'.repeat(119) }] },
    ],
    ['an ident with a space', { lans: [{ name: 'lan1', status: 'up', ident: 'a b' }] }],
  ])('refuses %s', (_what, patch) => {
    expect(() => codecs.heartbeatView.decode(bytesOf(viewWith(patch)))).toThrow(BusDecodeError);
  });
});
