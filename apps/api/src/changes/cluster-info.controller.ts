// What `keel -H "*" cluster confinfo|state` and `keel -H ... module list|listid` read on each node
// (safekit-ops §9.2, §9.5, §9.8): this node's cluster.xml signature and its modules' ids and
// signatures. Digests, dates and names, no configuration text: Monitor may read them.
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundException } from '@nestjs/common';
import { clusterInfo, modulesInfo } from '@keel/config';
import { Allow } from '../web/allow.decorator';
import { WEB_CONTEXT, type WebContext } from '../web/web-context';

@ApiTags('configuration')
@Controller('api/v1.0/cluster')
export class ClusterInfoController {
  constructor(@Inject(WEB_CONTEXT) private readonly web: WebContext) {}

  @Get('confinfo')
  @Allow('Monitor')
  @ApiOperation({
    summary: "This node's cluster.xml: signature (SHA-256), date, lock (keel cluster confinfo)",
  })
  confinfo() {
    try {
      return clusterInfo(this.web.settings.paths, this.web.settings.node);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        throw new NotFoundException('this node has no cluster.xml yet');
      throw e;
    }
  }

  @Get('state')
  @Allow('Monitor')
  @ApiOperation({
    summary:
      "This node's installed modules: mode, module id, date and signature of the configuration (keel cluster state)",
  })
  state() {
    return modulesInfo(this.web.settings.paths, process.env, this.web.settings.node);
  }
}
