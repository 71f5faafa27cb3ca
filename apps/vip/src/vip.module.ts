import { Module } from '@nestjs/common';

/** Virtual IPs: mirror alias + gratuitous ARP, farm load-balancing filter. Its providers arrive with the VIP work. */
@Module({})
export class VipModule {}
