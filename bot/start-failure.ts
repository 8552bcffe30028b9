// What an operator reads when Kattoo cannot start: the failure in one line and the likely remedy.
// Start-up errors come from outside the code (ports, servers, folders), so the advice names those.

export function describeFailure(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  if (e === undefined || e === null) return 'an error without a message (a library rejected with nothing)';
  return String(e);
}

type Rule = { test: RegExp; advice: (m: RegExpMatchArray) => string };

const rules: Rule[] = [
  {
    test: /EADDRINUSE.*?:(\d+)/,
    advice: (m) =>
      `Port ${m[1]} is taken by another program: stop it, or start Kattoo with PORT=<another port>.`,
  },
  {
    test: /ECONNREFUSED|ENOTFOUND|Can't reach database|password authentication failed|does not exist/,
    advice: () =>
      'The database in DATABASE_URL cannot be reached or refused the login: check that the server runs and the URL ' +
      '(user, password, host, port, database). Without DATABASE_URL Kattoo runs its own embedded PostgreSQL.',
  },
  {
    test: /no embedded PostgreSQL build/,
    advice: () => 'Set DATABASE_URL to a PostgreSQL server (version 15 or later).',
  },
  {
    test: /PostgreSQL exited at start|initdb failed/,
    advice: () =>
      'The embedded PostgreSQL could not start from its folder (KATTOO_DATA_DIR, default ./var): read the lines ' +
      'above; if the folder is damaged and holds nothing you need, remove its pg/ subfolder and start again.',
  },
  {
    test: /EACCES|EPERM/,
    advice: () =>
      'Kattoo may not write to a folder it needs: check the permissions of KATTOO_DATA_DIR (default ./var).',
  },
  {
    test: /REDIS|Redis|6379/,
    advice: () =>
      'Redis in REDIS_URL cannot be reached: start it, or leave REDIS_URL unset for in-process sessions.',
  },
];

export function adviceFor(e: unknown): string {
  const text = e instanceof Error ? `${e.message} ${(e as { code?: string }).code ?? ''}` : String(e);
  for (const r of rules) {
    const m = text.match(r.test);
    if (m) return r.advice(m);
  }
  return 'Run again with LOG_LEVEL=debug for details; the README lists every setting Kattoo reads.';
}
