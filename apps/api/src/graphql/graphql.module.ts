// The GraphQL part of the web application (docs/decisions/0021): the schema built code-first from
// the resolvers, served by KeelGraphqlDriver at /api/v1.0/graphql; subscriptions are attached to
// the listening server by WebServer (graphql-subscriptions.ts).
import { GraphQLModule } from '@nestjs/graphql';
import type { WebContext } from '../web/web-context';
import { GRAPHQL_PATH, KeelGraphqlDriver, type KeelGraphqlOptions } from './keel-graphql.driver';
import { EventsResolver } from './events.resolver';
import { ModulesResolver } from './modules.resolver';
import { NodeResolver } from './node.resolver';

export const GRAPHQL_RESOLVERS = [NodeResolver, ModulesResolver, EventsResolver];

export function graphqlModule(web: WebContext) {
  return GraphQLModule.forRoot<KeelGraphqlOptions>({
    driver: KeelGraphqlDriver,
    web,
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    // Root fields only are resolved by methods; the guard must run for each of them.
    fieldResolverEnhancers: ['guards', 'filters'],
  });
}
