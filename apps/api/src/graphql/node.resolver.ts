// GraphQL queries of the node: level, who the caller is, the modules (as GET /api/v1.0/level,
// /whoami, /modules). Each root field declares its role as the REST route does (@Allow, checked by
// the same guard) and says it in its description, where the GraphQL role test reads it.
import { Context, Query, Resolver } from '@nestjs/graphql';
import { Allow } from '../web/allow.decorator';
import { NodeService } from '../web/node-service';
import { callerOf, type GraphqlContext } from './graphql-context';
import { Level, ModuleSummary, WhoAmI } from './graphql-models';

@Resolver()
export class NodeResolver {
  constructor(private readonly node: NodeService) {}

  @Query(() => Level, {
    description: "This node: its cluster.xml name, host, OS and keel's version. Role: Monitor.",
  })
  @Allow('Monitor')
  level(): Level {
    return this.node.level();
  }

  @Query(() => WhoAmI, {
    description: 'Who the credential of this operation is, and its role. Role: Monitor.',
  })
  @Allow('Monitor')
  whoami(@Context() ctx: GraphqlContext): WhoAmI {
    const { principal } = callerOf(ctx);
    return { user: principal.name, role: principal.role };
  }

  @Query(() => [ModuleSummary], {
    description: 'The modules installed on this node, with the last state admin announced. Role: Monitor.',
  })
  @Allow('Monitor')
  modules(): ModuleSummary[] {
    return this.node.modules();
  }
}
