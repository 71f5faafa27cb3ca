// The last state each module of this node announced on the bus (admin publishes every change,
// and all of them again when the api service says it is ready). A module removed from the node
// keeps its last state until the service restarts (see docs/decisions/0020, "Not done").
export class ModuleStates {
  private readonly states = new Map<string, { state: string; readiness: string }>();
  private heard = false;

  set(module: string, state: string, readiness: string): void {
    this.states.set(module, { state, readiness });
    this.heard = true;
  }

  /** Admin is there: what it has said (or, with no module, that there is nothing to say) holds. */
  adminHeard(): void {
    this.heard = true;
  }

  /** Whether the states can be told: admin was heard since this service started. */
  get known(): boolean {
    return this.heard;
  }

  get(module: string): { state: string; readiness: string } | undefined {
    return this.states.get(module);
  }
}
