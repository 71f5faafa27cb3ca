// The web application's Nest module: its controllers and GraphQL resolvers, every one behind the
// role guard, and the services both call.
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { GRAPHQL_RESOLVERS, graphqlModule } from '../graphql/graphql.module';
import { MetricsController } from '../metrics/metrics.controller';
import { ApiKeyController } from './apikey.controller';
import { AuthGuard } from './auth.guard';
import { CmdlogController } from './cmdlog.controller';
import { ChangesController } from '../changes/changes.controller';
import { ClusterInfoController } from '../changes/cluster-info.controller';
import { ConfigController } from './config.controller';
import { LoginController } from './login.controller';
import { ModuleService } from './module-service';
import { ModulesController } from './modules.controller';
import { NodeController } from './node.controller';
import { OpenidController } from './openid.controller';
import { ProxyController } from '../peers/proxy.controller';
import { NodeService } from './node-service';
import { WEB_CONTEXT, type WebContext } from './web-context';

@Module({})
export class WebModule {
  static forContext(web: WebContext): DynamicModule {
    return {
      module: WebModule,
      imports: [graphqlModule(web)],
      controllers: [
        LoginController,
        OpenidController,
        NodeController,
        CmdlogController,
        ModulesController,
        ConfigController,
        ChangesController,
        ClusterInfoController,
        ApiKeyController,
        ProxyController,
        MetricsController,
      ],
      providers: [
        { provide: WEB_CONTEXT, useValue: web },
        { provide: APP_GUARD, useClass: AuthGuard },
        ModuleService,
        NodeService,
        ...GRAPHQL_RESOLVERS,
      ],
    };
  }
}
