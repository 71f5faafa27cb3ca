// The node, one way for the REST controllers and the GraphQL resolvers alike: its level
// (safekit-ops §9.9 `safekit level`) and its modules with the last state admin announced.
import { Inject, Injectable } from '@nestjs/common';
import { hostname, release, type } from 'node:os';
import { installedModuleNames } from '@keel/config';
import { WEB_CONTEXT, type WebContext } from './web-context';

export interface NodeLevel {
  readonly node: string;
  readonly host: string;
  readonly os: string;
  readonly version: string;
}

export interface ModuleSummary {
  readonly name: string;
  readonly state?: string;
  readonly readiness?: string;
}

@Injectable()
export class NodeService {
  constructor(@Inject(WEB_CONTEXT) private readonly web: WebContext) {}

  level(): NodeLevel {
    return {
      node: this.web.settings.node,
      host: hostname(),
      os: `${type()} ${release()}`,
      version: this.web.settings.version,
    };
  }

  modules(): ModuleSummary[] {
    return installedModuleNames(this.web.settings.paths.modulesDir).names.map((name) => {
      const s = this.web.states.get(name);
      return { name, ...(s ? { state: s.state, readiness: s.readiness } : {}) };
    });
  }
}
