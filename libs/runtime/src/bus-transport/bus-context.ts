import { BaseRpcContext } from '@nestjs/microservices';
import type { MessageContext } from '@keel/bus';

/** What a bus handler learns besides the message: the concrete subject it arrived on. */
export class BusContext extends BaseRpcContext<[MessageContext]> {
  getSubject(): string {
    return this.args[0].subject;
  }
}
