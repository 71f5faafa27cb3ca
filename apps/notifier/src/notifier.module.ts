import { Module } from '@nestjs/common';

/** Email, SNMP agent and traps, syslog. Its providers arrive with notifications. */
@Module({})
export class NotifierModule {}
