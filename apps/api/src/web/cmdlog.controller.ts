// The node's commands log (safekit-ops §10.12, `safekit cmdlog`; docs/decisions/0021 "Commands
// log"): what admin wrote in <KEEL_VAR>/commands.log, the last `count` entries, oldest first, each
// with SafeKit's raw line. Monitor's, as reading a module log is: it names who did what.
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { commandLogFile, commandLogLine, readCommandLog } from '@keel/config';
import { Allow } from './allow.decorator';
import { parseInput } from './validate';
import { WEB_CONTEXT, type WebContext } from './web-context';

const CMDLOG_QUERY = z.object({ count: z.coerce.number().int().min(1).max(10_000).optional() }).strict();

@ApiTags('node')
@Controller('api/v1.0')
export class CmdlogController {
  constructor(@Inject(WEB_CONTEXT) private readonly web: WebContext) {}

  @Get('cmdlog')
  @Allow('Monitor')
  @ApiQuery({
    name: 'count',
    required: false,
    description: 'the last entries to give (1 to 10000, default 300)',
  })
  @ApiOperation({
    summary: "The node's commands log (keel cmdlog): who ran which module command, and how it ended",
  })
  cmdlog(@Query() query: unknown) {
    const { count } = parseInput(CMDLOG_QUERY, query, 'query');
    const entries = readCommandLog(commandLogFile(this.web.settings.paths.var), count ?? 300);
    return { entries: entries.map((e) => ({ ...e, line: commandLogLine(e) })) };
  }
}
