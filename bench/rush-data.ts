// The families of the opening-rush benchmark (bench/rush.ts): demo families of the synthetic registry
// (the population the app's registry simulator serves, over the world the app seeded), each with a
// verified draft at its catchment school that is ready to submit, written straight into the database in
// bulk — the rows the wizard would have left (test/integration/concurrency.test.ts does the same) —
// and each parent's PIN linked to a Telegram id as a completed state sign-in does.
import type pg from 'pg';
import { isDemoEligible } from '../sim/registry/demo-population.ts';
import type { Population } from '../sim/registry/population.ts';

export type RushFamily = {
  /** Telegram user id = private chat id */
  telegramId: number;
  parentPin: string;
  childPin: string;
  schoolId: number;
  schoolCode: string;
  language: string;
  /** its quota gets more applications than it has seats (some of these children are waitlisted) */
  hot: boolean;
  /** the draft's id, once written */
  applicationId: string;
};

export type RushQuota = { key: string; seats: number; demand: number };

export type Prepared = {
  families: RushFamily[];
  /** quotas with more prepared drafts than seats */
  hot: RushQuota[];
  ms: number;
};

/** FNV-1a in [0, 1): a stable coin per child, so the same run makes the same choices. */
function coin(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}

/** A seeded shuffle (mulberry32), for the order the parents press "Submit" in. */
export function shuffled<T>(list: readonly T[], seed = 42): T[] {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

type Candidate = Omit<RushFamily, 'hot' | 'applicationId'> & {
  relation: string;
  certificateSeries: string;
  certificateNumber: string;
  child: Record<string, string>;
  address: Record<string, string>;
};

/**
 * Picks `count` families (one child each, so each parent is one chat) and writes their drafts.
 * Language: the school's first language for four families in five, else another of its quota
 * languages — which makes the demo world's most wanted schools over-subscribed. Families of
 * over-subscribed quotas are all taken first (so admitted and waitlisted both happen), then the
 * population's own order fills up to `count`.
 */
export async function prepareFamilies(
  client: pg.Client,
  population: Population,
  opts: { count: number; campaignId: string; now: Date; firstTelegramId?: number; chunk?: number },
): Promise<Prepared> {
  const started = performance.now();
  const schools = new Map<string, { id: number; languages: string[] }>();
  const quotaRows = await client.query<{ id: number; code: string; languages: string[] }>(
    `SELECT s.id, s.code, array_agg(q.language::text ORDER BY array_position(s.languages, q.language)) AS languages
     FROM school s JOIN quota q ON q.school_id = s.id AND q.campaign_id = $1
     WHERE s.participates AND NOT s.special GROUP BY s.id, s.code`,
    [opts.campaignId],
  );
  for (const r of quotaRows.rows) schools.set(r.code, { id: r.id, languages: r.languages });
  const seats = new Map<string, number>();
  for (const r of (
    await client.query<{ school_id: number; language: string; seats: number }>(
      'SELECT school_id, language::text AS language, seats FROM quota WHERE campaign_id = $1',
      [opts.campaignId],
    )
  ).rows)
    seats.set(`${r.school_id}:${r.language}`, r.seats);

  // Every eligible family once, with its first eligible child.
  const candidates: Candidate[] = [];
  const parents = new Set<string>();
  for (const family of population.families) {
    const school = schools.get(family.address.schoolCode);
    if (!school || parents.has(family.applicantPin)) continue;
    const child = family.children.find((c) => isDemoEligible(c, population));
    const record = child && population.birthRecords.get(child.pin);
    if (!child || !record) continue;
    parents.add(family.applicantPin);
    const langs = school.languages;
    const language =
      langs.length === 1 || coin(child.pin) < 0.8
        ? (langs[0] as string)
        : (langs[1 + Math.floor(coin(`lang:${child.pin}`) * (langs.length - 1))] as string);
    candidates.push({
      telegramId: 0,
      parentPin: family.applicantPin,
      childPin: child.pin,
      schoolId: school.id,
      schoolCode: family.address.schoolCode,
      language,
      relation:
        record.motherPin === family.applicantPin
          ? 'mother'
          : record.fatherPin === family.applicantPin
            ? 'father'
            : 'guardian',
      certificateSeries: record.certificate.series,
      certificateNumber: record.certificate.number,
      child: {
        surname: record.surname,
        name: record.name,
        ...(record.patronymic ? { patronymic: record.patronymic } : {}),
        sex: record.sex,
        birthDate: record.birthDate,
      },
      address: {
        districtId: family.address.districtId,
        settlement: family.address.settlement,
        street: family.address.street,
        house: family.address.house,
      },
    });
  }
  const demand = new Map<string, number>();
  for (const c of candidates) {
    const k = `${c.schoolId}:${c.language}`;
    demand.set(k, (demand.get(k) ?? 0) + 1);
  }
  const isHot = (c: Candidate) => {
    const k = `${c.schoolId}:${c.language}`;
    return (demand.get(k) ?? 0) > (seats.get(k) ?? 0);
  };
  const chosen = [...candidates.filter(isHot), ...candidates.filter((c) => !isHot(c))].slice(0, opts.count);
  if (chosen.length < opts.count)
    throw new Error(`the population has only ${chosen.length} eligible families (asked for ${opts.count})`);
  const firstId = opts.firstTelegramId ?? 900_000_000;
  chosen.forEach((c, i) => {
    c.telegramId = firstId + i;
  });

  // Demand among the chosen ones (the hot quotas' families are all in).
  const chosenDemand = new Map<string, number>();
  for (const c of chosen) {
    const k = `${c.schoolId}:${c.language}`;
    chosenDemand.set(k, (chosenDemand.get(k) ?? 0) + 1);
  }
  const hot: RushQuota[] = [...chosenDemand]
    .filter(([k, d]) => d > (seats.get(k) ?? 0))
    .map(([key, d]) => ({ key, seats: seats.get(key) ?? 0, demand: d }));

  // Bulk writes: set-based INSERTs of `chunk` rows (unnest of arrays), one transaction.
  const chunk = opts.chunk ?? 5000;
  const year = (
    await client.query<{ y: string }>('SELECT academic_year AS y FROM campaign WHERE id = $1', [
      opts.campaignId,
    ])
  ).rows[0]?.y.slice(0, 4);
  const ids = new Map<number, string>();
  await client.query('BEGIN');
  try {
    for (let from = 0; from < chosen.length; from += chunk) {
      const part = chosen.slice(from, from + chunk);
      const col = <T>(f: (c: Candidate) => T) => part.map(f);
      await client.query(
        `INSERT INTO identity_link (telegram_id, pin) SELECT * FROM unnest($1::bigint[], $2::text[])`,
        [col((c) => c.telegramId), col((c) => c.parentPin)],
      );
      // Parents who used the bot before: their language is remembered.
      await client.query(
        `INSERT INTO chat_user (telegram_id, language) SELECT * FROM unnest($1::bigint[], $2::text[])`,
        [col((c) => c.telegramId), col((c) => (coin(`ui:${c.parentPin}`) < 0.7 ? 'ky' : 'ru'))],
      );
      const r = await client.query<{ id: string; telegram_id: string }>(
        `INSERT INTO application (number, campaign_id, telegram_id, applicant_pin, child_pin, certificate_series,
           certificate_number, verification, verified_at, relation, child, registered_address, school_id, language,
           catchment_match, phone, consent_at, created_at, updated_at)
         SELECT $1 || '-' || lpad(nextval('application_number_seq')::text, 7, '0'), $2, t.tid, t.ppin, t.cpin, t.ser,
           t.num, 'verified', $3, t.rel, t.child, t.addr, t.school, t.lang::"Language", true, t.phone, $3, now(), now()
         FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::jsonb[],
           $11::jsonb[], $12::int[], $13::text[], $14::text[])
           AS t(tid, ppin, cpin, ser, num, rel, child, addr, school, lang, phone)
         RETURNING id::text, telegram_id::text`,
        [
          year,
          opts.campaignId,
          opts.now,
          col((c) => c.telegramId),
          col((c) => c.parentPin),
          col((c) => c.childPin),
          col((c) => c.certificateSeries),
          col((c) => c.certificateNumber),
          col((c) => c.relation),
          col((c) => JSON.stringify(c.child)),
          col((c) => JSON.stringify(c.address)),
          col((c) => c.schoolId),
          col((c) => c.language),
          col((c) => `+99670${String(c.telegramId % 10_000_000).padStart(7, '0')}`),
        ],
      );
      for (const row of r.rows) ids.set(Number(row.telegram_id), row.id);
    }
    // The transition createDraft records.
    await client.query(
      `INSERT INTO application_transition (application_id, at, from_status, to_status, actor_kind, actor_id, reason, details)
       SELECT id, $2, NULL, 'draft', 'parent', telegram_id::text, 'draft_created', '{"verification":"verified"}'
       FROM application WHERE campaign_id = $1 AND status = 'draft'`,
      [opts.campaignId, opts.now],
    );
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  }
  await client.query('ANALYZE');
  const families: RushFamily[] = chosen.map((c) => ({
    telegramId: c.telegramId,
    parentPin: c.parentPin,
    childPin: c.childPin,
    schoolId: c.schoolId,
    schoolCode: c.schoolCode,
    language: c.language,
    hot: isHot(c),
    applicationId: ids.get(c.telegramId) as string,
  }));
  return { families, hot, ms: Math.round(performance.now() - started) };
}
