// The node: its level (safekit-ops §9.9 `safekit level`) and its modules with their last state.
import { Controller, Get, Inject, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { hostname, release, type } from 'node:os';
import { installedModuleNames } from '@keel/config';
import { Allow } from './allow.decorator';
import type { AuthenticatedRequest } from './request-principal';
import { WEB_CONTEXT, type WebContext } from './web-context';

@ApiTags('node')
@Controller('api/v1.0')
export class NodeController {
  constructor(@Inject(WEB_CONTEXT) private readonly web: WebContext) {}

  @Get('level')
  @Allow('Monitor')
  @ApiOperation({ summary: "This node: its cluster.xml name, host, OS and keel's version" })
  level() {
    return {
      node: this.web.settings.node,
      host: hostname(),
      os: `${type()} ${release()}`,
      version: this.web.settings.version,
    };
  }

  @Get('modules')
  @Allow('Monitor')
  @ApiOperation({ summary: 'The modules installed on this node, with the last state admin announced' })
  modules() {
    return installedModuleNames(this.web.settings.paths.modulesDir).names.map((name) => {
      const s = this.web.states.get(name);
      return { name, ...(s ? { state: s.state, readiness: s.readiness } : {}) };
    });
  }

  @Get('whoami')
  @Allow('Monitor')
  @ApiOperation({ summary: 'Who the credential of this request is, and its role' })
  whoami(@Req() req: AuthenticatedRequest) {
    return { user: req.principal!.name, role: req.principal!.role };
  }
}
