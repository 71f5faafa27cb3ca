// OpenID Connect login (safekit-ops §11.4; docs/decisions/0021 "OpenID Connect"). `GET /openid/login`
// sends the browser to the provider with a PKCE challenge and keeps the state in the `keelOpenid`
// cookie (SameSite=Lax: the provider's redirect back is a cross-site navigation, which a Strict
// cookie would not follow); `GET /openid`, SafeKit's redirect URI path, takes the provider's answer
// and opens a session like a form login (the `sessionSK` cookie). Failed logins count in the same
// limiter as form logins; no code, token or secret reaches the log.
import { Controller, Get, HttpException, Inject, NotFoundException, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { SESSION_COOKIE, SESSION_IDLE_MS } from '../auth/sessions';
import { OPENID_PENDING_MS, OpenidUnavailable } from '../auth/openid-login';
import { Public } from './allow.decorator';
import { clientAddress, cookieValue } from './request-principal';
import { parseInput } from './validate';
import { WEB_CONTEXT, type WebContext } from './web-context';

export const OPENID_STATE_COOKIE = 'keelOpenid';

const CALLBACK_QUERY = z
  .object({
    code: z.string().max(4096).optional(),
    state: z.string().max(256).optional(),
    iss: z.string().max(2048).optional(),
    session_state: z.string().max(1024).optional(),
    error: z.string().max(256).optional(),
    error_description: z.string().max(2048).optional(),
  })
  .strict();

const secure = (req: Request) => (req.secure ? '; Secure' : '');

@ApiTags('security')
@Controller('openid')
export class OpenidController {
  constructor(@Inject(WEB_CONTEXT) private readonly web: WebContext) {}

  @Get('login')
  @Public()
  @ApiOperation({ summary: 'Starts an OpenID Connect login: a redirect to the provider (PKCE)' })
  async begin(@Req() req: Request, @Res() res: Response): Promise<void> {
    const openid = this.configured();
    const address = clientAddress(req);
    this.limit(res, this.web.auth.outsideRetryAfter(address));
    const { url, state } = await this.available(() => openid.begin());
    res.setHeader(
      'set-cookie',
      `${OPENID_STATE_COOKIE}=${state}; Path=/openid; HttpOnly; SameSite=Lax; Max-Age=${OPENID_PENDING_MS / 1000}${secure(req)}`,
    );
    res.redirect(302, url);
  }

  @Get()
  @Public()
  @ApiOperation({ summary: "The provider's redirect back: opens a session (sets the sessionSK cookie)" })
  async finish(@Query() query: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const openid = this.configured();
    const address = clientAddress(req);
    this.limit(res, this.web.auth.outsideRetryAfter(address));
    const params = Object.fromEntries(
      Object.entries(parseInput(CALLBACK_QUERY, query, 'query')).filter(([, v]) => v !== undefined),
    ) as Record<string, string>;
    const cookieState = cookieValue(req.headers.cookie, OPENID_STATE_COOKIE);
    // The state cookie is for one login.
    res.setHeader(
      'set-cookie',
      `${OPENID_STATE_COOKIE}=; Path=/openid; HttpOnly; SameSite=Lax; Max-Age=0${secure(req)}`,
    );
    const outcome = await this.available(() => openid.finish(params, cookieState));
    if (!outcome.ok) {
      this.web.auth.outsideFailed(address, outcome.user);
      this.web.logger.warn('OpenID Connect login failed', {
        ...(outcome.user === undefined ? {} : { user: outcome.user }),
        address,
        why: outcome.why,
      });
      throw new HttpException(`OpenID Connect login refused: ${outcome.why}`, 401);
    }
    this.limit(res, this.web.auth.outsideRetryAfter(address, outcome.user));
    const { session, principal } = this.web.auth.outsideLogin(outcome.user, outcome.role, address);
    this.web.logger.info('login', { user: principal.name, role: principal.role, address, via: 'openid' });
    res.append(
      'set-cookie',
      `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_IDLE_MS / 1000}${secure(req)}`,
    );
    return { user: principal.name, role: principal.role };
  }

  private configured() {
    if (!this.web.openid)
      throw new NotFoundException('OpenID Connect login is off: <etc>/web/openid.conf configures it');
    return this.web.openid;
  }

  private limit(res: Response, waitMs: number): void {
    if (waitMs <= 0) return;
    res.setHeader('retry-after', String(Math.ceil(waitMs / 1000)));
    throw new HttpException('too many failed logins; try again later', 429);
  }

  private async available<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      if (!(err instanceof OpenidUnavailable)) throw err;
      this.web.logger.error('OpenID Connect login impossible', { problem: err.message });
      throw new HttpException('the OpenID provider does not answer; try again later', 503);
    }
  }
}
