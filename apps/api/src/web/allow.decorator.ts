// The role each route needs, declared on the route itself: the guard (auth.guard.ts) refuses a
// route that declares none, so a route added without thinking about its role is closed, not open.
// The role is also written into the OpenAPI document (x-keel-role), where the role matrix test
// and the decision record's table read it.
import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiExtension,
  ApiForbiddenResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { WebRole } from '@keel/config';

export const ROUTE_ROLE = 'keel:role';
export type RouteRole = WebRole | 'public';

export function Allow(role: WebRole) {
  return applyDecorators(
    SetMetadata(ROUTE_ROLE, role),
    ApiExtension('x-keel-role', role),
    ApiCookieAuth('session'),
    ApiBearerAuth('apikey'),
    ApiUnauthorizedResponse({ description: 'no session cookie or API key, or an unknown one' }),
    ApiForbiddenResponse({ description: `the caller's role is below ${role}` }),
  );
}

/** The login route only: everybody may try (rate-limited). */
export function Public() {
  return applyDecorators(SetMetadata(ROUTE_ROLE, 'public'), ApiExtension('x-keel-role', 'public'));
}
