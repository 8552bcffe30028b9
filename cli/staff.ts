// `kattoo staff …` (K-ID-2, contract: Command line):
//   staff invite --role <director|admissions|district|ministry> [--scope <school code | territory id>]
//                [--bot <bot username>]      prints the one-time deep link (stdout, nothing else)
//   staff revoke --id N                        revokes a staff link at once
//   staff list [--all]                         staff links (active; --all with revoked ones)
// The bot username comes from --bot, else TELEGRAM_BOT_USERNAME, else kattoo_bot. Every change is
// audited with actor "cli" (the operating-system user when known).
import { userInfo } from 'node:os';
import { type Clock, systemClock } from '../core/clock.ts';
import type { Db } from '../core/db/client.ts';
import { STAFF_ROLES } from '../core/domain/roles.ts';
import {
  type AuditActor,
  identityService,
  type StaffLink,
  type StaffScope,
} from '../core/services/identity.ts';

export const STAFF_USAGE = `usage:
  kattoo staff invite --role <${STAFF_ROLES.join('|')}> [--scope <school code | territory id>] [--bot <username>]
  kattoo staff revoke --id N
  kattoo staff list [--all]`;

export type CliIo = {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  clock: Clock;
};

const defaultIo = (): CliIo => ({
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  env: process.env,
  clock: systemClock,
});

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = args[i + 1];
  return v === undefined || v.startsWith('--') ? '' : v;
}

function cliActor(env: NodeJS.ProcessEnv): AuditActor {
  let user = env.USER ?? env.LOGNAME;
  try {
    user ??= userInfo().username;
  } catch {
    // no user database (a container): the actor is just "cli"
  }
  return { kind: 'cli', id: user && /^[\w.@-]{1,64}$/.test(user) ? user : 'cli' };
}

function scopeWords(scope: StaffScope): string {
  switch (scope.kind) {
    case 'school':
      return `school ${scope.code} (${scope.name.en})`;
    case 'territory':
      return `territory ${scope.id} (${scope.name.en})`;
    case 'nation':
      return 'the whole country';
  }
}

const REASONS: Record<string, string> = {
  scope_required:
    'this role needs --scope: a school code for director and admissions, a territory id for district',
  scope_not_found: 'no school with that code / no territory with that id',
  scope_not_allowed: 'the ministry role takes no --scope',
  bad_role: `--role must be one of ${STAFF_ROLES.join(', ')}`,
  forbidden: 'not allowed',
};

/** `kattoo staff invite …`: creates a one-time invite and prints its deep link. */
export async function staffInviteCommand(db: Db, args: string[], io: CliIo = defaultIo()): Promise<number> {
  const rest = args[0] === 'invite' ? args.slice(1) : args;
  const role = flag(rest, 'role');
  const scope = flag(rest, 'scope');
  const bot = flag(rest, 'bot') || io.env.TELEGRAM_BOT_USERNAME?.trim() || 'kattoo_bot';
  if (!role) {
    io.err(STAFF_USAGE);
    return 2;
  }
  if (!/^[A-Za-z][A-Za-z0-9_]{3,31}$/.test(bot.replace(/^@/, ''))) {
    io.err(`not a Telegram bot username: ${bot}`);
    return 2;
  }
  const identity = identityService({ db, clock: io.clock, publicUrl: '' });
  const result = await identity.createStaffInvite({
    role,
    scope: scope || null,
    createdBy: cliActor(io.env),
  });
  if (!result.ok) {
    io.err(`refused: ${REASONS[result.reason] ?? result.reason}`);
    return result.reason === 'bad_role' ? 2 : 1;
  }
  io.err(
    `One-time invite: ${result.role} for ${scopeWords(result.scope)}, valid until ${result.expiresAt.toISOString()}. ` +
      'Send it to that person only: it links the first Telegram account that opens it.',
  );
  io.out(`https://t.me/${bot.replace(/^@/, '')}?start=${result.payload}`);
  return 0;
}

/** `kattoo staff revoke --id N`: revokes a staff link; the next update of that user has no role. */
export async function staffRevokeCommand(db: Db, args: string[], io: CliIo = defaultIo()): Promise<number> {
  const rest = args[0] === 'revoke' ? args.slice(1) : args;
  const raw = flag(rest, 'id');
  const id = Number(raw);
  if (!raw || !Number.isSafeInteger(id) || id < 1) {
    io.err(STAFF_USAGE);
    return 2;
  }
  const identity = identityService({ db, clock: io.clock, publicUrl: '' });
  const result = await identity.revokeStaff(id, cliActor(io.env));
  if (!result.ok) {
    io.err(result.reason === 'not_found' ? `no staff link ${id}` : `staff link ${id} was already revoked`);
    return 1;
  }
  io.out(`revoked staff link ${id}: ${result.staff.role} for ${scopeWords(result.staff.scope)}`);
  return 0;
}

function row(l: StaffLink): string {
  const state = l.revokedAt ? `revoked ${l.revokedAt.toISOString()}` : 'active';
  return [String(l.id), l.role, scopeWords(l.scope), String(l.telegramId), l.displayName ?? '', state].join(
    '\t',
  );
}

/** `kattoo staff <invite|revoke|list> …` */
export async function staffCommand(db: Db, args: string[], io: CliIo = defaultIo()): Promise<number> {
  switch (args[0]) {
    case 'invite':
      return staffInviteCommand(db, args, io);
    case 'revoke':
      return staffRevokeCommand(db, args, io);
    case 'list': {
      const identity = identityService({ db, clock: io.clock, publicUrl: '' });
      const links = await identity.listStaff({ includeRevoked: args.includes('--all') });
      io.out(['id', 'role', 'scope', 'telegram_id', 'name', 'state'].join('\t'));
      for (const l of links) io.out(row(l));
      return 0;
    }
    default:
      io.err(STAFF_USAGE);
      return 2;
  }
}
