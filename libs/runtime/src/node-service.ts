// The start of a node service that reads its settings before Nest starts (heartbeat, rfs): the
// settings name this node, and a service that cannot read them does not start at all.
import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { bootstrapService } from './bootstrap';

type Env = Readonly<Record<string, string | undefined>>;

export interface NodeServiceStart<S extends { readonly node: string }> {
  /** The service name; its program, named in a start-up error, is keel-<service>. */
  readonly service: string;
  /** Reads the settings from the environment and the files; throws when the service cannot start. */
  readonly settings: (env: Env) => S;
  /** Whether an error `settings` throws is a configuration problem (else a bug). */
  readonly isConfigError: (err: unknown) => boolean;
  readonly module: (settings: S) => DynamicModule;
  /** Defaults to process.env. */
  readonly env?: Env;
}

/**
 * Reads the settings, then starts the service with bootstrapService. Settings that cannot be read
 * are said on stderr (`keel-<service>: <message>`) and the process exits with 78 (EX_CONFIG) for a
 * configuration problem, 70 (EX_SOFTWARE) otherwise; a failed start exits with 1. Resolves to the
 * running application, or undefined when it did not start.
 */
export async function startNodeService<S extends { readonly node: string }>(
  options: NodeServiceStart<S>,
): Promise<INestApplicationContext | undefined> {
  const env = options.env ?? process.env;
  let settings: S;
  try {
    settings = options.settings(env);
  } catch (err) {
    process.stderr.write(`keel-${options.service}: ${(err as Error).message}\n`);
    process.exitCode = options.isConfigError(err) ? 78 : 70;
    return undefined;
  }
  return bootstrapService({
    service: options.service,
    module: options.module(settings),
    // Log lines and metrics carry the cluster.xml node name, however it was found.
    node: settings.node,
  }).catch(() => {
    process.exitCode = 1;
    return undefined;
  });
}
