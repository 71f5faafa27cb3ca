// What the web application answers when a route fails: an HttpException as Nest words it;
// anything else a 500 that says nothing of the error, which goes to the service's log instead.
// A GraphQL resolver gets the error back to return (graphql-js reports a returned Error as the
// field's error; graphql/graphql-errors.ts words it): the HttpException as is, anything else a
// generic error, logged here.
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from '@keel/runtime';

export const INTERNAL = 'internal error; the service log says more';

@Catch()
export class ErrorsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(err: unknown, host: ArgumentsHost): Error | undefined {
    if (host.getType<string>() === 'graphql') {
      if (err instanceof HttpException) return err;
      this.logger.error('GraphQL operation failed', { err });
      return new Error(INTERNAL);
    }
    const res = host.switchToHttp().getResponse<Response>();
    if (err instanceof HttpException) {
      const body = err.getResponse();
      res
        .status(err.getStatus())
        .json(typeof body === 'string' ? { statusCode: err.getStatus(), message: body } : body);
      return undefined;
    }
    this.logger.error('request failed', { err });
    res.status(500).json({ statusCode: 500, message: INTERNAL });
    return undefined;
  }
}
