import { duration, yesNo } from '../values/attr';
import { FailoverSettings, RuleSection } from '../model/module';
import { element } from './element';
import { camel } from './camel';

const LUA_MARK = /^\s*--Lua Rules/;

export const failover = element('failover', {
  attrs: {
    extends: yesNo().default('yes'),
    period: duration('ms').default('5000ms'),
    handle_time: duration('ms').default('15000ms'),
  },
  text: true,
  build: (a, _c, ctx): FailoverSettings => ({
    ...camel(a),
    // One CDATA section per language; a section whose first line is `--Lua Rules` is Lua.
    sections: ctx.texts.map((source, i): RuleSection => ({
      language: LUA_MARK.test(source) ? 'lua' : 'legacy',
      source,
      ...ctx.textStarts[i],
    })),
    loc: ctx.location,
  }),
});
