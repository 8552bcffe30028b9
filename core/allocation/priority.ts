// Where a priority category applies (R-15.2, K-PRIO-1/2, decision 0008). A verified claim ranks first
// only at a school where its category applies:
//  - kairylman (R-15.2b): at any school;
//  - staff tenure (R-15.2c): only at the school whose staff register holds the parent with at least a
//    year by 15 September — "at this school";
//  - military (R-15.2a) "at the family's place of residence": at a school whose catchment holds the
//    child's registered or declared actual address, or that lies in the district of the registered
//    address (military families are often housed by posting, outside the catchment grid).
import type { Prisma } from '../db/client.ts';
import { type Address, inCatchment, staffTenureQualifies } from '../domain/eligibility.ts';
import { type FillContext, fillFreeSeats } from './seats.ts';

export type Category = 'none' | 'military' | 'kairylman' | 'staff';

/** R-15.2a: the school serves the family's place of residence. Pure. */
export function militaryResidenceMatches(input: {
  registeredDistrictId: string | null;
  schoolDistrictId: string;
  registeredInCatchment: boolean;
  actualInCatchment: boolean;
}): boolean {
  return (
    input.registeredInCatchment ||
    input.actualInCatchment ||
    (input.registeredDistrictId !== null && input.registeredDistrictId === input.schoolDistrictId)
  );
}

/** R-15.2c: the staff register of this school qualifies the parent. Pure. */
export function staffRegisterQualifies(
  entry: { employedSince: Date; employedUntil: Date | null } | null,
  campaignYear: number,
): boolean {
  return (
    entry !== null &&
    staffTenureQualifies(
      entry.employedSince.toISOString().slice(0, 10),
      entry.employedUntil?.toISOString().slice(0, 10) ?? null,
      campaignYear,
    )
  );
}

type Tx = Prisma.TransactionClient;

/**
 * Whether the application's priority category applies at this school (the residence of R-15.2a, the
 * register of R-15.2c). Reads the school's catchment and staff register in the caller's transaction.
 */
export async function categoryAppliesAt(
  tx: Tx,
  a: { priority: Category; applicantPin: string; registeredAddress: unknown; actualAddress: unknown },
  school: { id: number; districtId: string },
  campaignYear: number,
): Promise<boolean> {
  if (a.priority === 'none') return false;
  if (a.priority === 'kairylman') return true;
  if (a.priority === 'staff') {
    const entry = await tx.staffRegisterEntry.findUnique({
      where: { schoolId_pin: { schoolId: school.id, pin: a.applicantPin } },
    });
    return staffRegisterQualifies(entry, campaignYear);
  }
  const rules = await tx.catchment.findMany({
    where: { schoolId: school.id },
    select: { settlement: true, street: true, houseFrom: true, houseTo: true },
  });
  const registered = a.registeredAddress as (Address & { districtId?: string }) | null;
  const actual = a.actualAddress as Address | null;
  return militaryResidenceMatches({
    registeredDistrictId: registered?.districtId ?? null,
    schoolDistrictId: school.districtId,
    registeredInCatchment: registered ? inCatchment(registered, rules) : false,
    actualInCatchment: actual ? inCatchment(actual, rules) : false,
  });
}

/** The campaign's year, for the 15 September of R-15.2c ("2026/27" → 2026). */
export const campaignYearOf = (academicYear: string) => Number(academicYear.slice(0, 4));

/**
 * After a claim is verified: the line it waits in is re-ordered at once (the order reads the status),
 * and a seat there that the stage in force lets it take goes to whoever is now first. An admitted
 * child is never moved out (K-PRIO-2): only free seats are given.
 */
export async function promoteAfterVerification(
  tx: Tx,
  a: {
    status: string;
    campaignId: string;
    schoolId: number | null;
    language: string | null;
    swapSchoolId: number | null;
    swapLanguage: string | null;
  },
  ctx: FillContext,
): Promise<bigint[]> {
  const key =
    a.status === 'waitlisted' && a.schoolId !== null && a.language !== null
      ? { schoolId: a.schoolId, campaignId: a.campaignId, language: a.language }
      : a.status === 'admitted' && a.swapSchoolId !== null && a.swapLanguage !== null
        ? { schoolId: a.swapSchoolId, campaignId: a.campaignId, language: a.swapLanguage }
        : null;
  return key ? fillFreeSeats(tx, [key], ctx) : [];
}
