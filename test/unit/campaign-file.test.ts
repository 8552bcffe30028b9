import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignCommand } from '../../cli/campaign.ts';
import { AdjustableClock, bishkekTime } from '../../core/clock.ts';
import {
  type CampaignFileInput,
  campaignService,
  parseCampaignFile,
  planChanges,
} from '../../core/services/oversight/campaign.ts';
import { OversightError } from '../../core/services/oversight/errors.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const SAMPLE = readFileSync(new URL('../../docs/campaign-2026-27.json', import.meta.url), 'utf8');
const sample = (): CampaignFileInput => JSON.parse(SAMPLE);

function problemsOf(file: unknown) {
  const r = parseCampaignFile(file);
  if (r.ok) throw new Error('expected problems');
  return r.problems;
}

describe('the campaign file (K-CAMP-1)', () => {
  it('reads the sample: Bishkek instants, ordinals, priority categories with their legal references', () => {
    const r = parseCampaignFile(SAMPLE);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.plan.stages[0]).toEqual({
      ordinal: 1,
      kind: 'catchment',
      mode: 'queue',
      opensAt: bishkekTime('2026-04-01', '10:00'),
      closesAt: bishkekTime('2026-05-31', '18:00'),
    });
    expect(r.plan.stages[0]?.opensAt.toISOString()).toBe('2026-04-01T04:00:00.000Z');
    expect(r.plan.documentsDeadline).toEqual(bishkekTime('2026-09-15', '18:00'));
    expect(r.plan.priorityCategories.map((p) => p.category)).toEqual(['military', 'kairylman', 'staff']);
    expect(r.plan.priorityCategories[0]?.legalReference).toMatch(/R-15\.2a/);
  });

  it('reports every shape problem with its path', () => {
    const f = sample() as Record<string, unknown>;
    f.cancellationLimit = -1;
    f.unknown = 1;
    (f.stages as Record<string, unknown>[])[1] = { kind: 'lottery', opens: '2026-06-01 10:00', closes: 'x' };
    (f.priorityCategories as Record<string, unknown>[])[0] = { category: 'military', legalReference: '' };
    const paths = problemsOf(f).map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'cancellationLimit',
        '(file)',
        'stages[1].kind',
        'stages[1].opens',
        'stages[1].closes',
        'priorityCategories[0].legalReference',
      ]),
    );
    expect(problemsOf('{ not json')[0]).toMatchObject({ path: '(file)', code: 'not_json' });
  });

  it('refuses stages out of order and overlapping registration stages', () => {
    const swapped = sample();
    const [a, b] = swapped.stages;
    if (!a || !b) throw new Error('sample');
    swapped.stages[0] = { ...b, ordinal: 1 };
    swapped.stages[1] = { ...a, ordinal: 2 };
    const codes = problemsOf(swapped).map((p) => `${p.path} ${p.code}`);
    expect(codes).toContain('stages[1] stage_order');
    expect(codes).toContain('stages[1].kind stage_kind_order');

    const overlap = sample();
    if (overlap.stages[1]) overlap.stages[1].opens = '2026-05-20T10:00';
    expect(problemsOf(overlap)).toEqual([
      expect.objectContaining({
        path: 'stages[1].opens',
        code: 'stage_overlap',
        params: { other: 0, closes: '2026-05-31 18:00' },
      }),
    ]);

    const backwards = sample();
    if (backwards.stages[2]) backwards.stages[2].closes = '2026-06-30T09:00';
    expect(problemsOf(backwards).map((p) => p.code)).toContain('stage_closes_before_opening');

    const twice = sample();
    twice.stages.splice(2, 0, {
      ordinal: 9,
      kind: 'catchment',
      mode: 'queue',
      opens: '2026-06-30T19:00',
      closes: '2026-06-30T20:00',
    });
    expect(problemsOf(twice).map((p) => p.code)).toEqual(
      expect.arrayContaining(['stage_kind_duplicate', 'stage_kind_order']),
    );
  });

  it('keeps the window, the stages and the deadline inside sensible bounds', () => {
    const young = sample();
    young.birthDate = { from: '2020-01-01', to: '2022-03-01' };
    const old = sample();
    old.birthDate = { from: '2016-06-01', to: '2018-12-31' };
    const upside = sample();
    upside.birthDate = { from: '2020-12-31', to: '2019-01-01' };
    expect(problemsOf(young).map((p) => p.code)).toEqual(['birth_window_too_young']);
    expect(problemsOf(old).map((p) => p.code)).toEqual(['birth_window_too_old']);
    expect(problemsOf(upside).map((p) => p.code)).toEqual(['birth_window_order']);

    const early = sample();
    early.documentsDeadline = '2026-08-15T18:00';
    expect(problemsOf(early).map((p) => p.code)).toEqual(
      expect.arrayContaining(['deadline_before_stages', 'documents_after_deadline']),
    );
    const nextYear = sample();
    if (nextYear.stages[2]) nextYear.stages[2].closes = '2027-01-10T18:00';
    expect(problemsOf(nextYear).map((p) => `${p.path} ${p.code}`)).toContain(
      'stages[2].closes stage_outside_year',
    );
    const wrongId = sample();
    wrongId.id = '2027-28';
    expect(problemsOf(wrongId)[0]).toMatchObject({ path: 'id', code: 'id_year_mismatch' });
    const none = sample();
    none.stages = none.stages.filter((s) => s.kind === 'documents');
    expect(problemsOf(none).map((p) => p.code)).toContain('no_registration_stage');
  });

  it('refuses mode "window" until the window mode exists, with its path (K-CAMP-4, finding 8)', () => {
    const lottery = sample();
    if (lottery.stages[0]) lottery.stages[0].mode = 'window';
    expect(problemsOf(lottery)).toEqual([
      expect.objectContaining({ path: 'stages[0].mode', code: 'window_mode_unavailable' }),
    ]);
    expect(problemsOf(lottery)[0]?.message).toMatch(/not available yet: use "queue"/);
  });

  it('derives the free-seats stage after the release: from the day after the deadline to the end of freeSeatsUntil (R-16.6, finding 4)', () => {
    const r = parseCampaignFile(SAMPLE);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.plan.stages.at(-1)).toEqual({
      ordinal: 5,
      kind: 'free_seats',
      mode: 'queue',
      opensAt: bishkekTime('2026-09-16', '00:00'),
      closesAt: bishkekTime('2027-06-01', '00:00'), // the whole of 31 May
    });
    expect(r.plan).toMatchObject({ freeSeatsUntil: '2027-05-31', offerWorkingDays: 5 });
    // without the fields: 31 May of the school year and five working days
    const bare = sample() as Record<string, unknown>;
    delete bare.freeSeatsUntil;
    delete bare.offerWorkingDays;
    const d = parseCampaignFile(bare);
    if (!d.ok) throw new Error(JSON.stringify(d.problems));
    expect(d.plan).toMatchObject({ freeSeatsUntil: '2027-05-31', offerWorkingDays: 5 });
    // the ministry may end it earlier, not before it opens nor after the school year
    const short = sample() as Record<string, unknown>;
    short.freeSeatsUntil = '2026-12-25';
    short.offerWorkingDays = 7;
    const s2 = parseCampaignFile(short);
    if (!s2.ok) throw new Error(JSON.stringify(s2.problems));
    expect(s2.plan.stages.at(-1)?.closesAt).toEqual(bishkekTime('2026-12-26', '00:00'));
    expect(s2.plan.offerWorkingDays).toBe(7);
    const early = sample() as Record<string, unknown>;
    early.freeSeatsUntil = '2026-09-10';
    expect(problemsOf(early)).toEqual([
      expect.objectContaining({ path: 'freeSeatsUntil', code: 'free_seats_until_early' }),
    ]);
    const late = sample() as Record<string, unknown>;
    late.freeSeatsUntil = '2027-09-01';
    expect(problemsOf(late)).toEqual([
      expect.objectContaining({ path: 'freeSeatsUntil', code: 'free_seats_until_late' }),
    ]);
    const zero = sample() as Record<string, unknown>;
    zero.offerWorkingDays = 0;
    expect(problemsOf(zero)[0]?.path).toBe('offerWorkingDays');
    // a registration stage listed after the deadline is still refused: the stage comes from the field
    const listed = sample();
    listed.stages.push({ kind: 'free_seats', opens: '2026-10-01T09:00', closes: '2026-11-01T18:00' });
    expect(problemsOf(listed).map((p) => `${p.path} ${p.code}`)).toContain(
      'stages[4].opens stage_after_deadline',
    );
  });

  it('marks as retroactive what is in force once a stage has opened', () => {
    const r = parseCampaignFile(SAMPLE);
    if (!r.ok) throw new Error('sample');
    const stored = { ...r.plan, priorityCategories: r.plan.priorityCategories };
    const before = bishkekTime('2026-03-01', '10:00');
    const during = bishkekTime('2026-04-10', '10:00');
    const later = structuredClone(r.plan);
    const s2 = later.stages[1];
    const s1 = later.stages[0];
    if (!s1 || !s2) throw new Error('sample');
    s2.opensAt = bishkekTime('2026-06-02', '10:00'); // an upcoming stage moved into the future
    expect(planChanges(stored, later, before).every((c) => !c.retroactive)).toBe(true);
    expect(planChanges(stored, later, during)).toEqual([
      expect.objectContaining({ path: 'stage 2', retroactive: false }),
    ]);
    s1.closesAt = bishkekTime('2026-05-25', '18:00'); // the open stage shortened
    later.cancellationLimit = 2;
    const changes = planChanges(stored, later, during);
    expect(
      changes
        .filter((c) => c.retroactive)
        .map((c) => c.path)
        .sort(),
    ).toEqual(['cancellationLimit', 'stage 1']);
    // an upcoming stage moved to a time already past is retroactive too
    s2.opensAt = bishkekTime('2026-04-05', '10:00');
    s1.closesAt = bishkekTime('2026-04-04', '18:00');
    expect(planChanges(stored, later, during).find((c) => c.path === 'stage 2')?.retroactive).toBe(true);
  });
});

describe('applying a campaign file (database, command line)', () => {
  let database: TestDatabase;
  const clock = new AdjustableClock(bishkekTime('2026-03-01', '12:00'));
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: {
        out: (l: string) => out.push(l),
        err: (l: string) => err.push(l),
        env: { USER: 'ministry-officer' },
        clock,
        readFile: async (p: string) =>
          p === 'sample.json' ? SAMPLE : p === 'bad.json' ? BAD : p === 'window.json' ? WINDOW : CHANGED,
      },
    };
  };
  const BAD = JSON.stringify({ ...sample(), cancellationLimit: 'three', stages: [] });
  const changedFile = sample();
  if (changedFile.stages[0]) changedFile.stages[0].closes = '2026-05-20T18:00';
  const CHANGED = JSON.stringify(changedFile);
  const windowFile = sample();
  if (windowFile.stages[1]) windowFile.stages[1].mode = 'window';
  const WINDOW = JSON.stringify(windowFile);

  it('validates, creates, shows; refuses a change of an opened stage without a reason and audits it with one', async () => {
    const { db } = database;
    const bad = io();
    expect(await campaignCommand(db, ['validate', 'bad.json'], bad.io)).toBe(1);
    expect(bad.err.join('\n')).toMatch(
      /not valid \(2 problems\)[\s\S]* {2}stages: [\s\S]* {2}cancellationLimit: /,
    );

    // a lottery stage is refused by the command line too, and nothing is stored (K-CAMP-4)
    const lottery = io();
    expect(await campaignCommand(db, ['apply', 'window.json'], lottery.io)).toBe(1);
    expect(lottery.err.join('\n')).toMatch(/stages\[1\]\.mode: the window mode .* is not available yet/);
    expect(await db.campaign.count()).toBe(0);

    const v = io();
    expect(await campaignCommand(db, ['validate', 'sample.json'], v.io)).toBe(0);
    expect(v.out).toContain('applying creates campaign 2026-27');

    const a = io();
    expect(await campaignCommand(db, ['apply', 'sample.json'], a.io)).toBe(0);
    expect(a.out[0]).toBe('campaign 2026-27: created');
    const stored = await db.campaign.findUniqueOrThrow({
      where: { id: '2026-27' },
      include: { stages: true },
    });
    expect(stored.active).toBe(true);
    expect(stored.stages).toHaveLength(5); // the file's four and the free seats after the release
    expect(stored.offerWorkingDays).toBe(5);
    expect(await campaignCommand(db, ['apply', 'sample.json'], io().io)).toBe(0);

    // before any stage opens, changes are free
    const early = io();
    expect(await campaignCommand(db, ['apply', 'changed.json'], early.io)).toBe(0);
    expect(early.out[0]).toBe('campaign 2026-27: updated');
    expect(await campaignCommand(db, ['apply', 'sample.json'], io().io)).toBe(0);

    // stage 1 has opened: shortening it is retroactive
    clock.set(bishkekTime('2026-04-10', '09:00'));
    const refused = io();
    expect(await campaignCommand(db, ['apply', 'changed.json'], refused.io)).toBe(1);
    expect(refused.err.join('\n')).toMatch(
      /refused.*reason[\s\S]*stage 1: catchment queue 2026-04-01 10:00 → 2026-05-31 18:00/,
    );
    const unchanged = await db.stage.findFirstOrThrow({ where: { campaignId: '2026-27', ordinal: 1 } });
    expect(unchanged.closesAt).toEqual(bishkekTime('2026-05-31', '18:00'));

    const service = campaignService({ db, clock });
    await expect(service.apply(CHANGED, { kind: 'cli', id: 'x' })).rejects.toBeInstanceOf(OversightError);

    const ok = io();
    expect(
      await campaignCommand(
        db,
        ['apply', 'changed.json', '--reason', 'Ministry order No. 12: stage I ends earlier'],
        ok.io,
      ),
    ).toBe(0);
    expect(ok.out[0]).toMatch(/updated \(after opening/);
    const event = await db.auditEvent.findFirstOrThrow({
      where: { subject: 'campaign:2026-27', action: 'campaign.changed_after_opening' },
    });
    expect(event.actorId).toBe('ministry-officer');
    expect(event.details).toMatchObject({ reason: 'Ministry order No. 12: stage I ends earlier' });

    const show = io();
    expect(await campaignCommand(db, ['show'], show.io)).toBe(0);
    expect(show.out.join('\n')).toMatch(/stage 1: catchment .* 2026-04-01 10:00 → 2026-05-20 18:00/);
    expect(show.out.join('\n')).toMatch(/priority military: R-15\.2a/);
    expect(show.out.join('\n')).toMatch(
      /campaign.changed_after_opening by cli:ministry-officer — reason: Ministry order/,
    );
    expect(await campaignCommand(db, ['nonsense'], io().io)).toBe(2);
  });
});
