import { Module } from '@nestjs/common';

/** File replication control (drives the native replicated filesystem). Its providers arrive with replication. */
@Module({})
export class RfsModule {}
