// `npm start` stopped by an orchestrator (decision 0013): on SIGTERM /readyz turns red at once while
// the process still answers, for SHUTDOWN_DRAIN_MS, and then the process stops cleanly (exit 0).
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { seedSmallWorld } from '../support/small-world.ts';

const DRAIN_MS = 1_500;

describe('SIGTERM: readiness red, a drain, then a clean stop', () => {
  let t: TestDatabase;
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    // reference data already there: the demo's own (≈2,400 schools) is not loaded
    await seedSmallWorld(t.db);
    child = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: t.url,
        KATTOO_DEMO: '1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
        SHUTDOWN_TIMEOUT_MS: '20000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr?.on('data', (d) => {
      err += d;
    });
    url = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (d) => {
        out += d;
        const m = out.match(/Kattoo is running at (http:\/\/\S+)/);
        if (m?.[1]) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`Kattoo exited ${code} before starting: ${err}`)));
    });
  }, 120_000);
  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await t.drop();
  });

  it('answers 503 on /readyz while draining and exits 0 after the drain', async () => {
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const signalled = Date.now();
    child.kill('SIGTERM');
    // red while the process is still there and answering
    let draining: Response | undefined;
    for (let i = 0; i < 50 && !draining; i++) {
      const r = await fetch(`${url}/readyz`);
      if (r.status === 503) draining = r;
    }
    expect(draining?.status).toBe(503);
    expect(await draining?.json()).toMatchObject({ checks: { accepting: false } });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(await exited).toBe(0);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(DRAIN_MS);
  });
});
