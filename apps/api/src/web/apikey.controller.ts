// API keys (safekit-ops §10.9.5), Admin only: `POST /api/v1.0/apikey/<Role>/<name>` answers the
// new key, once (only its digest is kept); listing shows names and roles, never keys.
import {
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { apiKeyDigest, newApiKey, CREDENTIAL_NAME, isWebRole, WEB_ROLES } from '@keel/config';
import { Allow } from './allow.decorator';
import { badField } from './validate';
import { WEB_CONTEXT, type WebContext } from './web-context';

@ApiTags('security')
@Controller('api/v1.0')
export class ApiKeyController {
  constructor(@Inject(WEB_CONTEXT) private readonly web: WebContext) {}

  @Get('apikeys')
  @Allow('Admin')
  @ApiOperation({ summary: 'The API keys: name and role (the keys themselves are not kept)' })
  list() {
    return [...this.web.store.entries('apikeys').values()].map(({ name, role }) => ({ name, role }));
  }

  @Post('apikey/:role/:name')
  @Allow('Admin')
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiParam({ name: 'role', enum: WEB_ROLES })
  @ApiOperation({
    summary: 'Makes an API key (replacing one of that name); the answer is the key, shown once',
  })
  create(@Param('role') role: string, @Param('name') name: string): string {
    if (!isWebRole(role)) throw badField('path.role', `one of ${WEB_ROLES.join(', ')}`);
    if (!CREDENTIAL_NAME.test(name))
      throw badField('path.name', `a key name matches ${CREDENTIAL_NAME.source}`);
    const token = newApiKey(name);
    const entries = new Map(this.web.store.entries('apikeys'));
    entries.set(name, { name, role, secret: apiKeyDigest(token) });
    this.web.store.save('apikeys', entries.values());
    this.web.logger.info('api key made', { key: name, role });
    return token;
  }

  @Delete('apikey/:name')
  @HttpCode(204)
  @Allow('Admin')
  @ApiOperation({ summary: 'Deletes an API key: it is refused from then on' })
  remove(@Param('name') name: string): void {
    if (!CREDENTIAL_NAME.test(name))
      throw badField('path.name', `a key name matches ${CREDENTIAL_NAME.source}`);
    const entries = new Map(this.web.store.entries('apikeys'));
    if (!entries.delete(name)) throw new NotFoundException(`no API key ${name}`);
    this.web.store.save('apikeys', entries.values());
    this.web.logger.info('api key deleted', { key: name });
  }
}
