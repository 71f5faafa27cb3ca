// What the API does with a module of this node, one way for the REST controllers and the GraphQL
// resolvers alike: its state with resources, one resource, a page of its log, and every module
// command, each sent to admin as the keel command sends it (module-commands.ts, admin-requests.ts).
// Input is checked here, so both doors refuse the same things with the same words; `place` says
// how the caller's protocol names the input (`body.args[0]`, `query.count`, `args.count`).
import { ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { z } from 'zod';
import { LogPageReplySchema, type CommandName, type LogPageReply, type StateReport } from '@keel/bus';
import {
  listUserlogs,
  modulePaths,
  parseUserlogName,
  readUserlog,
  roleAllows,
  type UserlogEntry,
  type UserlogText,
} from '@keel/config';
import type { Principal } from '../auth/authenticator';
import { sendToAdmin } from './admin-requests';
import { API_COMMANDS, checkCommand, COMMAND_BODY, isApiCommand } from './module-commands';
import { installedModule } from './module-name';
import { badField, parseInput, type InputPlace } from './validate';
import { WEB_CONTEXT, type WebContext } from './web-context';

/** Who asks, from where: admin's module log names `<user>@<address>` (0021). */
export interface Caller {
  readonly principal: Principal;
  /** The client's address, from its socket. */
  readonly address: string;
}

export const LOG_QUERY = z
  .object({
    verbose: z.enum(['true', 'false']).default('false'),
    count: z.coerce.number().int().min(1).max(10_000).default(300),
    /** The `older` cursor of the previous page. */
    before: z
      .string()
      .regex(/^\d{1,19}:\d{1,19}$/, 'a cursor <seq>:<offset> from the older field of a page')
      .optional(),
  })
  .strict();

export const SCRIPT_LOG_QUERY = z
  .object({
    bytes: z.coerce
      .number()
      .int()
      .min(1)
      .max(1 << 20)
      .default(64 << 10),
  })
  .strict();

const RESOURCE = /^[A-Za-z0-9_.-]{1,128}$/;

/** Where each protocol puts the module's and resource's names and the command's arguments. */
export interface InputPlaces {
  /** `path` (REST) or `args` (GraphQL). */
  readonly names: InputPlace;
  /** `query` (REST) or `args` (GraphQL). */
  readonly query: InputPlace;
  /** `body` (REST) or `args` (GraphQL). */
  readonly body: InputPlace;
}

export const REST_PLACES: InputPlaces = { names: 'path', query: 'query', body: 'body' };

@Injectable()
export class ModuleService {
  constructor(@Inject(WEB_CONTEXT) private readonly web: WebContext) {}

  async state(caller: Caller, module: string, places: InputPlaces): Promise<StateReport> {
    return JSON.parse(await this.send(caller, module, places, 'state', [])) as StateReport;
  }

  async resource(
    caller: Caller,
    module: string,
    resource: string,
    places: InputPlaces,
  ): Promise<{ name: string; value: string }> {
    if (!RESOURCE.test(resource))
      throw badField(`${places.names}.resource`, `a resource name matches ${RESOURCE.source}`);
    return { name: resource, value: await this.send(caller, module, places, 'get', [resource]) };
  }

  async log(caller: Caller, module: string, query: unknown, places: InputPlaces): Promise<LogPageReply> {
    const q = parseInput(LOG_QUERY, query, places.query);
    const args = [
      ...(q.verbose === 'true' ? ['-v'] : []),
      '-s',
      String(q.count),
      ...(q.before ? ['-b', q.before] : []),
    ];
    const page = LogPageReplySchema.safeParse(
      JSON.parse(await this.send(caller, module, places, 'log', args)),
    );
    if (!page.success) throw new Error(`admin's log reply is not a log page: ${page.error.message}`);
    return page.data;
  }

  /** The module's script logs, newest first (its scripts' standard output and error). */
  scriptLogs(module: string, places: InputPlaces): { logs: UserlogEntry[] } {
    const name = installedModule(module, this.web.settings.paths.modulesDir, `${places.names}.module`);
    return { logs: listUserlogs(modulePaths(this.web.settings.paths, name).varDir) };
  }

  /** The end of one script log. */
  scriptLog(module: string, log: string, query: unknown, places: InputPlaces): UserlogText {
    const name = installedModule(module, this.web.settings.paths.modulesDir, `${places.names}.module`);
    if (parseUserlogName(log) === undefined)
      throw badField(`${places.names}.name`, 'a script log name, userlog_<date>T<time>_<script>.ulog');
    const { bytes } = parseInput(SCRIPT_LOG_QUERY, query, places.query);
    const text = readUserlog(modulePaths(this.web.settings.paths, name).varDir, log, bytes);
    if (!text) throw new NotFoundException(`no script log ${log} for module ${name}`);
    return text;
  }

  /** A module command: the caller holds Monitor; the command's own role is checked here. */
  async command(
    caller: Caller,
    module: string,
    command: string,
    body: unknown,
    places: InputPlaces,
  ): Promise<{ detail: string }> {
    if (!isApiCommand(command))
      throw badField(`${places.names}.command`, `one of ${API_COMMANDS.join(', ')}`);
    const b = parseInput(COMMAND_BODY, body ?? {}, places.body);
    const check = checkCommand(command, b);
    if (!check.ok) throw badField(`${places.body}.${check.field}`, check.message);
    const { principal } = caller;
    if (!roleAllows(principal.role, check.role))
      throw new ForbiddenException(
        `${command} ${b.args.join(' ')} needs the ${check.role} role; ${principal.name} has ${principal.role}`,
      );
    return { detail: await this.send(caller, module, places, command, b.args, b.identity) };
  }

  private send(
    caller: Caller,
    name: string,
    places: InputPlaces,
    command: CommandName,
    args: readonly string[],
    identity?: string,
  ): Promise<string> {
    const module = installedModule(name, this.web.settings.paths.modulesDir, `${places.names}.module`);
    return sendToAdmin(this.web.bus, {
      module,
      name: command,
      args,
      ...(identity === undefined ? {} : { identity }),
      caller: `${caller.principal.name}@${caller.address}`,
    });
  }
}
