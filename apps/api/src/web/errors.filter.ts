// What the web application answers when a route fails: an HttpException as Nest words it;
// anything else a 500 that says nothing of the error, which goes to the service's log instead.
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from '@keel/runtime';

@Catch()
export class ErrorsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (err instanceof HttpException) {
      const body = err.getResponse();
      res
        .status(err.getStatus())
        .json(typeof body === 'string' ? { statusCode: err.getStatus(), message: body } : body);
      return;
    }
    this.logger.error('request failed', { err });
    res.status(500).json({ statusCode: 500, message: 'internal error; the service log says more' });
  }
}
