// Helpers of the report tests: reading back what the files hold (CSV, XLSX cells, a pdfkit PDF's
// text) and scanning it for personal data; synthetic applications in bulk; and the bot with the
// reports and open data against the Telegram simulator (until bot/app.ts wires them).
import { inflateSync } from 'node:zlib';
import type ExcelJS from 'exceljs';
import { expect } from 'vitest';
import { reportsFeature } from '../../bot/features/oversight/reports.ts';
import { openDataFeature } from '../../bot/features/public/opendata.ts';
import { staffLinkFeature } from '../../bot/features/staff/link.ts';
import { unhandledFeature } from '../../bot/features/unhandled.ts';
import type { UiLanguage } from '../../bot/i18n.ts';
import { AdjustableClock, bishkekTime } from '../../core/clock.ts';
import type { Db } from '../../core/db/client.ts';
import { createLogger } from '../../core/logger.ts';
import { openDataService } from '../../core/reports/open-data.ts';
import { reportsService } from '../../core/reports/service.ts';
import { takeDailySnapshot } from '../../core/reports/snapshot.ts';
import { chatUserRepository } from '../../core/repositories/chat-user-repository.ts';
import { inboxRepository } from '../../core/repositories/inbox-repository.ts';
import { identityService } from '../../core/services/identity.ts';
import { type StartedSimulator, startTelegramSimulator } from '../../sim/telegram/http.ts';
import { createTestDatabase } from './db.ts';
import { startHarnessBot } from './harness-bot.ts';
import { CAMPAIGN, seedSmallWorld } from './small-world.ts';

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF), without the byte-order mark. */
export function parseCsv(text: string): string[][] {
  const s = text.replace(/^\uFEFF/, '');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Every cell of every sheet as text. */
export function xlsxCells(wb: ExcelJS.Workbook): string[] {
  const out: string[] = [];
  for (const ws of wb.worksheets) {
    ws.eachRow({ includeEmpty: false }, (row) => {
      row.eachCell({ includeEmpty: false }, (cell) => {
        out.push(cell.text ?? String(cell.value ?? ''));
      });
    });
  }
  return out;
}

/** Parses a ToUnicode CMap into glyph code (hex) → text. */
function cmap(s: string): Map<string, string> {
  const map = new Map<string, string>();
  const text = (hex: string) => {
    let out = '';
    for (let i = 0; i + 4 <= hex.length; i += 4)
      out += String.fromCharCode(Number.parseInt(hex.slice(i, i + 4), 16));
    return out;
  };
  for (const block of s.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, from, to] of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g))
      map.set((from as string).toLowerCase(), text(to as string));
  }
  for (const block of s.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, lo, hi, rest] of (block[1] ?? '').matchAll(
      /<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g,
    )) {
      const a = Number.parseInt(lo as string, 16);
      const b = Number.parseInt(hi as string, 16);
      const width = (lo as string).length;
      const targets = (rest as string).startsWith('[')
        ? [...(rest as string).matchAll(/<([0-9a-fA-F]+)>/g)].map((x) => text(x[1] as string))
        : null;
      const base = targets ? 0 : Number.parseInt((rest as string).slice(1, -1), 16);
      for (let c = a; c <= b; c++)
        map.set(
          c.toString(16).padStart(width, '0'),
          targets ? (targets[c - a] ?? '') : String.fromCharCode(base + c - a),
        );
    }
  }
  return map;
}

/**
 * Text shown in a pdfkit PDF: each content stream's hex glyph strings mapped through the ToUnicode
 * CMap of the font selected at that point (`/F1 10 Tf`), font by font (glyph codes of a regular and a
 * bold subset overlap). Text runs are separated by spaces.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const objects = new Map<number, { dict: string; stream: string | null }>();
  for (const m of raw.matchAll(/(\d+) 0 obj([\s\S]*?)endobj/g)) {
    const body = m[2] as string;
    const sm = /stream\r?\n/.exec(body);
    let stream: string | null = null;
    let dict = body;
    if (sm) {
      dict = body.slice(0, sm.index);
      const bodyStart = (m.index as number) + m[0].length - 'endobj'.length - body.length;
      const start = bodyStart + sm.index + sm[0].length;
      const end = raw.indexOf('endstream', start);
      const bytes = pdf.subarray(start, end);
      try {
        stream = inflateSync(bytes).toString('latin1');
      } catch {
        stream = bytes.toString('latin1');
      }
    }
    objects.set(Number(m[1]), { dict, stream });
  }
  const fontMaps = new Map<string, Map<string, string>>();
  for (const o of objects.values()) {
    for (const [, name, num] of o.dict.matchAll(/\/(F\d+)\s+(\d+)\s+0\s+R/g)) {
      const font = objects.get(Number(num));
      const tu = /\/ToUnicode\s+(\d+)\s+0\s+R/.exec(font?.dict ?? '');
      const cm = tu ? objects.get(Number(tu[1]))?.stream : null;
      if (cm) fontMaps.set(name as string, cmap(cm));
    }
  }
  let out = '';
  for (const o of objects.values()) {
    const s = o.stream;
    if (!s || s.includes('begincmap') || !/\bTf\b/.test(s)) continue;
    let map: Map<string, string> | undefined;
    for (const m of s.matchAll(/\/(F\d+)\s+[\d.]+\s+Tf|<([0-9a-fA-F]+)>|\bET\b/g)) {
      if (m[1]) map = fontMaps.get(m[1]);
      else if (m[2] && map) {
        const h = m[2].toLowerCase();
        for (let i = 0; i + 4 <= h.length; i += 4) out += map.get(h.slice(i, i + 4)) ?? '';
      } else out += ' ';
    }
    out += '\n';
  }
  return out;
}

/** A run of exactly 14 digits: the shape of a PIN (or a company TIN). */
export const PIN_SHAPED = /(^|\D)\d{14}(\D|$)/;

/**
 * Fails when any text holds a PIN-shaped value or one of the names. Names are compared without case
 * and also with the text's spaces removed (a PDF may split a word into pieces).
 */
export function scanForPersonalData(texts: readonly string[], names: readonly string[]): void {
  for (const text of texts) {
    expect(PIN_SHAPED.test(text), `PIN-shaped value in: ${text.slice(0, 120)}`).toBe(false);
    const lower = text.toLowerCase();
    const squeezed = lower.replace(/\s+/g, '');
    for (const name of names) {
      for (const part of name.toLowerCase().split(/\s+/)) {
        if (part.length < 4) continue;
        expect(
          lower.includes(part) || squeezed.includes(part),
          `"${part}" found in: ${text.slice(0, 120)}`,
        ).toBe(false);
      }
    }
  }
}

// --- the bot with the reports and open data, against the Telegram simulator ---------------------

/** Children's names written into the synthetic applications' `child` snapshots (never in a report). */
export const SYNTHETIC_NAMES = [
  ['Абдыкадырова', 'Айзирек'],
  ['Сыдыков', 'Бекназар'],
  ['Турдубаева', 'Жибек'],
  ['Кадырбеков', 'Элдияр'],
] as const;

/**
 * `n` synthetic applications in one statement (the trigger keeps application_stats), spread over the
 * quotas of the campaign with statuses in fixed shares; child PINs are 14 digits from `firstPin` on.
 * Returns how many of each status were written.
 */
export async function insertSyntheticApplications(
  db: Db,
  opts: { campaignId: string; n: number; offset?: number },
): Promise<Record<string, number>> {
  const off = opts.offset ?? 0;
  const names = SYNTHETIC_NAMES.map(([s, n]) => `${s}|${n}`);
  await db.$executeRaw`
    WITH q AS (
      SELECT array_agg(school_id ORDER BY school_id, language) AS schools,
             array_agg(language::text ORDER BY school_id, language) AS langs
      FROM quota WHERE campaign_id = ${opts.campaignId}
    ), g AS (
      SELECT i, abs(hashint4(i * 7 + 1)) % 100 AS r, abs(hashint4(i * 13 + 5)) AS h FROM generate_series(${off + 1}::int, ${off + opts.n}::int) i
    )
    INSERT INTO application (number, campaign_id, telegram_id, applicant_pin, child_pin, certificate_series,
      certificate_number, status, verification, child, basis, stage_ordinal, school_id, language,
      priority, priority_status, submitted_at, received_seq)
    SELECT 'SYN-' || g.i, ${opts.campaignId}, 800000000 + g.i,
           '1010119' || lpad(g.i::text, 7, '0'),
           CASE WHEN g.h % 2 = 0 THEN '1' ELSE '2' END || '15062019' || lpad(g.i::text, 5, '0'),
           'KG', lpad(g.i::text, 6, '0'),
           (CASE WHEN g.r < 50 THEN 'admitted' WHEN g.r < 70 THEN 'waitlisted' WHEN g.r < 80 THEN 'enrolled'
                 WHEN g.r < 86 THEN 'submitted' WHEN g.r < 92 THEN 'withdrawn' WHEN g.r < 95 THEN 'rejected'
                 WHEN g.r < 98 THEN 'released' ELSE 'draft' END)::"ApplicationStatus",
           'verified'::"VerificationStatus",
           jsonb_build_object('surname', split_part((${names}::text[])[1 + g.h % ${names.length}], '|', 1),
                              'name', split_part((${names}::text[])[1 + g.h % ${names.length}], '|', 2),
                              'sex', CASE WHEN g.h % 2 = 0 THEN 'F' ELSE 'M' END, 'birthDate', '2019-06-15'),
           (CASE WHEN g.h % 10 < 7 THEN 'catchment' WHEN g.h % 10 < 9 THEN 'actual_residence' ELSE 'free_seats' END)::"StageKind",
           CASE WHEN g.h % 10 < 7 THEN 1 WHEN g.h % 10 < 9 THEN 2 ELSE 3 END,
           q.schools[1 + g.h % cardinality(q.schools)],
           q.langs[1 + g.h % cardinality(q.schools)]::"Language",
           (CASE WHEN g.h % 50 = 0 THEN 'military' WHEN g.h % 50 = 1 THEN 'staff' WHEN g.h % 50 = 2 THEN 'kairylman' ELSE 'none' END)::"PriorityCategory",
           (CASE WHEN g.h % 50 < 3 THEN 'verified' ELSE 'none' END)::"PriorityStatus",
           timestamptz '2026-04-01 10:00+06' + (g.i % 1000) * interval '1 minute', g.i
    FROM g CROSS JOIN q`;
  const rows = await db.$queryRaw<{ status: string; n: number }[]>`
    SELECT status::text AS status, COUNT(*)::int AS n FROM application
    WHERE number LIKE 'SYN-%' GROUP BY 1`;
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

export type ReportsApp = Awaited<ReturnType<typeof startReportsApp>>;

/**
 * The bot with staff links, the reports (/reports) and open data (/opendata), against the Telegram
 * simulator over real HTTP, on a fresh test database: the small world (Lenin district, 3 schools) plus
 * Oktyabr district with one school, and synthetic applications. Until bot/app.ts wires the features,
 * this builds the bot the way bot/create-bot.ts does (language, session, staff links, features,
 * unhandled, error boundary) and feeds it through the inbox dispatcher and long polling.
 */
export async function startReportsApp(opts: { applications?: number } = {}) {
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const database = await createTestDatabase();
  const { db } = database;
  const { codes } = await seedSmallWorld(db, { seats: { '10001:ky': 30, '10001:ru': 20, '10002:ky': 25 } });
  await db.territory.create({
    data: {
      id: 'KG-GB-OKT',
      kind: 'city_district',
      parentId: 'KG-GB',
      nameKy: 'Октябрь району',
      nameRu: 'Октябрьский район',
      nameEn: 'Oktyabr District',
    },
  });
  const okt = await db.school.create({
    data: {
      code: '20001',
      nameKy: '№ 20 орто мектеби',
      nameRu: 'Средняя школа № 20',
      nameEn: 'Secondary School No. 20',
      districtId: 'KG-GB-OKT',
      settlement: 'Бишкек',
      addressKy: 'Бишкек, Октябрь көч., 1',
      addressRu: 'Бишкек, ул. Октябрьская, 1',
      addressEn: 'Bishkek, Oktyabr St 1',
      languages: ['ky', 'ru'],
    },
  });
  await db.quota.create({
    data: { schoolId: okt.id, campaignId: CAMPAIGN, language: 'ru', seats: 40, approved: true },
  });
  const clock = new AdjustableClock(bishkekTime('2026-05-20', '11:00'));
  const counts = await insertSyntheticApplications(db, { campaignId: CAMPAIGN, n: opts.applications ?? 120 });
  // yesterday's and today's snapshots, so the chart has a line through time
  await takeDailySnapshot(db, bishkekTime('2026-05-19', '20:00'));
  await takeDailySnapshot(db, clock.now());

  const chatUsers = chatUserRepository(db);
  const inbox = inboxRepository(db);
  const identity = identityService({ db, clock, publicUrl: 'http://127.0.0.1:1' });
  const reports = reportsService({ db, clock });
  const openData = openDataService({ db, clock });

  const started: StartedSimulator = await startTelegramSimulator({
    token: '7000000046:KATTOO-REPORTS-TEST-TOKEN',
  });
  const { sim } = started;
  const { dispatcher, poller, errors } = await startHarnessBot({
    token: sim.token,
    apiRoot: started.apiRoot,
    log,
    chatUsers,
    inbox,
    fallbackLanguage: 'guess',
    identity,
    throttle: true,
    features: (bot) => {
      bot.use(staffLinkFeature({ identity }));
      bot.use(reportsFeature({ reports }));
      bot.use(openDataFeature({ openData }));
      bot.use(unhandledFeature());
    },
  });

  return {
    database,
    db,
    sim,
    clock,
    codes: [...codes, '20001'],
    counts,
    identity,
    reports,
    errors,
    setLanguage: (telegramId: number, lang: UiLanguage) => chatUsers.setLanguage(telegramId, lang),
    /** the bytes of a file the bot sent */
    file(fileId: string): Buffer {
      const f = sim.file(fileId);
      if (!f) throw new Error(`no file ${fileId} in the simulator`);
      return f.data;
    },
    idle: () => dispatcher.idle(),
    async close() {
      await poller.stop();
      await dispatcher.idle();
      await started.stop();
      await database.drop();
    },
  };
}
