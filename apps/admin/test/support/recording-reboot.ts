import { NodeReboot, RebootRequest } from '../../src/ports/node-reboot.port';

/** The in-memory twin of the node's reboot: records each request, answers what the test set. */
export class RecordingReboot implements NodeReboot {
  readonly requests: RebootRequest[] = [];
  failure: string | undefined;

  reboot(request: RebootRequest): ReturnType<NodeReboot['reboot']> {
    this.requests.push(request);
    return Promise.resolve(this.failure === undefined ? { ok: true } : { ok: false, reason: this.failure });
  }
}
