// A module of this node: its state with resources, one resource, its log pages and every module
// command, each sent to admin as the keel command sends it (web/module-commands.ts).
import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { LogPageReplySchema, type CommandName, type StateReport } from '@keel/bus';
import { roleAllows } from '@keel/config';
import { sendToAdmin } from './admin-requests';
import { Allow } from './allow.decorator';
import { API_COMMANDS, checkCommand, COMMAND_BODY, isApiCommand } from './module-commands';
import { installedModule } from './module-name';
import { openApiSchema } from './openapi-schema';
import { clientAddress, type AuthenticatedRequest } from './request-principal';
import { badField, parseInput } from './validate';
import { WEB_CONTEXT, type WebContext } from './web-context';

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

const RESOURCE = /^[A-Za-z0-9_.-]{1,128}$/;

@ApiTags('modules')
@ApiParam({ name: 'module', description: 'a module installed on this node' })
@Controller('api/v1.0/modules/:module')
export class ModulesController {
  constructor(@Inject(WEB_CONTEXT) private readonly web: WebContext) {}

  @Get('state')
  @Allow('Monitor')
  @ApiOperation({
    summary: "The module's state on this node, its peer's, and every resource (keel state -v)",
  })
  async state(@Param('module') name: string, @Req() req: AuthenticatedRequest): Promise<StateReport> {
    return JSON.parse(await this.send(req, name, 'state', [])) as StateReport;
  }

  @Get('resources/:resource')
  @Allow('Monitor')
  @ApiOperation({ summary: 'One resource of the module (keel get -r)' })
  async resource(
    @Param('module') name: string,
    @Param('resource') resource: string,
    @Req() req: AuthenticatedRequest,
  ) {
    if (!RESOURCE.test(resource))
      throw badField('path.resource', `a resource name matches ${RESOURCE.source}`);
    return { name: resource, value: await this.send(req, name, 'get', [resource]) };
  }

  @Get('log')
  @Allow('Monitor')
  @ApiOperation({
    summary: 'A page of the module log, newest entries last (keel log; verbose=true: keel log -v)',
    description: "Give the page's `older` as `before` to read the entries before it.",
  })
  @ApiQuery({ name: 'verbose', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'count', required: false, type: Number, description: 'entries, 1 to 10000 (300)' })
  @ApiQuery({ name: 'before', required: false, type: String })
  async log(@Param('module') name: string, @Query() query: unknown, @Req() req: AuthenticatedRequest) {
    const q = parseInput(LOG_QUERY, query, 'query');
    const args = [
      ...(q.verbose === 'true' ? ['-v'] : []),
      '-s',
      String(q.count),
      ...(q.before ? ['-b', q.before] : []),
    ];
    const page = LogPageReplySchema.safeParse(JSON.parse(await this.send(req, name, 'log', args)));
    if (!page.success) throw new Error(`admin's log reply is not a log page: ${page.error.message}`);
    return page.data;
  }

  @Post('commands/:command')
  @HttpCode(200)
  @Allow('Monitor')
  @ApiOperation({
    summary: 'A module command, as keel <command> -m <module> <args> [-i <identity>]',
    description:
      'Control role, except the read-only boot status, errd list, farm bitmap and checkloop (Monitor). ' +
      `Commands: ${API_COMMANDS.join(', ')}.`,
  })
  @ApiParam({ name: 'command', enum: API_COMMANDS })
  @ApiBody({ schema: openApiSchema(COMMAND_BODY), required: false })
  async command(
    @Param('module') name: string,
    @Param('command') command: string,
    @Body() body: unknown,
    @Req() req: AuthenticatedRequest,
  ) {
    if (!isApiCommand(command)) throw badField('path.command', `one of ${API_COMMANDS.join(', ')}`);
    const b = parseInput(COMMAND_BODY, body ?? {}, 'body');
    const check = checkCommand(command, b);
    if (!check.ok) throw badField(`body.${check.field}`, check.message);
    const principal = req.principal!;
    if (!roleAllows(principal.role, check.role))
      throw new ForbiddenException(
        `${command} ${b.args.join(' ')} needs the ${check.role} role; ${principal.name} has ${principal.role}`,
      );
    return { detail: await this.send(req, name, command, b.args, b.identity) };
  }

  private send(
    req: AuthenticatedRequest,
    name: string,
    command: CommandName,
    args: readonly string[],
    identity?: string,
  ): Promise<string> {
    const module = installedModule(name, this.web.settings.paths.modulesDir);
    return sendToAdmin(this.web.bus, {
      module,
      name: command,
      args,
      ...(identity === undefined ? {} : { identity }),
      caller: `${req.principal!.name}@${req.principal!.address ?? clientAddress(req)}`,
    });
  }
}
