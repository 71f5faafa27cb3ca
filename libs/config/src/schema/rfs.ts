import {
  absolutePath,
  duration,
  int,
  nonEmpty,
  oneOf,
  onOff,
  notreplicatedRegex,
  relativePath,
  text,
} from '../values/attr';
import { Replicated, Rfs } from '../model/module';
import { element, many, optional } from './element';
import { camel } from './camel';
import { flow } from './heart';

const tocheck = element('tocheck', {
  attrs: { path: relativePath().required() },
  build: (a) => a.path,
});

const notreplicated = element('notreplicated', {
  attrs: { path: relativePath().optional(), regexpath: notreplicatedRegex().optional() },
  build: (a, _c, ctx) => ({ path: a.path, regexpath: a.regexpath, loc: ctx.location }),
});

const replicated = element('replicated', {
  attrs: { dir: absolutePath().required(), mode: oneOf(['read_only']).optional() },
  children: { tocheck: many(tocheck), notreplicated: many(notreplicated) },
  build: (a, c, ctx): Replicated => ({
    dir: a.dir,
    readOnly: a.mode === 'read_only',
    tocheck: c.tocheck,
    notreplicated: c.notreplicated,
    loc: ctx.location,
  }),
});

const DEFAULT_PACKET = '8388608';
/** keel-rfsd's zone when neither ruzone_blocksize nor reipacketsize is set (native keel-zones). */
const DEFAULT_ZONE_BYTES = 4096;

export const rfs = element('rfs', {
  attrs: {
    acl: onOff().default('off'),
    async: oneOf(['second', 'none']).default('second'),
    iotimeout: duration('s').default('300s'),
    roflags: oneOf(['0x10', '0x10000']).default('0x10'),
    locktimeout: duration('s').default('100s'),
    sendtimeout: duration('s').default('30s'),
    nbrei: int(1, 64).default('6'),
    reipacketsize: int(4096).optional(),
    ruzone_blocksize: int(4096).optional(),
    packetsize: int(4096).optional(),
    namespacepolicy: oneOf(['0', '1', '3', '4']).default('4'),
    reitimeout: duration('s').default('150s'),
    reicommit: int(0).default('0'),
    reidetail: onOff().default('off'),
    allocthreshold: int(0).default('0'),
    nbremconn: int(1, 64).default('1'),
    checktime: duration('ms').default('220000ms'),
    checkintv: duration('s').default('120s'),
    nfsbox_options: oneOf(['cross', 'nocross']).default('cross'),
    scripts: onOff().default('off'),
    reiallowedbw: int(1).optional(),
    syncdelta: duration('m').default('0m'),
    syncat: nonEmpty().optional(),
    mountoversuffix: nonEmpty().default('_For_SafeKit_Replication'),
    // In the 8.2 template but undocumented: accepted for compatibility and ignored.
    mountover: text().optional(),
  },
  children: { flow: optional(flow), replicated: many(replicated, 1) },
  build: (a, c, ctx): Rfs => {
    // reipacketsize defaults to packetsize when that is set and smaller; the zone size to reipacketsize.
    const reipacketsize =
      a.reipacketsize ??
      (a.packetsize !== undefined ? Math.min(a.packetsize, Number(DEFAULT_PACKET)) : Number(DEFAULT_PACKET));
    return {
      ...camel(a),
      reipacketsize,
      // keel's zones are ranges: a page when nothing sets them (docs/decisions/0009, "Zone bitmaps").
      ruzoneBlocksize: a.ruzone_blocksize ?? a.reipacketsize ?? DEFAULT_ZONE_BYTES,
      namespacepolicy: Number(a.namespacepolicy) as Rfs['namespacepolicy'],
      flow: c.flow,
      replicated: c.replicated,
      loc: ctx.location,
    };
  },
});
