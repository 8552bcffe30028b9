// The database's own limit for the opening rush (bench/rush.ts): pgbench running the minimal SQL
// transaction of a submission — lock the application, lock its quota, take a seat if one is free,
// decide the application, record the transition — over synthetic rows in the same tables of the same
// database (indexes, constraints, foreign keys and triggers included): a copy of the rush's drafts and
// quotas under a campaign of their own, so the rush's rows are left as they were.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';

export const PGBENCH = '/usr/bin/pgbench';
const CAMPAIGN = 'rush-pgbench';

export type PgbenchResult = {
  tps: number;
  latencyMsMean: number;
  transactions: number;
  failed: number;
  clients: number;
  seconds: number;
};

/** Copies the drafts (by id) and every quota of `campaignId` under the pgbench campaign, seats free. */
async function syntheticRows(client: pg.Client, campaignId: string, applicationIds: string[]) {
  await client.query('BEGIN');
  try {
    await client.query(`DELETE FROM application WHERE campaign_id = $1`, [CAMPAIGN]);
    await client.query(`DELETE FROM campaign WHERE id = $1`, [CAMPAIGN]);
    await client.query(
      `INSERT INTO campaign (id, academic_year, birth_from, birth_to, documents_deadline, cancellation_limit, active)
       SELECT $2, academic_year, birth_from, birth_to, documents_deadline, cancellation_limit, false
       FROM campaign WHERE id = $1`,
      [campaignId, CAMPAIGN],
    );
    await client.query(
      `INSERT INTO quota (school_id, campaign_id, language, seats, taken, class_size, approved, updated_at)
       SELECT school_id, $2, language, seats, 0, class_size, approved, now() FROM quota WHERE campaign_id = $1`,
      [campaignId, CAMPAIGN],
    );
    const r = await client.query<{ lo: string; hi: string; n: number }>(
      `WITH ins AS (
         INSERT INTO application (number, campaign_id, telegram_id, applicant_pin, child_pin, certificate_series,
           certificate_number, verification, verified_at, relation, child, registered_address, school_id, language,
           catchment_match, phone, consent_at, created_at, updated_at)
         SELECT 'PGB-' || number, $2, telegram_id, applicant_pin, child_pin, certificate_series, certificate_number,
           verification, verified_at, relation, child, registered_address, school_id, language, catchment_match,
           phone, consent_at, now(), now()
         FROM application WHERE id = ANY($1::bigint[]) ORDER BY id
         RETURNING id)
       SELECT min(id)::text AS lo, max(id)::text AS hi, count(*)::int AS n FROM ins`,
      [applicationIds, CAMPAIGN],
    );
    await client.query('COMMIT');
    const row = r.rows[0];
    if (!row || BigInt(row.hi) - BigInt(row.lo) + 1n !== BigInt(row.n))
      throw new Error('pgbench rows: ids are not contiguous');
    await client.query('ANALYZE application, quota, application_transition');
    return { lo: row.lo, hi: row.hi };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

/** The script: one submission decided, as few statements as the rule allows. */
export function pgbenchScript(lo: string, hi: string): string {
  return `\\set id random(${lo}, ${hi})
BEGIN;
SELECT school_id, language FROM application WHERE id = :id FOR UPDATE \\gset
SELECT seats, taken FROM quota WHERE school_id = :school_id AND campaign_id = '${CAMPAIGN}' AND language = :language FOR UPDATE;
UPDATE quota SET taken = taken + 1, updated_at = now() WHERE school_id = :school_id AND campaign_id = '${CAMPAIGN}' AND language = :language AND taken < seats;
UPDATE application SET status = 'admitted', submitted_at = now(), decided_at = now(), updated_at = now() WHERE id = :id;
INSERT INTO application_transition (application_id, from_status, to_status, actor_kind, actor_id, reason, details) VALUES (:id, 'draft', 'admitted', 'system', 'kattoo', 'seat_held', '{}');
COMMIT;
`;
}

/** Writes the synthetic rows; returns the range of their application ids. */
export async function preparePgbench(client: pg.Client, campaignId: string, applicationIds: string[]) {
  return syntheticRows(client, campaignId, applicationIds);
}

/** Runs pgbench over the synthetic rows (-M prepared: parameters, as the app's driver sends them). */
export async function runPgbench(
  databaseUrl: string,
  opts: { lo: string; hi: string; clients: number; seconds: number },
): Promise<PgbenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'kattoo-rush-'));
  const file = join(dir, 'submit.sql');
  await writeFile(file, pgbenchScript(opts.lo, opts.hi));
  try {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        PGBENCH,
        [
          '-n',
          '-M',
          'prepared',
          '-c',
          String(opts.clients),
          '-j',
          String(Math.min(opts.clients, 2)),
          '-T',
          String(opts.seconds),
          '-f',
          file,
          databaseUrl,
        ],
        { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, PGAPPNAME: 'pgbench' } },
        (err, stdout, stderr) =>
          err ? reject(new Error(`pgbench failed: ${stderr || err}`)) : resolve(stdout),
      ),
    );
    const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? Number.NaN);
    return {
      tps: num(/tps = ([\d.]+) \(without initial connection time\)/),
      latencyMsMean: num(/latency average = ([\d.]+) ms/),
      transactions: num(/number of transactions actually processed: (\d+)/),
      failed: num(/number of failed transactions: (\d+)/) || 0,
      clients: opts.clients,
      seconds: opts.seconds,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The synthetic rows go (best effort: the database is the benchmark's own); the rush's rows stay. */
export async function cleanupPgbench(client: pg.Client): Promise<void> {
  for (const sql of [
    'DELETE FROM application WHERE campaign_id = $1',
    'DELETE FROM application_stats WHERE campaign_id = $1',
    'DELETE FROM campaign WHERE id = $1',
  ])
    await client.query(sql, [CAMPAIGN]).catch(() => {});
}
