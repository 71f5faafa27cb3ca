// GraphQL subscriptions (over WebSocket, graphql-ws; graphql-subscriptions.ts): the modules' state
// changes and module log lines the api hears on the node's bus (core/module-events.ts), for every
// module or one. Monitor, like reading a state or a log; the credential is checked at the
// connection, at each subscription (the guard) and again before each event (guarded-events.ts).
import { Inject, ServiceUnavailableException } from '@nestjs/common';
import { Args, Context, Resolver, Subscription } from '@nestjs/graphql';
import { TooManySubscribers, type LogEvent, type ModuleEvent, type StateEvent } from '../core/module-events';
import { allowed } from '../web/auth.guard';
import { Allow } from '../web/allow.decorator';
import { installedModule } from '../web/module-name';
import { WEB_CONTEXT, type WebContext } from '../web/web-context';
import type { GraphqlContext } from './graphql-context';
import { LogLineEvent, StateChanged } from './graphql-models';
import { guardedEvents, guardedValue, type Guarded } from './guarded-events';

@Resolver()
export class EventsResolver {
  constructor(@Inject(WEB_CONTEXT) private readonly web: WebContext) {}

  @Subscription(() => StateChanged, {
    description: "A module's state changes as admin announces them (all modules, or one). Role: Monitor.",
    resolve: (item: Guarded<StateEvent>) => guardedValue(item),
  })
  @Allow('Monitor')
  stateChanged(
    @Context() ctx: GraphqlContext,
    @Args('module', { nullable: true }) module?: string,
  ): AsyncIterableIterator<Guarded<StateEvent>> {
    const only = this.moduleFilter(module);
    return this.events(ctx, (e): e is StateEvent => e.kind === 'state' && only(e.module));
  }

  @Subscription(() => LogLineEvent, {
    description: 'The lines written in the module logs (all modules, or one). Role: Monitor.',
    resolve: (item: Guarded<LogEvent>) => guardedValue(item),
  })
  @Allow('Monitor')
  moduleLogLines(
    @Context() ctx: GraphqlContext,
    @Args('module', { nullable: true }) module?: string,
  ): AsyncIterableIterator<Guarded<LogEvent>> {
    const only = this.moduleFilter(module);
    return this.events(ctx, (e): e is LogEvent => e.kind === 'log' && only(e.module));
  }

  private moduleFilter(module: string | undefined | null): (m: string) => boolean {
    if (module === undefined || module === null) return () => true;
    const name = installedModule(module, this.web.settings.paths.modulesDir, 'args.module');
    return (m) => m === name;
  }

  private events<E extends ModuleEvent>(ctx: GraphqlContext, accept: (e: ModuleEvent) => e is E) {
    let source;
    try {
      source = this.web.events.subscribe(accept);
    } catch (err) {
      if (err instanceof TooManySubscribers) throw new ServiceUnavailableException(err.message);
      throw err;
    }
    return guardedEvents(source, () => allowed(ctx.authenticate(), 'Monitor'));
  }
}
