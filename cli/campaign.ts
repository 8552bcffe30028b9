// `kattoo campaign …` (K-CAMP-1): the ministry's campaign file.
//   campaign validate <file.json>                  every problem with its path; what applying would change
//   campaign apply <file.json> [--reason "…"]      create or update; a reason is required (and audited)
//                                                  when a change touches a stage that has opened
//   campaign show [<file.json> | <campaign id>]    the file as read, or the stored campaign (default: active)
// Exit codes: 0 done, 1 refused (problems printed), 2 usage.
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { type Clock, systemClock } from '../core/clock.ts';
import type { Db } from '../core/db/client.ts';
import { isAfterRelease } from '../core/domain/campaign.ts';
import { bishkekDate } from '../core/domain/working-days.ts';
import {
  type CampaignChange,
  type CampaignPlan,
  campaignService,
  type FileProblem,
  type StoredCampaign,
} from '../core/services/oversight/campaign.ts';
import { OversightError } from '../core/services/oversight/errors.ts';

export const CAMPAIGN_USAGE = `usage:
  kattoo campaign validate <file.json>
  kattoo campaign apply <file.json> [--reason "why a running campaign changes"]
  kattoo campaign show [<file.json> | <campaign id>]`;

export type CampaignIo = {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  readFile: (path: string) => Promise<string>;
};

const defaultIo = (): CampaignIo => ({
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  env: process.env,
  clock: systemClock,
  readFile: (p) => readFile(p, 'utf8'),
});

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = args[i + 1];
  return v === undefined || v.startsWith('--') ? '' : v;
}

function positional(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a.startsWith('--')) {
      i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

function cliActor(env: NodeJS.ProcessEnv): { kind: 'cli'; id: string } {
  let user = env.USER ?? env.LOGNAME;
  try {
    user ??= userInfo().username;
  } catch {
    // no user database (a container)
  }
  return { kind: 'cli', id: user && /^[\w.@-]{1,64}$/.test(user) ? user : 'cli' };
}

const local = (d: Date) =>
  `${bishkekDate(d)} ${new Date(d.getTime() + 6 * 3_600_000).toISOString().slice(11, 16)}`;

function printProblems(io: CampaignIo, file: string, problems: FileProblem[]): void {
  io.err(`${file}: not valid (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):`);
  for (const p of problems) io.err(`  ${p.path}: ${p.message}`);
}

function printCampaign(io: CampaignIo, c: CampaignPlan | StoredCampaign): void {
  io.out(`campaign ${c.id} (${c.academicYear})${c.active ? ', active' : ''}`);
  io.out(`  children born ${c.birthFrom} … ${c.birthTo}`);
  for (const s of [...c.stages].sort((a, b) => a.ordinal - b.ordinal))
    io.out(
      `  stage ${s.ordinal}: ${s.kind.padEnd(16)} ${s.mode.padEnd(6)} ${local(s.opensAt)} → ${local(s.closesAt)} (Asia/Bishkek)${isAfterRelease(s, c.documentsDeadline) ? ' after the release' : ''}`,
    );
  io.out(`  documents due by ${local(c.documentsDeadline)}`);
  io.out(`  a seat offered late: at least ${c.offerWorkingDays} working days for the documents`);
  io.out(`  cancellation limit ${c.cancellationLimit}`);
  if (c.priorityCategories === null)
    io.out('  priority categories: not recorded (set up before campaign files)');
  else for (const p of c.priorityCategories) io.out(`  priority ${p.category}: ${p.legalReference}`);
}

function printChanges(io: CampaignIo, changes: CampaignChange[]): void {
  for (const c of changes)
    io.out(
      `  ${c.retroactive ? '!' : '·'} ${c.path}: ${c.from ?? '(none)'} → ${c.to ?? '(removed)'}${c.retroactive ? '   [in force: needs a reason]' : ''}`,
    );
}

export async function campaignCommand(
  db: Db,
  args: string[],
  ioIn: Partial<CampaignIo> = {},
): Promise<number> {
  const io = { ...defaultIo(), ...ioIn };
  const [sub, ...rest] = args;
  const [target] = positional(rest);
  const service = campaignService({ db, clock: io.clock });

  const read = async (file: string): Promise<string | null> => {
    try {
      return await io.readFile(file);
    } catch (e) {
      io.err(`${file}: cannot read (${e instanceof Error ? e.message : String(e)})`);
      return null;
    }
  };

  switch (sub) {
    case 'validate': {
      if (!target) break;
      const text = await read(target);
      if (text === null) return 1;
      const report = await service.validate(text);
      if (!report.ok) {
        printProblems(io, target, report.problems);
        return 1;
      }
      io.out(`${target}: valid`);
      printCampaign(io, report.plan);
      if (!report.stored) io.out(`applying creates campaign ${report.plan.id}`);
      else if (report.changes.length === 0) io.out('applying changes nothing');
      else {
        io.out(`applying changes campaign ${report.plan.id}:`);
        printChanges(io, report.changes);
      }
      for (const other of report.deactivates) io.out(`applying makes campaign ${other} inactive`);
      if (report.reasonRequired)
        io.out(
          'a stage has opened: apply with --reason "…" (recorded in the audit) to change what is in force',
        );
      return 0;
    }
    case 'apply': {
      if (!target) break;
      const text = await read(target);
      if (text === null) return 1;
      const reason = flag(rest, 'reason');
      try {
        const r = await service.apply(text, cliActor(io.env), { reason: reason ?? null });
        if (r.status === 'unchanged') {
          io.out(`campaign ${r.plan.id}: unchanged`);
          return 0;
        }
        io.out(
          `campaign ${r.plan.id}: ${r.status}${r.retroactive ? ' (after opening; the reason is audited)' : ''}`,
        );
        printChanges(io, r.changes);
        return 0;
      } catch (e) {
        if (!(e instanceof OversightError)) throw e;
        if (e.code === 'invalid_file') printProblems(io, target, e.params.problems as FileProblem[]);
        else if (e.code === 'reason_required') {
          io.err(`${target}: refused — these changes touch what is already in force; give --reason "…":`);
          for (const c of e.params.changes as CampaignChange[])
            io.err(`  ${c.path}: ${c.from ?? '(none)'} → ${c.to ?? '(removed)'}`);
        } else io.err(`${target}: refused (${e.code})`);
        return 1;
      }
    }
    case 'show': {
      if (target?.endsWith('.json')) {
        const text = await read(target);
        if (text === null) return 1;
        const report = await service.validate(text);
        if (!report.ok) {
          printProblems(io, target, report.problems);
          return 1;
        }
        printCampaign(io, report.plan);
        return 0;
      }
      const c = await service.show(target);
      if (!c) {
        io.err(target ? `no campaign ${target}` : 'no active campaign');
        return 1;
      }
      printCampaign(io, c);
      const history = await service.history(c.id);
      if (history.length > 0) io.out('history:');
      for (const h of history)
        io.out(
          `  ${h.at.toISOString()} ${h.action} by ${h.actor}${h.reason ? ` — reason: ${h.reason}` : ''}`,
        );
      return 0;
    }
  }
  io.err(CAMPAIGN_USAGE);
  return 2;
}
