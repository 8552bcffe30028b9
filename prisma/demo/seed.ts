// Loading a reference world (territories, campaign, schools, catchments, quotas) into the database:
// one transaction, one set-based INSERT per table (core/import/bulk.ts). Used by `kattoo seed`, by
// demo start-up and by tests.
import { type Db, poolOf } from '../../core/db/client.ts';
import type { ReferenceWorld, TerritoryInput } from '../../core/domain/reference.ts';
import { insertCatchments, upsertQuotas, upsertTerritories, writeSchools } from '../../core/import/bulk.ts';
import type { Logger } from '../../core/logger.ts';
import { generateDemoWorld } from './world.ts';

export type SeedCounts = { territories: number; schools: number; catchments: number; quotas: number };

/** Parents before children, whatever order the world lists them in. */
export function parentsFirst(list: readonly TerritoryInput[]): TerritoryInput[] {
  const byId = new Map(list.map((t) => [t.id, t]));
  const depth = new Map<string, number>();
  const depthOf = (t: TerritoryInput, seen: Set<string>): number => {
    const known = depth.get(t.id);
    if (known !== undefined) return known;
    const parent = t.parentId ? byId.get(t.parentId) : undefined;
    if (parent && seen.has(parent.id)) throw new Error(`territory cycle through ${t.id}`);
    const d = parent ? depthOf(parent, new Set([...seen, t.id])) + 1 : 0;
    depth.set(t.id, d);
    return d;
  };
  return [...list]
    .map((t, i) => ({ t, i, d: depthOf(t, new Set([t.id])) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((x) => x.t);
}

/**
 * Writes a whole reference world into a database that has none of it yet (territory ids, school codes
 * and the campaign id must be new). All or nothing: one transaction.
 */
export async function seedReferenceWorld(db: Db, world: ReferenceWorld): Promise<SeedCounts> {
  return db.$transaction(
    async (tx) => {
      const t = await upsertTerritories(tx, parentsFirst(world.territories));

      const c = world.campaign;
      await tx.campaign.create({
        data: {
          id: c.id,
          academicYear: c.academicYear,
          birthFrom: new Date(`${c.birthFrom}T00:00:00Z`),
          birthTo: new Date(`${c.birthTo}T00:00:00Z`),
          documentsDeadline: c.documentsDeadline,
          cancellationLimit: c.cancellationLimit,
          active: c.active,
          stages: {
            create: c.stages.map((s) => ({
              ordinal: s.ordinal,
              kind: s.kind,
              mode: s.mode,
              opensAt: s.opensAt,
              closesAt: s.closesAt,
            })),
          },
        },
      });

      const { ids } = await writeSchools(tx, world.schools, 'fail');
      const idOf = (code: string): number => {
        const id = ids.get(code);
        if (id === undefined) throw new Error(`reference world: unknown school code ${code}`);
        return id;
      };
      const catchments = await insertCatchments(
        tx,
        world.catchments.map((x) => ({
          schoolId: idOf(x.schoolCode),
          settlement: x.settlement,
          street: x.street,
          houseFrom: x.houseFrom,
          houseTo: x.houseTo,
        })),
      );
      const q = await upsertQuotas(
        tx,
        world.quotas.map(({ schoolCode, ...rest }) => ({ ...rest, schoolId: idOf(schoolCode) })),
      );
      return {
        territories: t.inserted + t.updated,
        schools: ids.size,
        catchments,
        quotas: q.inserted + q.updated,
      };
    },
    { maxWait: 10_000, timeout: 60_000 },
  );
}

/** Loads the demo world when the database has no school yet; true when it did. */
export async function seedDemoIfEmpty(db: Db, log: Logger): Promise<boolean> {
  // Several processes starting at once on an empty database: one seeds, the others wait and find it
  // seeded (without the lock they crashed on campaign_pkey). A session lock on a connection of its own.
  const lock = await poolOf(db).connect();
  try {
    await lock.query("SELECT pg_advisory_lock(hashtext('kattoo_demo_seed'))");
    return await seedUnlessSeeded(db, log);
  } finally {
    await lock.query("SELECT pg_advisory_unlock(hashtext('kattoo_demo_seed'))").catch(() => {});
    lock.release();
  }
}

async function seedUnlessSeeded(db: Db, log: Logger): Promise<boolean> {
  const existing = await db.school.count();
  if (existing > 0) {
    log.info({ schools: existing }, 'reference data present; demo world not loaded');
    return false;
  }
  const started = performance.now();
  const world = generateDemoWorld();
  const counts = await seedReferenceWorld(db, world);
  log.info({ ...counts, ms: Math.round(performance.now() - started) }, 'demo world loaded');
  return true;
}
