// The client URLs of a consensus store, as cluster.xml's `<arbiter endpoints>` lists them
// (docs/decisions/0019): plain `http://host:port`, nothing more. keel talks to etcd's JSON gateway
// with these URLs as they are, so anything a URL may carry besides (a path, credentials, a query)
// would be sent somewhere nobody checked.
import { z } from 'zod';
import { AttrType, type ReadResult } from './attr';

const ENDPOINT = /^http:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
const host = z.union([z.ipv4(), z.hostname().refine((s) => !/^[\d.]+$/.test(s))]);
const ipv6 = z.ipv6();

/** Why `url` is not an endpoint keel accepts, or undefined when it is one. */
export function endpointProblem(url: string): string | undefined {
  const m = ENDPOINT.exec(url);
  if (!m) return 'expected http://host:port, e.g. http://198.18.2.101:2379';
  const [, name = '', portText = ''] = m;
  const port = Number(portText);
  if (port < 1 || port > 65535) return `port ${portText} is not from 1 to 65535`;
  const valid = name.startsWith('[')
    ? ipv6.safeParse(name.slice(1, -1)).success
    : host.safeParse(name).success;
  return valid ? undefined : `'${name}' is not an IPv4 address, an IPv6 address in brackets or a host name`;
}

/** One or more endpoints separated by blanks, each once. */
export const endpointList = () =>
  new AttrType<string[]>(
    'etcd client URLs http://host:port separated by spaces',
    (raw, attribute): ReadResult<string[]> => {
      const urls = raw.trim().split(/\s+/).filter(Boolean);
      if (urls.length === 0)
        return { ok: false, message: `the attribute ${attribute} needs at least one http://host:port` };
      for (const url of urls) {
        const problem = endpointProblem(url);
        if (problem)
          return {
            ok: false,
            message: `invalid endpoint '${url}' in the attribute ${attribute}: ${problem}`,
          };
      }
      const twice = urls.find((u, i) => urls.indexOf(u) !== i);
      if (twice !== undefined)
        return { ok: false, message: `endpoint '${twice}' is listed twice in the attribute ${attribute}` };
      return { ok: true, value: urls };
    },
  );
