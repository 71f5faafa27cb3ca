// The last state each module of this node announced on the bus (admin publishes every change,
// and all of them again when the api service says it is ready).
export class ModuleStates {
  private readonly states = new Map<string, { state: string; readiness: string }>();

  set(module: string, state: string, readiness: string): void {
    this.states.set(module, { state, readiness });
  }

  get(module: string): { state: string; readiness: string } | undefined {
    return this.states.get(module);
  }
}
