// Applications in every state a live campaign has at once, through the real core service: complete
// drafts pressed at the same instant (some admitted, the rest waitlisted), a withdrawal that hands
// its seat on, and drafts not yet submitted. Used by the PgBouncer and backup/restore tests.
import { AdjustableClock } from '../../core/clock.ts';
import type { Db } from '../../core/db/client.ts';
import { createLogger } from '../../core/logger.ts';
import { applicationService } from '../../core/services/applications/service.ts';
import { childPin, parentPin, registryStub } from './registry-stub.ts';
import { CAMPAIGN, STAGE1_OPEN, seedSmallWorld } from './small-world.ts';

export const SEATS = 3;

/** `drafts` complete drafts for the first school's Kyrgyz class (SEATS seats), telegram ids from `firstTelegramId`. */
export async function seedDrafts(db: Db, drafts: number, firstTelegramId = 10_000) {
  const { codes } = await seedSmallWorld(db, { seats: { '10001:ky': SEATS } });
  const school = await db.school.findUniqueOrThrow({ where: { code: codes[0] as string } });
  await db.application.createMany({
    data: Array.from({ length: drafts }, (_, i) => ({
      number: `2026-${String(i + 1).padStart(7, '0')}`,
      campaignId: CAMPAIGN,
      telegramId: BigInt(firstTelegramId + i),
      applicantPin: parentPin(i),
      childPin: childPin(i),
      certificateSeries: 'KG',
      certificateNumber: String(100000 + i),
      verification: 'verified',
      child: { surname: 'А', name: 'Б', sex: 'M', birthDate: '2019-06-15' },
      registeredAddress: { settlement: 'Бишкек', street: 'Көчө 1', house: String((i % 100) + 1) },
      schoolId: school.id,
      language: 'ky',
      phone: '+996700000000',
      consentAt: new Date(),
    })),
  });
  const rows = await db.application.findMany({
    orderBy: { id: 'asc' },
    select: { id: true, telegramId: true },
  });
  return { school, drafts: rows.map((r) => ({ id: String(r.id), telegramId: Number(r.telegramId) })) };
}

export function inFlightService(db: Db) {
  return applicationService({
    db,
    clock: new AdjustableClock(STAGE1_OPEN),
    registry: registryStub([]),
    log: createLogger('silent'),
  });
}

/** Submits all but `keepDrafts` at once, then the first admitted one withdraws (its seat goes on). */
export async function campaignInFlight(db: Db, opts: { drafts: number; keepDrafts: number }) {
  const { school, drafts } = await seedDrafts(db, opts.drafts);
  const svc = inFlightService(db);
  const pressed = drafts.slice(0, drafts.length - opts.keepDrafts);
  const outcomes = await Promise.all(pressed.map((d) => svc.submit(d.id, d.telegramId)));
  const admitted = pressed.filter((_, i) => outcomes[i]?.outcome === 'admitted');
  const first = admitted[0];
  if (first) await svc.withdraw(first.id, first.telegramId);
  return { school, drafts, outcomes, withdrawn: first };
}
