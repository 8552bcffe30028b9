// Authoring a migration offline: migrate a scratch database, then diff it against schema.prisma.
// Usage: DATABASE_URL=postgres://… npm run kattoo -- … or: node --import tsx prisma/new-migration.ts <name>
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { applyMigrations, prismaDir, schemaDrift } from '../core/db/migrations.ts';

const name = process.argv[2];
const admin = process.env.DATABASE_URL;
if (!name || !admin) {
  console.error('usage: DATABASE_URL=<server admin url> new-migration.ts <name>');
  process.exit(2);
}
const scratch = `kattoo_migration_${Date.now()}`;
const client = new pg.Client({ connectionString: admin });
await client.connect();
await client.query(`CREATE DATABASE ${scratch}`);
const url = new URL(admin);
url.pathname = `/${scratch}`;
try {
  await applyMigrations(url.toString());
  const sql = await schemaDrift(url.toString());
  if (!sql) {
    console.log('schema.prisma and the migrations agree; nothing to write');
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const dir = join(prismaDir, 'migrations', `${stamp}_${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'migration.sql'), `${sql}\n`);
    console.log(`wrote ${dir}/migration.sql`);
  }
} finally {
  await client.query(`DROP DATABASE ${scratch} WITH (FORCE)`);
  await client.end();
}
