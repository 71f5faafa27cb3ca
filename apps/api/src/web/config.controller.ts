// Configuration, Admin only (safekit-ops §3.6: configuration is the Admin role's): a module's
// userconfig.xml and this node's cluster.xml, read, and a text of either checked without being
// applied. Applying to every node comes later (docs/decisions/0021).
import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { installedModuleNames, modulePaths } from '@keel/config';
import { Allow } from './allow.decorator';
import { checkClusterText, checkModuleText } from './config-check';
import { installedModule } from './module-name';
import { openApiSchema } from './openapi-schema';
import { parseInput } from './validate';
import { WEB_CONTEXT, type WebContext } from './web-context';

/** A configuration file is small; a megabyte is far beyond any real one. */
const MAX_XML = 1 << 20;
export const MODULE_CONFIG_BODY = z.object({ userconfig: z.string().min(1).max(MAX_XML) }).strict();
export const CLUSTER_CONFIG_BODY = z.object({ cluster: z.string().min(1).max(MAX_XML) }).strict();

@ApiTags('configuration')
@Controller('api/v1.0')
export class ConfigController {
  constructor(@Inject(WEB_CONTEXT) private readonly web: WebContext) {}

  @Get('modules/:module/config')
  @Allow('Admin')
  @ApiParam({ name: 'module' })
  @ApiOperation({ summary: "The module's userconfig.xml on this node" })
  moduleConfig(@Param('module') name: string) {
    const module = installedModule(name, this.web.settings.paths.modulesDir);
    return {
      module,
      userconfig: readFileSync(modulePaths(this.web.settings.paths, module).userconfig, 'utf8'),
    };
  }

  @Post('modules/:module/config/check')
  @HttpCode(200)
  @Allow('Admin')
  @ApiParam({ name: 'module' })
  @ApiBody({ schema: openApiSchema(MODULE_CONFIG_BODY) })
  @ApiOperation({
    summary:
      'Checks a userconfig.xml for the module (keel confcheck): valid, or every located problem; nothing is applied',
  })
  checkModule(@Param('module') name: string, @Body() body: unknown) {
    const module = installedModule(name, this.web.settings.paths.modulesDir);
    const { userconfig } = parseInput(MODULE_CONFIG_BODY, body, 'body');
    const paths = this.web.settings.paths;
    return checkModuleText(userconfig, {
      binDir: modulePaths(paths, module).bin,
      clusterFile: paths.clusterFile,
      installed: installedModuleNames(paths.modulesDir).names,
    });
  }

  @Get('cluster/config')
  @Allow('Admin')
  @ApiOperation({ summary: "This node's cluster.xml" })
  clusterConfig() {
    try {
      return { cluster: readFileSync(this.web.settings.paths.clusterFile, 'utf8') };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        throw new NotFoundException('this node has no cluster.xml yet');
      throw e;
    }
  }

  @Post('cluster/config/check')
  @HttpCode(200)
  @Allow('Admin')
  @ApiBody({ schema: openApiSchema(CLUSTER_CONFIG_BODY) })
  @ApiOperation({ summary: 'Checks a cluster.xml (keel cluster confcheck); nothing is applied' })
  checkCluster(@Body() body: unknown) {
    return checkClusterText(parseInput(CLUSTER_CONFIG_BODY, body, 'body').cluster);
  }
}
