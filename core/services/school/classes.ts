// Class formation (K-SCHOOL-7, R-10.8): the enrolled children of each language of instruction —
// enrolled applications and direct admissions — split into first-grade classes 1-А, 1-Б, 1-В … of
// at most the class size (never above the legal 36), girls and boys balanced, deterministic. Staff
// may move a child between classes of the same language while the size limit holds. Every list
// with names is a read of personal data and is written to the access log (K-CORE-5, R-10.5).
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/client.ts';
import type { InstructionLanguage } from '../../domain/reference.ts';
import type { StaffLink } from '../identity.ts';
import {
  activeCampaign,
  audit,
  authorize,
  SchoolOpsError,
  type StaffRolesReader,
  type Tx,
  telegramActor,
} from './ops.ts';
import { DEFAULT_CLASS_SIZE, LEGAL_CLASS_MAX } from './quotas.ts';

/** Class letters as Kyrgyz and Russian schools use them: the Cyrillic alphabet without Ё Й Ъ Ы Ь. */
export const CLASS_LETTERS = [...'АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ'];
export const GRADE = 1;
const LANGUAGE_ORDER: InstructionLanguage[] = ['ky', 'ru', 'uz', 'tg', 'en'];

/** The name of the i-th class of the school (0 → "1-А"). */
export function classNameAt(i: number): string {
  const letter = CLASS_LETTERS[i];
  if (letter === undefined) throw new SchoolOpsError('too_many_classes', { max: CLASS_LETTERS.length });
  return `${GRADE}-${letter}`;
}

/** Order of a class name ("1-В" → 2), or -1 for a name that is not ours. */
export function classIndex(name: string): number {
  const m = /^1-(.)$/u.exec(name);
  return m?.[1] ? CLASS_LETTERS.indexOf(m[1]) : -1;
}

export type Sex = 'F' | 'M';

/** A child as formation needs it. `key` is stable and unique (e.g. `a:123`, `d:7`). */
export type Pupil = { key: string; surname: string; name: string; patronymic?: string; sex: Sex | null };

const collator = new Intl.Collator('ky', { sensitivity: 'base', numeric: true });

/** Alphabetical (Kyrgyz collation), then by key: the same input always gives the same order. */
export function byName(a: Pupil, b: Pupil): number {
  return (
    collator.compare(a.surname, b.surname) ||
    collator.compare(a.name, b.name) ||
    collator.compare(a.patronymic ?? '', b.patronymic ?? '') ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

/** The size limit of a class: the quota's class size, never above the legal maximum. */
export function classLimit(classSize: number | null | undefined): number {
  return Math.max(1, Math.min(classSize ?? DEFAULT_CLASS_SIZE, LEGAL_CLASS_MAX));
}

/**
 * Splits the children of one language into ⌈n / limit⌉ classes. Girls (alphabetically), then boys,
 * then children whose sex is not recorded are dealt round-robin: class sizes differ by at most one
 * (so none exceeds the limit), and the girls and the boys are each spread as evenly as they can be —
 * the boys' surplus lands in the classes the girls' surplus missed. Pure and deterministic.
 */
export function formClasses(pupils: readonly Pupil[], limit: number): Pupil[][] {
  if (!Number.isInteger(limit) || limit < 1) throw new Error('class limit must be a positive integer');
  const n = pupils.length;
  if (n === 0) return [];
  const k = Math.ceil(n / limit);
  const sorted = [...pupils].sort(byName);
  const dealt = [
    ...sorted.filter((p) => p.sex === 'F'),
    ...sorted.filter((p) => p.sex === 'M'),
    ...sorted.filter((p) => p.sex !== 'F' && p.sex !== 'M'),
  ];
  const classes: Pupil[][] = Array.from({ length: k }, () => []);
  dealt.forEach((p, i) => {
    (classes[i % k] as Pupil[]).push(p);
  });
  for (const c of classes) c.sort(byName);
  return classes;
}

/** The sex as recorded for a direct admission (free text of the school's form), or null. */
export function sexOf(v: unknown): Sex | null {
  if (typeof v !== 'string') return null;
  const s = v.trim().toLowerCase();
  if (/^(f|female|girl|ж|жен|кыз|д)/u.test(s)) return 'F';
  if (/^(m|male|boy|м|муж|эр|уул)/u.test(s)) return 'M';
  return null;
}

/** Splits a direct admission's one-field name "Surname Name Patronymic". */
function splitName(full: string): { surname: string; name: string; patronymic?: string } {
  const [surname = '', name = '', ...rest] = full.trim().split(/\s+/);
  return rest.length > 0 ? { surname, name, patronymic: rest.join(' ') } : { surname, name };
}

export type ClassPupil = {
  assignmentId: number;
  no: number;
  surname: string;
  name: string;
  patronymic: string | null;
  birthDate: string | null;
  sex: Sex | null;
  /** application number; null for a direct admission */
  number: string | null;
  direct: boolean;
};

export type ClassSummary = {
  name: string;
  language: InstructionLanguage;
  size: number;
  girls: number;
  boys: number;
};

export type ClassesOverview = {
  schoolId: number;
  school: { code: string; name: { ky: string; ru: string; en: string } };
  languages: {
    language: InstructionLanguage;
    limit: number;
    enrolled: number;
    unassigned: number;
    classes: ClassSummary[];
  }[];
  formed: boolean;
};

export type ClassList = {
  name: string;
  language: InstructionLanguage;
  limit: number;
  pupils: ClassPupil[];
};

export type SchoolClassLists = {
  school: { code: string; name: { ky: string; ru: string; en: string } };
  academicYear: string;
  generatedAt: Date;
  classes: ClassList[];
};

type Enrolled = Pupil & {
  language: InstructionLanguage;
  applicationId: bigint | null;
  directAdmissionId: number | null;
  childPin: string | null;
  birthDate: string | null;
  number: string | null;
};

export function classService(deps: { db: Db; clock: Clock; identity: StaffRolesReader }) {
  const { db, clock, identity } = deps;

  async function enrolledOf(client: Db | Tx, schoolId: number, campaignId: string): Promise<Enrolled[]> {
    const apps = await client.application.findMany({
      where: { schoolId, campaignId, status: 'enrolled' },
      select: { id: true, number: true, language: true, child: true, childPin: true },
    });
    const direct = await client.directAdmission.findMany({
      where: { schoolId, campaignId, withdrawnAt: null },
    });
    const out: Enrolled[] = [];
    for (const a of apps) {
      if (!a.language) continue;
      const c = (a.child ?? {}) as {
        surname?: string;
        name?: string;
        patronymic?: string;
        sex?: string;
        birthDate?: string;
      };
      out.push({
        key: `a:${a.id}`,
        surname: c.surname ?? '',
        name: c.name ?? '',
        ...(c.patronymic ? { patronymic: c.patronymic } : {}),
        sex: c.sex === 'F' || c.sex === 'M' ? c.sex : null,
        language: a.language,
        applicationId: a.id,
        directAdmissionId: null,
        childPin: a.childPin,
        birthDate: c.birthDate ?? null,
        number: a.number,
      });
    }
    for (const d of direct) {
      out.push({
        key: `d:${d.id}`,
        ...splitName(d.childName),
        sex: sexOf(d.sex),
        language: d.language,
        applicationId: null,
        directAdmissionId: d.id,
        childPin: d.childPin,
        birthDate: d.birthDate ? d.birthDate.toISOString().slice(0, 10) : null,
        number: null,
      });
    }
    return out;
  }

  const keyOf = (a: { applicationId: bigint | null; directAdmissionId: number | null }) =>
    a.applicationId !== null ? `a:${a.applicationId}` : `d:${a.directAdmissionId}`;

  async function limits(client: Db | Tx, schoolId: number, campaignId: string) {
    const quotas = await client.quota.findMany({ where: { schoolId, campaignId } });
    return (language: InstructionLanguage) =>
      classLimit(quotas.find((q) => q.language === language)?.classSize);
  }

  async function lockSchool(tx: Tx, schoolId: number, campaignId: string) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`classes:${campaignId}`}), ${schoolId})`;
  }

  async function overviewOf(client: Db | Tx, schoolId: number): Promise<ClassesOverview> {
    const campaign = await activeCampaign(client);
    const school = await client.school.findUniqueOrThrow({ where: { id: schoolId } });
    const enrolled = await enrolledOf(client, schoolId, campaign.id);
    const byKey = new Map(enrolled.map((e) => [e.key, e]));
    const assignments = await client.classAssignment.findMany({
      where: { schoolId, campaignId: campaign.id },
    });
    const limitOf = await limits(client, schoolId, campaign.id);
    const langs = LANGUAGE_ORDER.filter(
      (l) => school.languages.includes(l) || enrolled.some((e) => e.language === l),
    );
    return {
      schoolId,
      school: { code: school.code, name: { ky: school.nameKy, ru: school.nameRu, en: school.nameEn } },
      formed: assignments.length > 0,
      languages: langs.map((language) => {
        const mine = assignments.filter((a) => a.language === language && byKey.has(keyOf(a)));
        const names = [...new Set(mine.map((a) => a.className))].sort(
          (a, b) => classIndex(a) - classIndex(b),
        );
        const count = enrolled.filter((e) => e.language === language).length;
        return {
          language,
          limit: limitOf(language),
          enrolled: count,
          unassigned: count - mine.length,
          classes: names.map((name) => {
            const kids = mine.filter((a) => a.className === name).map((a) => byKey.get(keyOf(a)) as Enrolled);
            return {
              name,
              language,
              size: kids.length,
              girls: kids.filter((k) => k.sex === 'F').length,
              boys: kids.filter((k) => k.sex === 'M').length,
            };
          }),
        };
      }),
    };
  }

  async function logReads(
    tx: Tx,
    link: StaffLink,
    telegramId: number,
    pupils: Enrolled[],
    what: string,
    purpose: string,
  ): Promise<void> {
    const rows = pupils
      .filter((p) => p.childPin)
      .map((p) => ({
        at: clock.now(),
        staffMemberId: link.id,
        telegramId: BigInt(telegramId),
        role: link.role,
        applicationId: p.applicationId,
        childPin: p.childPin as string,
        what,
        purpose,
      }));
    if (rows.length > 0) await tx.accessLog.createMany({ data: rows });
  }

  async function listsOf(
    tx: Tx,
    schoolId: number,
    only?: { className: string },
  ): Promise<{ lists: SchoolClassLists; pupils: Enrolled[] }> {
    const campaign = await activeCampaign(tx);
    const school = await tx.school.findUniqueOrThrow({ where: { id: schoolId } });
    const enrolled = await enrolledOf(tx, schoolId, campaign.id);
    const byKey = new Map(enrolled.map((e) => [e.key, e]));
    const limitOf = await limits(tx, schoolId, campaign.id);
    const assignments = await tx.classAssignment.findMany({
      where: { schoolId, campaignId: campaign.id, ...(only ? { className: only.className } : {}) },
    });
    const names = [...new Set(assignments.map((a) => a.className))].sort(
      (a, b) => classIndex(a) - classIndex(b),
    );
    const seen: Enrolled[] = [];
    const classes: ClassList[] = [];
    for (const name of names) {
      const rows = assignments
        .filter((a) => a.className === name && byKey.has(keyOf(a)))
        .map((a) => ({ a, p: byKey.get(keyOf(a)) as Enrolled }))
        .sort((x, y) => byName(x.p, y.p));
      const first = rows[0];
      if (!first) continue;
      seen.push(...rows.map((r) => r.p));
      classes.push({
        name,
        language: first.a.language,
        limit: limitOf(first.a.language),
        pupils: rows.map(({ a, p }, i) => ({
          assignmentId: a.id,
          no: i + 1,
          surname: p.surname,
          name: p.name,
          patronymic: p.patronymic ?? null,
          birthDate: p.birthDate,
          sex: p.sex,
          number: p.number,
          direct: p.directAdmissionId !== null,
        })),
      });
    }
    return {
      lists: {
        school: { code: school.code, name: { ky: school.nameKy, ru: school.nameRu, en: school.nameEn } },
        academicYear: campaign.academicYear,
        generatedAt: clock.now(),
        classes,
      },
      pupils: seen,
    };
  }

  return {
    /** Counts per class (no names, so no access-log entry). */
    async overview(telegramId: number, schoolId: number): Promise<ClassesOverview> {
      await authorize(db, identity, telegramId, 'school.classes.form', schoolId);
      return overviewOf(db, schoolId);
    },

    /**
     * Forms the classes. The first time (or with `reset`) every enrolled child is placed afresh;
     * afterwards the classes are kept and only what changed is updated: children no longer enrolled
     * leave their class, newly enrolled children join the class of their language with the fewest of
     * their sex that has room (a new class when none has).
     */
    async form(
      telegramId: number,
      schoolId: number,
      opts: { reset?: boolean } = {},
    ): Promise<ClassesOverview> {
      const { link } = await authorize(db, identity, telegramId, 'school.classes.form', schoolId);
      return db.$transaction(
        async (tx) => {
          const campaign = await activeCampaign(tx);
          await lockSchool(tx, schoolId, campaign.id);
          const enrolled = await enrolledOf(tx, schoolId, campaign.id);
          const byKey = new Map(enrolled.map((e) => [e.key, e]));
          const limitOf = await limits(tx, schoolId, campaign.id);
          const now = clock.now();
          let existing = await tx.classAssignment.findMany({ where: { schoolId, campaignId: campaign.id } });
          const stale = opts.reset ? existing : existing.filter((a) => !byKey.has(keyOf(a)));
          if (stale.length > 0)
            await tx.classAssignment.deleteMany({ where: { id: { in: stale.map((a) => a.id) } } });
          const staleIds = new Set(stale.map((a) => a.id));
          existing = existing.filter((a) => !staleIds.has(a.id));
          const placed = new Set(existing.map(keyOf));
          const used = new Set(existing.map((a) => a.className));
          let nextLetter = 0;
          const newName = () => {
            while (used.has(classNameAt(nextLetter))) nextLetter++;
            const name = classNameAt(nextLetter);
            used.add(name);
            return name;
          };
          let added = 0;
          for (const language of LANGUAGE_ORDER) {
            const pupils = enrolled.filter((e) => e.language === language);
            if (pupils.length === 0) continue;
            const limit = limitOf(language);
            const mine = existing.filter((a) => a.language === language);
            const fresh = pupils.filter((p) => !placed.has(p.key)).sort(byName);
            if (fresh.length === 0) continue;
            const rows: { className: string; p: Enrolled }[] = [];
            if (mine.length === 0) {
              formClasses(fresh, limit).forEach((c) => {
                const name = newName();
                for (const p of c) rows.push({ className: name, p: p as Enrolled });
              });
            } else {
              const classes = new Map<string, { size: number; F: number; M: number }>();
              for (const a of mine) {
                const c = classes.get(a.className) ?? { size: 0, F: 0, M: 0 };
                c.size++;
                const sex = byKey.get(keyOf(a))?.sex;
                if (sex) c[sex]++;
                classes.set(a.className, c);
              }
              for (const p of fresh) {
                const open = [...classes.entries()]
                  .filter(([, c]) => c.size < limit)
                  .sort(
                    ([an, a], [bn, b]) =>
                      (p.sex ? a[p.sex] - b[p.sex] : 0) || a.size - b.size || classIndex(an) - classIndex(bn),
                  );
                let name = open[0]?.[0];
                if (name === undefined) {
                  name = newName();
                  classes.set(name, { size: 0, F: 0, M: 0 });
                }
                const c = classes.get(name) as { size: number; F: number; M: number };
                c.size++;
                if (p.sex) c[p.sex]++;
                rows.push({ className: name, p });
              }
            }
            await tx.classAssignment.createMany({
              data: rows.map(({ className, p }) => ({
                schoolId,
                campaignId: campaign.id,
                language,
                className,
                applicationId: p.applicationId,
                directAdmissionId: p.directAdmissionId,
                assignedAt: now,
              })),
            });
            added += rows.length;
          }
          await audit(tx, now, telegramActor(telegramId), 'classes.formed', `school:${schoolId}`, {
            staff: link.id,
            reset: opts.reset === true,
            placed: added,
            removed: stale.length,
          });
          return overviewOf(tx, schoolId);
        },
        { timeout: 30_000, maxWait: 20_000 },
      );
    },

    /** One class with names (logged as a read of each child's data). */
    async classList(telegramId: number, schoolId: number, className: string): Promise<ClassList> {
      const { link } = await authorize(db, identity, telegramId, 'school.classes.form', schoolId);
      return db.$transaction(async (tx) => {
        const { lists, pupils } = await listsOf(tx, schoolId, { className });
        const list = lists.classes[0];
        if (!list) throw new SchoolOpsError('class_not_found');
        await logReads(tx, link, telegramId, pupils, 'class_list', 'class_formation');
        return list;
      });
    },

    /** Every class with names, for the XLSX and PDF files (logged as reads). */
    async lists(telegramId: number, schoolId: number): Promise<SchoolClassLists> {
      const { link } = await authorize(db, identity, telegramId, 'school.classes.form', schoolId);
      return db.$transaction(async (tx) => {
        const { lists, pupils } = await listsOf(tx, schoolId);
        if (lists.classes.length === 0) throw new SchoolOpsError('no_classes');
        await logReads(tx, link, telegramId, pupils, 'class_list_file', 'class_formation');
        return lists;
      });
    },

    /** One child's class and the other classes of the language (the move screen; a logged read). */
    async placement(
      telegramId: number,
      assignmentId: number,
    ): Promise<{
      schoolId: number;
      className: string;
      surname: string;
      name: string;
      classes: ClassSummary[];
    }> {
      const a = await db.classAssignment.findUnique({ where: { id: assignmentId } });
      if (!a) throw new SchoolOpsError('not_found');
      const { link } = await authorize(db, identity, telegramId, 'school.classes.form', a.schoolId);
      return db.$transaction(async (tx) => {
        const enrolled = await enrolledOf(tx, a.schoolId, a.campaignId);
        const child = enrolled.find((e) => e.key === keyOf(a));
        if (!child) throw new SchoolOpsError('not_found');
        await logReads(tx, link, telegramId, [child], 'class_placement', 'class_formation');
        const o = await overviewOf(tx, a.schoolId);
        return {
          schoolId: a.schoolId,
          className: a.className,
          surname: child.surname,
          name: child.name,
          classes: o.languages.find((l) => l.language === a.language)?.classes ?? [],
        };
      });
    },

    /** Moves a child to another class of the same language, if it has room. */
    async move(
      telegramId: number,
      assignmentId: number,
      toClass: string,
    ): Promise<{ from: string; to: string; schoolId: number }> {
      const a0 = await db.classAssignment.findUnique({ where: { id: assignmentId } });
      if (!a0) throw new SchoolOpsError('not_found');
      const { link } = await authorize(db, identity, telegramId, 'school.classes.form', a0.schoolId);
      return db.$transaction(async (tx) => {
        await lockSchool(tx, a0.schoolId, a0.campaignId);
        const a = await tx.classAssignment.findUnique({ where: { id: assignmentId } });
        if (!a) throw new SchoolOpsError('not_found');
        if (a.className === toClass) throw new SchoolOpsError('same_class');
        const there = await tx.classAssignment.count({
          where: { schoolId: a.schoolId, campaignId: a.campaignId, language: a.language, className: toClass },
        });
        if (there === 0) throw new SchoolOpsError('class_not_found');
        const limitOf = await limits(tx, a.schoolId, a.campaignId);
        if (there >= limitOf(a.language))
          throw new SchoolOpsError('class_full', { limit: limitOf(a.language) });
        const now = clock.now();
        await tx.classAssignment.update({
          where: { id: a.id },
          data: { className: toClass, movedBy: link.id, assignedAt: now },
        });
        await audit(tx, now, telegramActor(telegramId), 'classes.moved', `school:${a.schoolId}`, {
          assignment: a.id,
          from: a.className,
          to: toClass,
        });
        return { from: a.className, to: toClass, schoolId: a.schoolId };
      });
    },
  };
}
export type ClassService = ReturnType<typeof classService>;
