import { Module } from '@nestjs/common';

/** tcp, ping, intf, ip, custom, module and splitbrain checkers, and errd. Its providers arrive with the checkers. */
@Module({})
export class CheckersModule {}
