// The school charter (K-SCHOOL-8, R-10.9, R-12.3, R-13.3): the director sends it to the bot as a
// PDF; Kattoo keeps the channel's file reference (for Telegram, the file_id) on the school, and the
// public school card sends it to anyone who asks. Type and size are checked before anything is kept.
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/client.ts';
import { audit, authorize, SchoolOpsError, type StaffRolesReader, schoolsFor, telegramActor } from './ops.ts';

export const CHARTER_MAX_BYTES = 10 * 1024 * 1024;
export const CHARTER_MIME = 'application/pdf';

/** Why a file cannot be the charter, or null when it can. */
export function charterProblem(file: {
  mimeType?: string | null;
  fileName?: string | null;
  size?: number | null;
}): { code: 'not_pdf' } | { code: 'too_large'; maxMb: number } | null {
  const mime = file.mimeType?.toLowerCase() ?? '';
  const byName = /\.pdf$/i.test(file.fileName ?? '');
  if (mime !== CHARTER_MIME && !(mime === '' && byName)) return { code: 'not_pdf' };
  if (file.size === undefined || file.size === null || file.size > CHARTER_MAX_BYTES)
    return { code: 'too_large', maxMb: CHARTER_MAX_BYTES / 1024 / 1024 };
  return null;
}

export function charterService(deps: { db: Db; clock: Clock; identity: StaffRolesReader }) {
  const { db, clock, identity } = deps;
  return {
    /**
     * The schools whose charter this user may set: the director's (roles.ts has no action of its
     * own for school documents; `school.quota.edit` is the director-only school action used here).
     */
    schools(telegramId: number) {
      return schoolsFor(identity, telegramId, 'school.quota.edit');
    },

    /** Keeps the file as the school's charter (replacing an earlier one); audited. */
    async setCharter(
      telegramId: number,
      input: {
        schoolId: number;
        fileId: string;
        fileName?: string | null;
        mimeType?: string | null;
        size?: number | null;
      },
    ): Promise<{ replaced: boolean }> {
      await authorize(db, identity, telegramId, 'school.quota.edit', input.schoolId, ['director']);
      const problem = charterProblem(input);
      if (problem)
        throw new SchoolOpsError(problem.code, problem.code === 'too_large' ? { maxMb: problem.maxMb } : {});
      if (!/^[A-Za-z0-9_-]{10,200}$/.test(input.fileId)) throw new SchoolOpsError('not_pdf');
      const name = (input.fileName ?? 'charter.pdf').replace(/\p{Cc}/gu, '').slice(0, 120) || 'charter.pdf';
      return db.$transaction(async (tx) => {
        const before = await tx.school.findUniqueOrThrow({
          where: { id: input.schoolId },
          select: { charterFileId: true },
        });
        await tx.school.update({
          where: { id: input.schoolId },
          data: { charterFileId: input.fileId, charterName: name },
        });
        await audit(
          tx,
          clock.now(),
          telegramActor(telegramId),
          'school.charter.set',
          `school:${input.schoolId}`,
          {
            name,
            size: input.size ?? null,
            replaced: before.charterFileId !== null,
          },
        );
        return { replaced: before.charterFileId !== null };
      });
    },
  };
}
export type CharterService = ReturnType<typeof charterService>;
