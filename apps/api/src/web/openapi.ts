// The OpenAPI document of the REST API, built from the controllers' decorators, and where it is
// served: the document at /api/v1.0/openapi.json, Swagger UI at /swagger-ui (SafeKit's place,
// safekit-ops §10.9.5). Both need a credential (Monitor), as every route but the probe and login.
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

export const OPENAPI_JSON = '/api/v1.0/openapi.json';
export const SWAGGER_UI = '/swagger-ui';

export function openApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('keel web service')
    .setDescription(
      'REST API of a keel node (docs/decisions/0021). Log in with POST /login (sessionSK cookie) or ' +
        'give an API key (Authorization: Bearer). x-keel-role: the role each operation needs.',
    )
    .setVersion(version)
    .addCookieAuth('sessionSK', { type: 'apiKey', in: 'cookie', name: 'sessionSK' }, 'session')
    .addBearerAuth({ type: 'http', scheme: 'bearer' }, 'apikey')
    .build();
  return SwaggerModule.createDocument(app, config);
}

export function serveOpenApi(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup(SWAGGER_UI, app, document, {
    jsonDocumentUrl: OPENAPI_JSON,
    yamlDocumentUrl: '/api/v1.0/openapi.yaml',
    // The UI page asks for the document with the browser's cookie.
    swaggerOptions: { withCredentials: true },
  });
}
