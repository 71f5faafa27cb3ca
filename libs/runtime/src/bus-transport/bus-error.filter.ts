import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Nest's default RPC filter turns every exception into `Internal server error`. keel's bus maps
 * exceptions itself (a HandlerError keeps its code, anything else is HANDLER_FAILED, reported
 * to the bus error listener: docs/decisions/0002), so the exception goes back to it unchanged.
 */
@Catch()
export class BusErrorFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
