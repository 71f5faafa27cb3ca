// How a refused package or configuration is answered: a bad .safe is a 400 naming `body.safe` and
// the entry; an invalid configuration a 400 whose message is the first located problem and whose
// `issues` are all of them; a module that cannot be installed as asked (already there, id taken)
// a 409; an unknown change a 404.
import { BadRequestException, ConflictException, HttpException, NotFoundException } from '@nestjs/common';
import { ChangeError, ConfigError, ModuleInstallError, ZipError } from '@keel/config';
import { badField } from '../web/validate';

export function packageHttpError(e: unknown, field = 'body.safe'): unknown {
  if (e instanceof ZipError) return badField(field, `not a module package: ${e.message}`);
  if (e instanceof ConfigError)
    return new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: `configuration not valid: ${e.issues.map((i) => i.toString()).join('; ')}`,
      issues: e.issues.map((i) => i.toString()),
    });
  if (e instanceof ModuleInstallError) return new ConflictException(e.message);
  if (e instanceof ChangeError)
    return e.status === 404 ? new NotFoundException(e.message) : new ConflictException(e.message);
  return e;
}

/** Runs `f`, answering its refusals as above. */
export function answering<T>(f: () => T, field?: string): T {
  try {
    return f();
  } catch (e) {
    const mapped = packageHttpError(e, field);
    if (mapped instanceof HttpException) throw mapped;
    throw e;
  }
}
