// Module commands to this node's admin service, on the API's own command subject (only the api
// bus credential may publish there; admin names the caller from the message's `caller`, the
// administrator this service authenticated: docs/decisions/0010, 0021). Admin's answers become
// HTTP statuses: its refusal 409, bad arguments 400, an unknown module or resource 404, no admin
// 503, no answer in time 504.
import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  GatewayTimeoutException,
  HttpException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  BusNoRespondersError,
  BusRemoteError,
  BusTimeoutError,
  RFS_QUERY_TIMEOUT_MS,
  rpcs,
  subjects,
  type BusPort,
  type CommandName,
} from '@keel/bus';

export const COMMAND_TIMEOUT_MS = 10_000;

export interface AdminCommand {
  readonly module: string;
  readonly name: CommandName;
  readonly args: readonly string[];
  readonly identity?: string;
  /** `<user>@<address>`, for the module log's `Action <command> called by ...`. */
  readonly caller: string;
}

export function adminErrorStatus(code: string, message: string): HttpException {
  switch (code) {
    case 'BAD_ARGS':
    case 'BAD_REQUEST':
      return new BadRequestException(message);
    case 'NOT_FOUND':
    case 'UNKNOWN_MODULE':
      return new NotFoundException(message);
    case 'FORBIDDEN':
      return new ForbiddenException(message);
    default:
      // REFUSED, INVALID_CONFIG, ...: the module's state or configuration does not allow it now.
      return new ConflictException(message);
  }
}

/** rfsdiff walks the tree and rfsverify reads every file of both copies: admin's bound, and more. */
const QUERY_TIMEOUT_MS = RFS_QUERY_TIMEOUT_MS + 10_000;

export async function sendToAdmin(bus: BusPort, c: AdminCommand): Promise<string> {
  const timeoutMs = c.name === 'rfsdiff' || c.name === 'rfsverify' ? QUERY_TIMEOUT_MS : COMMAND_TIMEOUT_MS;
  try {
    const r = await bus.request(
      subjects.cmd(c.module, 'api'),
      rpcs.moduleCommand,
      {
        module: c.module,
        name: c.name,
        args: [...c.args],
        caller: c.caller,
        ...(c.identity === undefined ? {} : { identity: c.identity }),
      },
      { timeoutMs },
    );
    return r.detail ?? '';
  } catch (e) {
    if (e instanceof BusRemoteError) throw adminErrorStatus(e.code, e.remoteMessage);
    if (e instanceof BusNoRespondersError)
      throw new ServiceUnavailableException('the keel admin service is not running on this node');
    if (e instanceof BusTimeoutError)
      throw new GatewayTimeoutException(`no answer from the admin service within ${timeoutMs / 1000}s`);
    throw e;
  }
}
