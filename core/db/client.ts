// The Prisma client over node-postgres (@prisma/adapter-pg): no native query engine anywhere.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client.ts';

export type Db = PrismaClient;
export type * from './generated/client.ts';
export { Prisma } from './generated/client.ts';

export function createDb(connectionString: string, poolSize = 10): Db {
  const adapter = new PrismaPg({ connectionString, max: poolSize });
  return new PrismaClient({ adapter });
}
