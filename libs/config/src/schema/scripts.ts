import { duration, ere, identifier, int, nonEmpty, oneOf, text, yesNo } from '../values/attr';
import { Errd, ProcMonitor, UserScripts, VirtualHost } from '../model/module';
import { element, many, one } from './element';
import { camel } from './camel';

const variable = element('var', {
  attrs: { name: identifier().required(), value: text().required() },
  build: (a, _c, ctx) => ({ name: a.name, value: a.value, loc: ctx.location }),
});

export const user = element('user', {
  attrs: {
    nicestoptimeout: duration('s').default('300s'),
    forcestoptimeout: duration('s').default('300s'),
    logging: oneOf(['userlog', 'none']).default('userlog'),
    userlogsize: int(0).default('2048'),
  },
  children: { var: many(variable) },
  build: (a, c, ctx): UserScripts => ({ ...a, vars: c.var, loc: ctx.location }),
});

const virtualhostname = element('virtualhostname', {
  attrs: {
    name: nonEmpty().required(),
    envfile: nonEmpty().required(),
    when: oneOf(['prim', 'second', 'both']).default('prim'),
  },
  build: (a, _c, ctx): VirtualHost => ({ ...a, loc: ctx.location }),
});

export const vhost = element('vhost', {
  attrs: {},
  children: { virtualhostname: one(virtualhostname) },
  build: (_a, c) => c.virtualhostname,
});

const proc = element('proc', {
  attrs: {
    name: nonEmpty().required(),
    service: yesNo().default('no'),
    nameregex: ere().optional(),
    argregex: ere().optional(),
    atleast: int(-1).default('1'),
    atmax: int(-1).default('-1'),
    action: identifier().default('stopstart'),
    restart_services: nonEmpty().optional(),
    class: identifier().required(),
    start_after: int(0).default('0'),
  },
  build: (a, _c, ctx): ProcMonitor => ({ ...camel(a), loc: ctx.location }),
});

export const errd = element('errd', {
  attrs: { polltimer: duration('s').default('30s') },
  children: { proc: many(proc) },
  build: (a, c, ctx): Errd => ({ polltimer: a.polltimer, procs: c.proc, loc: ctx.location }),
});
