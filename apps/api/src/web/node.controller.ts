// The node: its level (safekit-ops §9.9 `safekit level`) and its modules with their last state,
// from the NodeService (node-service.ts), as the GraphQL resolvers give them.
import { Controller, Get, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from './allow.decorator';
import { NodeService } from './node-service';
import type { AuthenticatedRequest } from './request-principal';

@ApiTags('node')
@Controller('api/v1.0')
export class NodeController {
  constructor(private readonly node: NodeService) {}

  @Get('level')
  @Allow('Monitor')
  @ApiOperation({ summary: "This node: its cluster.xml name, host, OS and keel's version" })
  level() {
    return this.node.level();
  }

  @Get('modules')
  @Allow('Monitor')
  @ApiOperation({ summary: 'The modules installed on this node, with the last state admin announced' })
  modules() {
    return this.node.modules();
  }

  @Get('whoami')
  @Allow('Monitor')
  @ApiOperation({ summary: 'Who the credential of this request is, and its role' })
  whoami(@Req() req: AuthenticatedRequest) {
    return { user: req.principal!.name, role: req.principal!.role };
  }
}
