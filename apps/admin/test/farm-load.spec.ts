// The farm lines of the module log and the share resource, as the guide shows them for a 2-node
// farm (reference §4.3, acceptance 35 and 36): both UP, then node2 stops.
import type { FarmViewMessage } from '@keel/bus';
import { FarmLoad } from '../src/modules/farm-load';

function build() {
  const lines: string[] = [];
  const resources: string[] = [];
  const sut = new FarmLoad({
    node: 'node1',
    write: (level, text) => lines.push(`${level} ${text}`),
    setResource: (name, value, by) => resources.push(`${name}=${value} by ${by}`),
  });
  return { sut, lines, resources };
}

const view = (members: string[], owner: (bucket: number) => string | null): FarmViewMessage => ({
  module: 'farm',
  leader: members[0],
  epoch: members.length,
  members,
  groups: [{ name: 'FarmProto', owners: Array.from({ length: 256 }, (_, i) => owner(i)) }],
});

it('says the membership and the load of each group, once per change, and sets the share in percent', () => {
  const { sut, lines, resources } = build();
  const both = view(['node1', 'node2'], (i) => (i < 128 ? 'node1' : 'node2'));
  sut.view(both);
  sut.view(both);
  expect(lines).toEqual([
    'I farm membership: node1 node2 (group FarmProto_0)',
    'I farm load: 128/256 (group FarmProto_0)',
  ]);
  expect(resources.at(-1)).toBe('FarmProto_0=50% by farm');

  sut.view(view(['node1'], () => 'node1'));
  expect(lines.slice(2)).toEqual([
    'I farm membership: node1 (group FarmProto_0)',
    'I farm load: 256/256 (group FarmProto_0)',
  ]);
  expect(resources.at(-1)).toBe('FarmProto_0=100% by farm');
});

it('says nothing of a farm nobody served yet, and an empty membership once the last node left', () => {
  const { sut, lines, resources } = build();
  const nobody: FarmViewMessage = {
    module: 'farm',
    epoch: 0,
    members: [],
    groups: [{ name: 'web', owners: Array(256).fill(null) }],
  };
  sut.view(nobody);
  expect(lines).toEqual([]);
  expect(resources).toEqual([]);
  sut.view({
    ...view(['node1'], () => 'node1'),
    groups: [{ name: 'web', owners: Array(256).fill('node1') }],
  });
  sut.view(nobody);
  expect(lines.slice(2)).toEqual(['I farm membership: (group web_0)', 'I farm load: 0/256 (group web_0)']);
  expect(resources.at(-1)).toBe('web_0=0% by farm');
});
