// With HTTPS on, the HTTP port keeps the health probes (load balancers read them over HTTP,
// safekit-ops §16) and sends everything else to the same host on the HTTPS port (§10.9: "when
// HTTPS is configured, the HTTP port redirects to HTTPS"). Pure.

/** A Host header's host without its port: a name, an IPv4 address or a bracketed IPv6 one. */
const HOST = /^(\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,253})(?::\d{1,5})?$/;

/** Where to send this request on HTTPS; undefined when the Host header is missing or malformed. */
export function httpsLocation(
  hostHeader: string | undefined,
  httpsPort: number,
  url: string,
): string | undefined {
  const m = HOST.exec(hostHeader ?? '');
  if (!m || !url.startsWith('/')) return undefined;
  return `https://${m[1]}${httpsPort === 443 ? '' : `:${httpsPort}`}${url}`;
}
