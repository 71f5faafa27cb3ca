// A module of this node: its state with resources, one resource, its log pages and every module
// command, each done by the ModuleService (module-service.ts), as the GraphQL resolvers do it.
import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { StateReport } from '@keel/bus';
import { Allow } from './allow.decorator';
import { API_COMMANDS, COMMAND_BODY } from './module-commands';
import { ModuleService, REST_PLACES, type Caller } from './module-service';
import { openApiSchema } from './openapi-schema';
import { clientAddress, type AuthenticatedRequest } from './request-principal';

// A request another node proxied carries the user's own address (peers/).
const callerOf = (req: AuthenticatedRequest): Caller => ({
  principal: req.principal!,
  address: req.principal!.address ?? clientAddress(req),
});

@ApiTags('modules')
@ApiParam({ name: 'module', description: 'a module installed on this node' })
@Controller('api/v1.0/modules/:module')
export class ModulesController {
  constructor(private readonly modules: ModuleService) {}

  @Get('state')
  @Allow('Monitor')
  @ApiOperation({
    summary: "The module's state on this node, its peer's, and every resource (keel state -v)",
  })
  state(@Param('module') name: string, @Req() req: AuthenticatedRequest): Promise<StateReport> {
    return this.modules.state(callerOf(req), name, REST_PLACES);
  }

  @Get('resources/:resource')
  @Allow('Monitor')
  @ApiOperation({ summary: 'One resource of the module (keel get -r)' })
  resource(
    @Param('module') name: string,
    @Param('resource') resource: string,
    @Req() req: AuthenticatedRequest,
  ) {
    return this.modules.resource(callerOf(req), name, resource, REST_PLACES);
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
  log(@Param('module') name: string, @Query() query: unknown, @Req() req: AuthenticatedRequest) {
    return this.modules.log(callerOf(req), name, query, REST_PLACES);
  }

  @Get('scriptlogs')
  @Allow('Control')
  @ApiOperation({
    summary: 'The module\'s script logs, newest first (each script\'s output, <user logging="userlog">)',
    description: 'Control: scripts may print what a Monitor should not read.',
  })
  scriptLogs(@Param('module') name: string) {
    return this.modules.scriptLogs(name, REST_PLACES);
  }

  @Get('scriptlogs/:name')
  @Allow('Control')
  @ApiParam({ name: 'name', description: 'a name the list gave: userlog_<date>T<time>_<script>.ulog' })
  @ApiQuery({
    name: 'bytes',
    required: false,
    type: Number,
    description: 'the last bytes, 1 to 1 MiB (64 KiB)',
  })
  @ApiOperation({ summary: 'The end of one script log' })
  scriptLog(@Param('module') name: string, @Param('name') log: string, @Query() query: unknown) {
    return this.modules.scriptLog(name, log, query, REST_PLACES);
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
  command(
    @Param('module') name: string,
    @Param('command') command: string,
    @Body() body: unknown,
    @Req() req: AuthenticatedRequest,
  ) {
    return this.modules.command(callerOf(req), name, command, body, REST_PLACES);
  }
}
