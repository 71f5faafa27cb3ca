// Every route's and GraphQL operation's role (allow.decorator.ts) against the caller's: 401
// without a valid credential, 403 with a weaker role, 503 when the credential files cannot be
// trusted (the log says why). A GraphQL operation's credential is checked again by its context
// (graphql/graphql-context.ts): over WebSocket it was given once, at the connection.
import {
  ForbiddenException,
  Inject,
  Injectable,
  InternalServerErrorException,
  ServiceUnavailableException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import { CredentialsUnavailable, type Principal } from '../auth/authenticator';
import type { GraphqlContext } from '../graphql/graphql-context';
import { roleAllows, type WebRole } from '@keel/config';
import { ROUTE_ROLE, type RouteRole } from './allow.decorator';
import { requestPrincipal, type AnyRequest, type AuthenticatedRequest } from './request-principal';
import { WEB_CONTEXT, type WebContext } from './web-context';

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(WEB_CONTEXT) private readonly web: WebContext,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const needed = this.reflector.getAllAndOverride<RouteRole | undefined>(ROUTE_ROLE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (needed === undefined) throw new InternalServerErrorException('this route declares no role');
    if (needed === 'public') return true;
    if (context.getType<GqlContextType>() === 'graphql') {
      const ctx = GqlExecutionContext.create(context).getContext<GraphqlContext>();
      ctx.principal = allowed(ctx.authenticate(), needed);
      return true;
    }
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    req.principal = allowed(authenticate(req, this.web), needed);
    return true;
  }
}

/** The principal when its role reaches `needed`; else 401 (none) or 403 (weaker). */
export function allowed(principal: Principal | undefined, needed: WebRole): Principal {
  if (!principal)
    throw new UnauthorizedException('log in (POST /login) or give an API key (Authorization: Bearer <key>)');
  if (!roleAllows(principal.role, needed))
    throw new ForbiddenException(`this needs the ${needed} role; ${principal.name} has ${principal.role}`);
  return principal;
}

export function authenticate(req: AnyRequest, web: WebContext) {
  try {
    return requestPrincipal(req, web.auth);
  } catch (err) {
    if (!(err instanceof CredentialsUnavailable)) throw err;
    web.logger.error('credential file refused', { problem: err.problem.message });
    throw new ServiceUnavailableException(err.message);
  }
}
