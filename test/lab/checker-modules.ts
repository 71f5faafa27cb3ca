// The sample mirror module with checkers (issue 12): the sample's userconfig.xml with the given
// elements added to its <service>, and failover rules evaluated fast enough for a lab test.
import { sampleUserconfig } from './keel-cluster';

/** A rule evaluation every 200 ms, acting on a decision held for 600 ms. */
export const FAST_RULES = '<failover period="200ms" handle_time="600ms"/>';

export function withCheckers(elements: string, macros: Readonly<Record<string, string>> = {}): string {
  return sampleUserconfig(macros).replace('</service>', `${elements}\n    ${FAST_RULES}\n  </service>`);
}

/** The lab's witness / external host: client1 on the first LAN (KeelClusterOptions.clients). */
export const CLIENT1 = '198.18.0.101';

/**
 * A light module with a custom checker on an external dependency (the sample's flagcheck, before
 * the application, action wait), and the flag file that makes it say down.
 */
export const LIGHT_WITH_FLAGCHECK = `<safe><service mode="light"><user/>
  <check><custom ident="dep" when="pre" exec="flagcheck" arg="1" action="wait"/></check>
  ${FAST_RULES}
</service></safe>`;
export const DEP_FLAG = '/var/lib/keel/modules/mirror-demo/flag.custom.dep';
