// What a quota's approval does to the children who applied while it waited (K-SEAT-1, decision 0008):
// they held their places in line; the moment the district (or the ministry, for its own file) approves,
// the seats go to them in the one order (order.ts) under the stage in force, and every one of them is
// told — a seat, or their place in line now that the numbers are in force.
import { type Actor, enqueueMessage, type Tx } from '../services/applications/ledger.ts';
import { fillFreeSeats, type SeatKey } from './seats.ts';

export async function admitOnApproval(
  tx: Tx,
  key: SeatKey,
  ctx: { actor: Actor; now: Date; documentsDueAt: Date; wasApproved: boolean },
): Promise<bigint[]> {
  const admitted = await fillFreeSeats(tx, [key], {
    ...ctx,
    // more seats in a quota already in force are simply free seats
    notice: ctx.wasApproved ? 'seat_offered' : 'seat_quota_approved',
  });
  if (ctx.wasApproved) return admitted;
  const waiting = await tx.application.findMany({
    where: {
      status: 'waitlisted',
      campaignId: key.campaignId,
      schoolId: key.schoolId,
      language: key.language as never,
    },
    select: { id: true, telegramId: true, number: true },
  });
  for (const w of waiting) {
    await enqueueMessage(
      tx,
      w.telegramId,
      'quota_approved_waiting',
      { number: w.number, schoolId: key.schoolId, language: key.language },
      { dedupeKey: `quota_approved_waiting:${w.id}:${key.schoolId}:${key.language}` },
    );
  }
  return admitted;
}
