// GraphQL queries and mutation of a module: its state with resources, one resource, a log page,
// and every module command, done by the same ModuleService as the REST routes under
// /api/v1.0/modules/<AM>/ (so the same checks, roles and admin requests), with the arguments named
// `args.<name>` in refusals. Each root field declares its role (@Allow) and says it.
import { Args, Context, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Allow } from '../web/allow.decorator';
import { ModuleService, type InputPlaces } from '../web/module-service';
import { callerOf, type GraphqlContext } from './graphql-context';
import {
  CommandResult,
  LogPage,
  ModuleCommand,
  ModuleState,
  Resource,
  ScriptLog,
  ScriptLogText,
} from './graphql-models';

const PLACES: InputPlaces = { names: 'args', query: 'args', body: 'args' };

@Resolver()
export class ModulesResolver {
  constructor(private readonly modules: ModuleService) {}

  @Query(() => ModuleState, {
    description:
      "The module's state on this node, its peer's, and every resource (keel state -v). Role: Monitor.",
  })
  @Allow('Monitor')
  async moduleState(@Args('module') module: string, @Context() ctx: GraphqlContext): Promise<ModuleState> {
    const r = await this.modules.state(callerOf(ctx), module, PLACES);
    return {
      ...r,
      resources: Object.entries(r.resources).map(([name, v]) => ({ name, ...v })),
    };
  }

  @Query(() => Resource, { description: 'One resource of the module (keel get -r). Role: Monitor.' })
  @Allow('Monitor')
  resource(
    @Args('module') module: string,
    @Args('name') name: string,
    @Context() ctx: GraphqlContext,
  ): Promise<Resource> {
    return this.modules.resource(callerOf(ctx), module, name, PLACES);
  }

  @Query(() => LogPage, {
    description:
      'A page of the module log, newest entries last (keel log; verbose: keel log -v); give the ' +
      "page's older as before to read the entries before it. Role: Monitor.",
  })
  @Allow('Monitor')
  moduleLog(
    @Args('module') module: string,
    @Context() ctx: GraphqlContext,
    @Args('verbose', { nullable: true }) verbose?: boolean,
    @Args('count', { type: () => Int, nullable: true, description: 'entries, 1 to 10000 (300)' })
    count?: number,
    @Args('before', { nullable: true }) before?: string,
  ): Promise<LogPage> {
    const query = {
      ...(verbose === undefined || verbose === null ? {} : { verbose: String(verbose) }),
      ...(count === undefined || count === null ? {} : { count }),
      ...(before === undefined || before === null ? {} : { before }),
    };
    return this.modules.log(callerOf(ctx), module, query, PLACES);
  }

  @Query(() => [ScriptLog], {
    description: "The module's script logs, newest first. Role: Control (scripts may print secrets).",
  })
  @Allow('Control')
  scriptLogs(@Args('module') module: string): ScriptLog[] {
    return this.modules.scriptLogs(module, PLACES).logs;
  }

  @Query(() => ScriptLogText, { description: 'The end of one script log. Role: Control.' })
  @Allow('Control')
  scriptLog(
    @Args('module') module: string,
    @Args('name') name: string,
    @Args('bytes', { type: () => Int, nullable: true, description: 'the last bytes, 1 to 1 MiB (64 KiB)' })
    bytes?: number,
  ): ScriptLogText {
    return this.modules.scriptLog(
      module,
      name,
      bytes === undefined || bytes === null ? {} : { bytes },
      PLACES,
    );
  }

  @Mutation(() => CommandResult, {
    description:
      'A module command, as keel <command> -m <module> <args> [-i <identity>]. Role: Monitor to call; ' +
      'the command itself needs Control, except boot status, errd list, farm bitmap and checkloop.',
  })
  @Allow('Monitor')
  moduleCommand(
    @Args('module') module: string,
    @Args('command', { type: () => ModuleCommand }) command: string,
    @Context() ctx: GraphqlContext,
    @Args('args', { type: () => [String], nullable: true }) args?: string[],
    @Args('identity', { nullable: true, description: '-i: a label for the module log' }) identity?: string,
  ): Promise<CommandResult> {
    const body = {
      ...(args === undefined || args === null ? {} : { args }),
      ...(identity === undefined || identity === null ? {} : { identity }),
    };
    return this.modules.command(callerOf(ctx), module, command, body, PLACES);
  }
}
