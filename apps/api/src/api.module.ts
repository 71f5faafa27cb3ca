import { Module } from '@nestjs/common';

/** REST + GraphQL + /metrics, serves the console, proxies to peers. Its providers arrive with the API. */
@Module({})
export class ApiModule {}
