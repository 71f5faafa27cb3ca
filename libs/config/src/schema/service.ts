import { duration, identifier, int, nonEmpty, oneOf, onOff, text } from '../values/attr';
import { BootSetting, Checkers, FailoverSettings, ModuleConfig, ModuleMode } from '../model/module';
import { BuildContext } from './element';
import { element, ElementSpec, optional, one, many } from './element';
import { farm, heart } from './heart';
import { vip } from './vip';
import { rfs } from './rfs';
import { errd, user, vhost } from './scripts';
import { check } from './check';
import { failover } from './failover';

export const MODES = ['mirror', 'farm', 'light'] as const;

const serviceAttrs = {
  mode: oneOf(MODES).required(),
  boot: oneOf(['on', 'off', 'auto', 'ignore']).default('ignore'),
  boot_delay: duration('s').default('0s'),
  maxloop: int(0).default('3'),
  loop_interval: duration('h').default('24h'),
  automatic_reboot: onOff().default('off'),
};

const mirrorAttrs = {
  ...serviceAttrs,
  failover: onOff().default('on'),
  defaultprim: nonEmpty().default('alone'),
};

/** `<service>` as read, before the loader fills in mode-dependent defaults. */
export type ServiceDraft = Pick<
  ModuleConfig,
  'heart' | 'farm' | 'vip' | 'rfs' | 'user' | 'vhost' | 'errd'
> & {
  readonly attrs: {
    readonly boot: BootSetting;
    readonly boot_delay: number;
    readonly maxloop: number;
    readonly loop_interval: number;
    readonly automatic_reboot: boolean;
    readonly failover: boolean;
    readonly defaultprim: string;
  };
  readonly check: Checkers | undefined;
  readonly failover: FailoverSettings | undefined;
  readonly ctx: BuildContext;
};

const common = (mode: ModuleMode) => ({
  user: optional(user),
  vhost: optional(vhost),
  errd: optional(errd),
  check: optional(check(mode)),
  failover: optional(failover),
});

/** The allowed children of `<service>` depend on its mode (reference §5.0). */
export function service(mode: ModuleMode): ElementSpec<ServiceDraft> {
  const scope = `in a ${mode} module`;
  if (mode === 'mirror') {
    return element('service', {
      attrs: mirrorAttrs,
      scope,
      children: { heart: one(heart), rfs: optional(rfs), vip: optional(vip('mirror')), ...common(mode) },
      build: (a, c, ctx): ServiceDraft => ({ attrs: a, ...c, farm: undefined, ctx }),
    });
  }
  if (mode === 'farm') {
    return element('service', {
      attrs: serviceAttrs,
      scope,
      children: { farm: one(farm), vip: optional(vip('farm')), ...common(mode) },
      build: (a, c, ctx): ServiceDraft => ({
        attrs: { ...a, failover: true, defaultprim: 'alone' },
        ...c,
        heart: undefined,
        rfs: undefined,
        ctx,
      }),
    });
  }
  return element('service', {
    attrs: serviceAttrs,
    scope,
    children: common(mode),
    build: (a, c, ctx): ServiceDraft => ({
      attrs: { ...a, failover: true, defaultprim: 'alone' },
      ...c,
      heart: undefined,
      farm: undefined,
      vip: undefined,
      rfs: undefined,
      ctx,
    }),
  });
}

export const macro = element('macro', {
  attrs: { name: identifier().required(), value: text().required() },
  build: (a, _c, ctx) => ({ ...a, loc: ctx.location }),
});

/** `<safe>` as far as the generic reader goes: macros are read before expansion, `<service>` after. */
export const safeRoot = (mode: ModuleMode) =>
  element('safe', {
    attrs: {},
    children: { macro: many(macro), service: one(service(mode)) },
    build: (_a, c) => c,
  });
