// Starts PostgreSQL once per test run — the server in DATABASE_URL, or an embedded one (fsync off) —
// and migrates one template database; each test file clones it (test/support/db.ts), so files never
// share rows and run in parallel.
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../core/db/embedded.ts';
import { applyMigrations } from '../../core/db/migrations.ts';
import { createLogger } from '../../core/logger.ts';

export default async function setup(project: TestProject) {
  const log = createLogger('warn');
  let adminUrl = process.env.DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  if (!adminUrl) {
    const embedded = await startEmbeddedPostgres('var/test', log, { preferredPort: 54339, fast: true });
    adminUrl = embedded.url;
    stop = embedded.stop;
  }
  const template = `kattoo_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  const url = new URL(adminUrl);
  url.pathname = `/${template}`;
  await applyMigrations(url.toString());
  await admin.end();
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);
  return async () => {
    const a = new pg.Client({ connectionString: adminUrl });
    await a.connect();
    const left = await a.query(`SELECT datname FROM pg_database WHERE datname LIKE 'kt_${process.pid}_%'`);
    for (const r of left.rows) await a.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
    await a.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await a.end();
    await stop?.();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}
