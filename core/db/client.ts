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
const unnamed = new WeakSet<Db>();

export type DbOptions = {
  /**
   * false: core/db/sql.ts sends its statements unnamed. Named statements live on one server
   * connection, so a pooler in transaction mode must track them (PgBouncer ≥ 1.21 with
   * max_prepared_statements); older ones fail with "prepared statement … does not exist" (decision 0013).
   */
  namedStatements?: boolean;
};

export function createDb(connectionString: string, poolSize = 10, opts: DbOptions = {}): Db {
  const pool = new pg.Pool({ connectionString, max: poolSize });
  // a connection that drops while idle is replaced by the pool; without a listener it would crash us
  pool.on('error', () => {});
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(db, pool);
  if (opts.namedStatements === false) unnamed.add(db);
  return db;
}

/** Whether core/db/sql.ts may name its statements on this client (DbOptions.namedStatements). */
export function namesStatements(db: Db): boolean {
  return !unnamed.has(db);
}

/** The connection pool under a client made by createDb. */
export function poolOf(db: Db): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('this client was not made by createDb');
  return pool;
}
