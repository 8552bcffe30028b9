// CI check of the embedded default (README's two commands): `npm start` with no DATABASE_URL, no
// REDIS_URL and no token must start the embedded PostgreSQL, demo data and the simulator, answer
// /start in the web chat's API, and stop cleanly (the embedded database stopped with it).
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';

const port = 3190;
const dataDir = 'var/ci-smoke';
rmSync(dataDir, { recursive: true, force: true });
const child = spawn('npm', ['start'], {
  env: { ...process.env, PORT: String(port), KATTOO_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
  detached: true,
});
let out = '';
child.stdout.on('data', (d) => {
  out += d;
});
const base = `http://127.0.0.1:${port}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fail = (msg: string) => {
  console.error(`smoke: ${msg}\n${out}`);
  try {
    process.kill(-(child.pid as number), 'SIGKILL');
  } catch {}
  process.exit(1);
};

for (let i = 0; ; i++) {
  if (i > 240) fail('not ready after 120 s');
  const ok = await fetch(`${base}/readyz`).then(
    (r) => r.ok,
    () => false,
  );
  if (ok) break;
  await sleep(500);
}
// the address is printed right after start-up completes; give the process a moment to write it
for (let i = 0; !/Web chat \(Telegram simulator\): http:\/\/\S+\/sim\/telegram\/chat/.test(out); i++) {
  if (i > 40) fail('the web chat address was not printed');
  await sleep(250);
}

const persona = (await (await fetch(`${base}/sim/telegram/api/personas`)).json())[0] as { id: number };
const api = `${base}/sim/telegram/api/chats/${persona.id}`;
const post = (path: string, body: unknown) =>
  fetch(`${api}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
async function botSays(
  re: RegExp,
): Promise<{ id: number; inlineKeyboard?: { text: string; callbackData?: string }[][] }> {
  for (let i = 0; i < 40; i++) {
    const msgs = (await (await fetch(`${api}/messages`)).json()) as {
      id: number;
      fromBot: boolean;
      text?: string;
    }[];
    const m = msgs.filter((x) => x.fromBot && re.test(x.text ?? '')).pop();
    if (m) return m;
    await sleep(250);
  }
  return fail(`no bot message matching ${re}`) as never;
}
await post('messages', { text: '/start' });
const picker = await botSays(/Тилди тандаңыз/);
await post('callback', { messageId: picker.id, data: 'lang|ky' });
const menu = await botSays(/1-класска каттоого/);
await post('callback', { messageId: menu.id, data: 'regions' });
await botSays(/Облусту же шаарды тандаңыз/);
console.log('smoke: the embedded default started, answered /start in Kyrgyz and listed the regions');

process.kill(-(child.pid as number), 'SIGINT');
const exited = await new Promise<boolean>((r) => {
  const t = setTimeout(() => r(false), 20_000);
  child.on('exit', () => {
    clearTimeout(t);
    r(true);
  });
});
if (!exited) fail('did not stop within 20 s of SIGINT');
await sleep(500);
if (existsSync(`${dataDir}/pg/postmaster.pid`)) fail('the embedded PostgreSQL was left running');
console.log('smoke: stopped cleanly, embedded PostgreSQL stopped');
