// Properties of the parsers: whatever the text, they return rules or throw RuleParseError; and
// printing any rule tree then parsing it gives the same tree back.
import fc from 'fast-check';
import {
  Condition,
  Consequence,
  Operand,
  RESOURCE_STATES,
  RULE_ACTIONS,
  ResourceRef,
  Rule,
  RuleParseError,
  composeRules,
  isWildcard,
  parseLegacyRules,
  parseLuaRules,
  printRules,
} from '../../src';

function parsesOrFailsCleanly(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch (err) {
    if (err instanceof RuleParseError) return true;
    throw err;
  }
}

const LEGACY_WORDS = [
  'a:',
  'b.c-1:',
  'if',
  '(',
  ')',
  'then',
  'stop()',
  'wait();',
  'tcp.a',
  'ip.?',
  'heartbeat.*',
  'remote.x.y',
  'local.',
  '==',
  '!=',
  '&&',
  '||',
  '!',
  'down',
  'up',
  ';',
  '/*',
  '*/',
  'cluster()',
  '=',
  'rfs.u=up',
  '#',
  '&',
  '|',
  '\n',
  '"',
];
const LUA_WORDS = [
  '--Lua Rules\n',
  'Rules',
  '=',
  '+',
  '{',
  '}',
  '(',
  ')',
  ',',
  ';',
  '.',
  'disable',
  'if_then',
  '"tcp.a"',
  '"down"',
  'Action',
  'stop',
  '_group',
  '"x"',
  '[',
  ']',
  '--',
  '--[[',
  ']]',
  "'",
  '\n',
  'local',
];

const soup = (words: string[]) =>
  fc
    .array(fc.tuple(fc.constantFrom(...words), fc.constantFrom('', ' ', '\n')), { maxLength: 40 })
    .map((parts) => parts.map(([w, sep]) => w + sep).join(''));

describe('the parsers never throw anything but RuleParseError', () => {
  it.each([
    ['legacy, random text', () => fc.string({ maxLength: 200 }), (t: string) => parseLegacyRules(t)],
    ['legacy, token soup', () => soup(LEGACY_WORDS), (t: string) => parseLegacyRules(t)],
    [
      'lua, random text',
      () => fc.string({ maxLength: 200 }).map((s) => `--Lua Rules\n${s}`),
      (t: string) => parseLuaRules(t),
    ],
    ['lua, token soup', () => soup(LUA_WORDS), (t: string) => parseLuaRules(t)],
    [
      'composition of two sections',
      () => fc.tuple(soup(LEGACY_WORDS), soup(LUA_WORDS)).map(([a, b]) => `${a}\u0000${b}`),
      (t: string) => composeRules(t.split('\u0000').map((source) => ({ source }))),
    ],
  ])('%s', (_name, text, parse) => {
    fc.assert(fc.property(text(), (t) => parsesOrFailsCleanly(() => parse(t))));
  });
});

type RuleTree = Omit<Rule, 'origin'>;

const label = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,8}$/);
const cls = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,6}$/).filter((c) => c !== 'local' && c !== 'remote');
const name = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,10}$/);
const scope = fc.constantFrom('local' as const, 'remote' as const);
const concrete: fc.Arbitrary<ResourceRef> = fc.record({
  kind: fc.constant('resource' as const),
  scope,
  cls,
  id: name,
});
const wildcard: fc.Arbitrary<ResourceRef> = fc.record({
  kind: fc.constant('resource' as const),
  scope,
  cls,
  id: fc.constantFrom('*', '?'),
});
const state = fc.constantFrom(...RESOURCE_STATES);
const operand: fc.Arbitrary<Operand> = fc.oneof(
  concrete,
  wildcard,
  state.map((s) => ({ kind: 'state' as const, state: s })),
  fc.constant({ kind: 'cluster' as const }),
);
const comparison: fc.Arbitrary<Condition> = fc
  .record({
    kind: fc.constant('compare' as const),
    op: fc.constantFrom('==' as const, '!=' as const),
    left: operand,
    right: operand,
  })
  .filter(
    (c) =>
      !(
        c.left.kind === 'resource' &&
        c.right.kind === 'resource' &&
        isWildcard(c.left) &&
        isWildcard(c.right)
      ),
  );

const { condition } = fc.letrec<{ condition: Condition }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    comparison,
    tie('condition').map((operand): Condition => ({ kind: 'not', operand })),
    fc.record({
      kind: fc.constantFrom('and' as const, 'or' as const),
      left: tie('condition'),
      right: tie('condition'),
    }),
  ),
}));

const consequence: fc.Arbitrary<Consequence> = fc.oneof(
  fc.constantFrom(...RULE_ACTIONS).map((action) => ({ kind: 'action' as const, action })),
  fc.record({
    kind: fc.constant('assign' as const),
    target: concrete.map((r) => ({ ...r, scope: 'local' as const })),
    value: state,
  }),
);

const rules: fc.Arbitrary<RuleTree[]> = fc.uniqueArray(fc.record({ label, condition, then: consequence }), {
  selector: (r) => r.label,
  maxLength: 5,
});

const trees = (parsed: readonly Rule[]): RuleTree[] => parsed.map(({ origin: _origin, ...tree }) => tree);

describe('printing round-trips', () => {
  it('parseLegacyRules(printRules(rules)) gives the rules back', () => {
    fc.assert(fc.property(rules, (rs) => expect(trees(parseLegacyRules(printRules(rs)))).toEqual(rs)));
  });

  it('a Lua if_then rule is the legacy rule it prints as', () => {
    const simple = fc.record({
      label: label.filter((l) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(l)),
      ref: fc.oneof(concrete, wildcard),
      state,
      action: fc.constantFrom(...RULE_ACTIONS),
    });
    fc.assert(
      fc.property(simple, ({ label: l, ref, state: s, action }) => {
        const res = `${ref.scope === 'remote' ? 'remote.' : ''}${ref.cls}.${ref.id}`;
        const lua = parseLuaRules(
          `--Lua Rules\nRules = Rules + { ${l}=if_then("${res}","${s}",Action.${action}), _group="g" }`,
        ).rules;
        expect(trees(parseLegacyRules(printRules(lua)))).toEqual(trees(lua));
        expect(trees(lua)).toEqual(trees(parseLegacyRules(`${l}: if (${res} == ${s}) then ${action}();`)));
      }),
    );
  });
});
