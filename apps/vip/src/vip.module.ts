// Nest wiring of the vip service: configuration values, runtime logger and metrics, the
// node-local bus, the node's addresses and links, and the clock. Every port can be replaced
// (tests pass twins).
import { Module, type DynamicModule } from '@nestjs/common';
import { CLOCK, nodeServiceModule, systemClock, type Clock, type ServiceModuleOptions } from '@keel/runtime';
import { nativeAddresses } from './adapters/native-addresses';
import { kernelConnections } from './adapters/kernel-connections';
import { sysfsLinks } from './adapters/sysfs-links';
import { nativeFarmLink } from './adapters/native-farm-link';
import { nftFarmFilter } from './adapters/nft-farm-filter';
import { FARM_FILTER, type FarmFilterPort } from './ports/farm-filter.port';
import { FARM_LINK, type FarmLinkPort } from './ports/farm-link.port';
import {
  ADDRESSES,
  VIP_CONNECTIONS,
  LINKS,
  VIP_OPTIONS,
  VIP_PLAN,
  type AddressPort,
  type VipConnections,
  type LinkPort,
} from './ports/address.port';
import { VipController } from './service/vip.controller';
import { SERVICE_NAME, VipService, type VipServiceOptions } from './service/vip.service';
import type { VipSettings } from './settings';

/** Without a bus, the module connects to settings.natsUrl. */
export interface VipModuleOptions extends ServiceModuleOptions {
  readonly settings: VipSettings;
  readonly addresses?: AddressPort;
  readonly links?: LinkPort;
  readonly reset?: VipConnections;
  readonly filter?: FarmFilterPort;
  readonly link?: FarmLinkPort;
  readonly clock?: Clock;
  readonly service?: VipServiceOptions;
}

@Module({})
export class VipModule {
  static forRoot(options: VipModuleOptions): DynamicModule {
    const { settings } = options;
    return nodeServiceModule({
      module: VipModule,
      role: SERVICE_NAME,
      settings,
      notes: [
        ...settings.notes,
        ...(settings.plan.modules.length === 0
          ? [{ level: 'info' as const, message: 'no module with a virtual IP on this node' }]
          : []),
      ],
      options,
      controllers: [VipController],
      providers: [
        { provide: VIP_PLAN, useValue: settings.plan },
        { provide: VIP_OPTIONS, useValue: options.service ?? {} },
        { provide: ADDRESSES, useValue: options.addresses ?? nativeAddresses },
        { provide: LINKS, useValue: options.links ?? sysfsLinks },
        { provide: VIP_CONNECTIONS, useValue: options.reset ?? kernelConnections },
        { provide: FARM_FILTER, useValue: options.filter ?? nftFarmFilter() },
        { provide: FARM_LINK, useValue: options.link ?? nativeFarmLink },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        VipService,
      ],
      exports: [VipService],
    });
  }
}
