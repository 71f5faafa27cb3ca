// Module packages and configurations applied to this node, Admin only (safekit-ops §3.6, §9.5,
// §9.8, §12.3; docs/decisions/0022): install a .safe (checked as `keel confcheck` checks, in a
// private directory, then renamed in), uninstall a stopped module, and the node's side of a change
// applied to every node in two phases (prepare, commit, rollback, forget) that `keel -G` and
// `keel -E` drive.
import { Body, Controller, Delete, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ConflictException } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { installModule, StagedChanges, unpackModule, uninstallModule } from '@keel/config';
import { Allow } from '../web/allow.decorator';
import { installedModule } from '../web/module-name';
import { openApiSchema } from '../web/openapi-schema';
import { parseInput, badField } from '../web/validate';
import { WEB_CONTEXT, type WebContext } from '../web/web-context';
import { answering } from './package-errors';

/** A .safe in base64 inside the JSON body: the body's 2 MiB bound keeps it to about 1.5 MiB. */
const SAFE = z
  .string()
  .min(1)
  .max(2 << 20)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'a .safe in base64');
const NAME = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a module name matches [A-Za-z0-9_-]{1,64}')
  .refine((n) => n !== 'node', 'a module name matches [A-Za-z0-9_-]{1,64}, not "node"');
const ID = z.number().int().min(1).max(1000);
export const INSTALL_BODY = z
  .object({ name: NAME, safe: SAFE, id: ID.optional(), replace: z.boolean().optional() })
  .strict();
const CLUSTER_CHANGE = z
  .object({
    cluster: z
      .string()
      .min(1)
      .max(1 << 20),
    key: z.string().min(64).max(1024).optional(),
  })
  .strict();
const MODULE_CHANGE = z.object({ module: NAME, safe: SAFE, id: ID.optional() }).strict();
export const CHANGE_BODY = z.union([CLUSTER_CHANGE, MODULE_CHANGE]);
const CHANGE_ID = /^[0-9a-f]{24}$/;

@ApiTags('configuration')
@Controller('api/v1.0')
export class ChangesController {
  private readonly staged: StagedChanges;

  constructor(@Inject(WEB_CONTEXT) private readonly web: WebContext) {
    this.staged = new StagedChanges(web.settings.paths, process.env, () => Date.now());
  }

  private refuseRunning(module: string, doing: string): void {
    refuseRunning(this.web, module, doing);
  }

  @Post('modules')
  @HttpCode(200)
  @Allow('Admin')
  @ApiBody({ schema: openApiSchema(INSTALL_BODY) })
  @ApiOperation({
    summary:
      'Installs a module from its .safe (keel module install): checked as keel confcheck checks it before it is put in place',
  })
  install(@Body() body: unknown) {
    const b = parseInput(INSTALL_BODY, body, 'body');
    this.refuseRunning(b.name, 'replacing it');
    const paths = this.web.settings.paths;
    const files = answering(() => unpackModule(Buffer.from(b.safe, 'base64')));
    const done = answering(() =>
      installModule({
        modulesDir: paths.modulesDir,
        clusterFile: paths.clusterFile,
        env: process.env,
        name: b.name,
        files,
        ...(b.id === undefined ? {} : { id: b.id }),
        replace: b.replace === true,
        source: `${b.name}.safe`,
      }),
    );
    this.web.logger.info('module installed', { module: done.name, id: done.id, replaced: done.replaced });
    return done;
  }

  @Delete('modules/:module')
  @Allow('Admin')
  @ApiParam({ name: 'module' })
  @ApiOperation({ summary: 'Uninstalls a stopped module (keel module uninstall)' })
  uninstall(@Param('module') name: string) {
    const module = installedModule(name, this.web.settings.paths.modulesDir);
    this.refuseRunning(module, 'uninstalling it');
    answering(() => uninstallModule(this.web.settings.paths.modulesDir, module));
    this.web.logger.info('module uninstalled', { module });
    return { module, uninstalled: true };
  }

  @Post('changes')
  @HttpCode(200)
  @Allow('Admin')
  @ApiBody({ schema: openApiSchema(CHANGE_BODY) })
  @ApiOperation({
    summary:
      'Phase 1 of a change applied to every node: checks a cluster.xml (and key) or a module package here and stages it; nothing applied yet',
  })
  prepare(@Body() body: unknown) {
    // Checked against the form it names, so a refusal names the field (a union would not).
    const isCluster = typeof body === 'object' && body !== null && 'cluster' in body;
    const b = isCluster ? parseInput(CLUSTER_CHANGE, body, 'body') : parseInput(MODULE_CHANGE, body, 'body');
    if ('cluster' in b)
      return answering(
        () => this.staged.prepareCluster(b.key === undefined ? { cluster: b.cluster } : b),
        'body.cluster',
      );
    this.refuseRunning(b.module, 'replacing it');
    const files = answering(() => unpackModule(Buffer.from(b.safe, 'base64')));
    return answering(() =>
      this.staged.prepareModule(
        { name: b.module, files, ...(b.id === undefined ? {} : { id: b.id }) },
        `${b.module}.safe`,
      ),
    );
  }

  @Post('changes/:change/commit')
  @HttpCode(200)
  @Allow('Admin')
  @ApiParam({ name: 'change' })
  @ApiOperation({ summary: 'Phase 2: puts the staged change in place, keeping what it replaces' })
  commit(@Param('change') id: string) {
    answering(() => this.staged.commit(changeId(id)));
    this.web.logger.info('change committed', { change: id });
    return { change: id, phase: 'committed' };
  }

  @Post('changes/:change/rollback')
  @HttpCode(200)
  @Allow('Admin')
  @ApiParam({ name: 'change' })
  @ApiOperation({ summary: 'Puts back what a committed change replaced (another node refused it)' })
  rollback(@Param('change') id: string) {
    answering(() => this.staged.rollback(changeId(id)));
    this.web.logger.info('change rolled back', { change: id });
    return { change: id, phase: 'rolledback' };
  }

  @Delete('changes/:change')
  @Allow('Admin')
  @ApiParam({ name: 'change' })
  @ApiOperation({ summary: 'Ends a change: what was staged or kept aside is removed' })
  forget(@Param('change') id: string) {
    return { change: id, phase: answering(() => this.staged.forget(changeId(id))) };
  }
}

/**
 * A module that runs on this node keeps its files: keel's services do not reload a module
 * (docs/decisions/0022), so new scripts under a running module would not match what it runs.
 */
function refuseRunning(web: WebContext, module: string, doing: string): void {
  const state = web.states.get(module);
  if (state && state.state !== 'STOP')
    throw new ConflictException(`module ${module} is ${state.state} on this node: stop it before ${doing}`);
}

function changeId(id: string): string {
  if (!CHANGE_ID.test(id)) throw badField('path.change', 'a change id is 24 hex digits');
  return id;
}
