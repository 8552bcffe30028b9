// Plain SQL on the client's own pool, for the statements of the opening-minute path (decision 0004):
// named, so PostgreSQL plans them once per connection, and without the ORM's per-call work, which
// cost more than the database itself there. Everything else goes through Prisma.
import pg from 'pg';
import { type Db, namesStatements, poolOf } from './client.ts';

const INT8 = 20;
/** bigint columns as BigInt, as the Prisma client returns them (pg's default is a string) */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8
      ? (v: string) => BigInt(v)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

export async function sql<T extends pg.QueryResultRow>(
  db: Db,
  name: string,
  text: string,
  values: unknown[],
): Promise<T[]> {
  // unnamed behind a pooler that cannot track named statements (DATABASE_NAMED_STATEMENTS=0)
  const r = await poolOf(db).query<T>(
    namesStatements(db) ? { name, text, values, types } : { text, values, types },
  );
  return r.rows;
}

/** BigInt parameters as text: node-postgres has no encoding of its own for them. */
export const int8 = (v: bigint | number): string => String(v);
