// The web application's Nest module: its controllers, every one behind the role guard.
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyController } from './apikey.controller';
import { AuthGuard } from './auth.guard';
import { ConfigController } from './config.controller';
import { LoginController } from './login.controller';
import { ModulesController } from './modules.controller';
import { NodeController } from './node.controller';
import { ProxyController } from '../peers/proxy.controller';
import { WEB_CONTEXT, type WebContext } from './web-context';

@Module({})
export class WebModule {
  static forContext(web: WebContext): DynamicModule {
    return {
      module: WebModule,
      controllers: [
        LoginController,
        NodeController,
        ModulesController,
        ConfigController,
        ApiKeyController,
        ProxyController,
      ],
      providers: [
        { provide: WEB_CONTEXT, useValue: web },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}
