// Form login (safekit-ops §10.9.5): `POST /login` with httpd_username and httpd_password (form or
// JSON) opens a session and sets the `sessionSK` cookie: HttpOnly, SameSite=Strict, Secure when
// the request came over HTTPS. Attempts are rate-limited (429 with Retry-After). `POST /logout`
// ends the session. `GET /login` is a bare form for a browser (the web console is its own issue).
import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  HttpException,
  Inject,
  Post,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { SESSION_COOKIE, SESSION_IDLE_MS } from '../auth/sessions';
import { Public } from './allow.decorator';
import { openApiSchema } from './openapi-schema';
import { clientAddress, cookieValue } from './request-principal';
import { parseInput } from './validate';
import { WEB_CONTEXT, type WebContext } from './web-context';

export const LOGIN_BODY = z
  .object({
    httpd_username: z.string().min(1).max(64),
    httpd_password: z.string().min(1).max(1024),
    /** SafeKit's form sends login=Login; accepted and ignored. */
    login: z.string().max(16).optional(),
  })
  .strict();

const FORM = `<!doctype html><meta charset="utf-8"><title>keel login</title>
<form method="post" action="/login"><label>User <input name="httpd_username" autocomplete="username"></label>
<label>Password <input name="httpd_password" type="password" autocomplete="current-password"></label>
<button name="login" value="Login">Login</button></form>
`;

function sessionCookie(req: Request, value: string, maxAgeS: number): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${req.secure ? '; Secure' : ''}`;
}

@ApiTags('security')
@Controller()
export class LoginController {
  constructor(@Inject(WEB_CONTEXT) private readonly web: WebContext) {}

  @Get('login')
  @Public()
  @Header('content-type', 'text/html; charset=utf-8')
  @ApiOperation({ summary: 'A login form for a browser' })
  form(): string {
    return FORM;
  }

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiBody({ schema: openApiSchema(LOGIN_BODY) })
  @ApiOperation({ summary: 'Opens a session: sets the sessionSK cookie (form or JSON body)' })
  async login(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const b = parseInput(LOGIN_BODY, body, 'body');
    const address = clientAddress(req);
    const outcome = await this.web.auth.login(b.httpd_username, b.httpd_password, address);
    if (!outcome.ok && outcome.why === 'limited') {
      this.web.logger.warn('login refused: too many failed attempts', { user: b.httpd_username, address });
      res.setHeader('retry-after', String(Math.ceil(outcome.retryAfterMs / 1000)));
      throw new HttpException('too many failed logins; try again later', 429);
    }
    if (!outcome.ok && outcome.why === 'unavailable') {
      this.web.logger.error('login impossible: the LDAP directory cannot be asked', {
        user: b.httpd_username,
        address,
        problem: outcome.problem,
      });
      throw new HttpException('the login directory does not answer; try again later', 503);
    }
    if (!outcome.ok) {
      this.web.logger.warn('login failed', { user: b.httpd_username, address });
      throw new UnauthorizedException('unknown user or wrong password');
    }
    this.web.logger.info('login', { user: outcome.principal.name, role: outcome.principal.role, address });
    res.setHeader('set-cookie', sessionCookie(req, outcome.session, SESSION_IDLE_MS / 1000));
    return { user: outcome.principal.name, role: outcome.principal.role };
  }

  @Post('logout')
  @HttpCode(204)
  @Public()
  @ApiOperation({ summary: 'Ends the session of the sessionSK cookie' })
  logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): void {
    const session = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (session) this.web.auth.logout(session);
    res.setHeader('set-cookie', sessionCookie(req, '', 0));
  }
}
