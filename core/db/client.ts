// The Prisma client over node-postgres (@prisma/adapter-pg): no native query engine anywhere. The
// pool underneath is shared with the few statements of the opening-minute path that skip the ORM
// (core/db/sql.ts, decision 0004).
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/client.ts';

export type Db = PrismaClient;
export type * from './generated/client.ts';
export { Prisma } from './generated/client.ts';

const pools = new WeakMap<Db, pg.Pool>();

export function createDb(connectionString: string, poolSize = 10): Db {
  const pool = new pg.Pool({ connectionString, max: poolSize });
  // a connection that drops while idle is replaced by the pool; without a listener it would crash us
  pool.on('error', () => {});
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(db, pool);
  return db;
}

/** The connection pool under a client made by createDb. */
export function poolOf(db: Db): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('this client was not made by createDb');
  return pool;
}
