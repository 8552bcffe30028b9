import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../core/config.ts';

const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abc';

describe('configuration', () => {
  it('defaults to the simulator, demo data and polling when no token is set', () => {
    const c = loadConfig({});
    expect(c.telegram.simulated).toBe(true);
    expect(c.demo).toBe(true);
    expect(c.telegram.mode).toBe('polling');
    expect(c.http.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
  });

  it('turns demo off by default once a real token is configured', () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, REGISTRY_URL: 'https://ss.example.kg' }).demo).toBe(false);
  });

  it('refuses demo features, a shifted clock and the embedded database in production', () => {
    const attempt = () =>
      loadConfig({ KATTOO_ENV: 'production', KATTOO_DEMO: '1', KATTOO_CLOCK: '2026-04-02T10:00:00+06:00' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/KATTOO_DEMO must be off/);
    expect(attempt).toThrow(/KATTOO_CLOCK/);
    expect(attempt).toThrow(/TELEGRAM_BOT_TOKEN is required/);
    expect(attempt).toThrow(/DATABASE_URL is required/);
  });

  it('accepts a proper production configuration', () => {
    const c = loadConfig({
      KATTOO_ENV: 'production',
      TELEGRAM_BOT_TOKEN: TOKEN,
      DATABASE_URL: 'postgresql://db/kattoo',
      REDIS_URL: 'redis://cache:6379',
      BOT_MODE: 'webhook',
      WEBHOOK_SECRET: 'secret_123',
      PUBLIC_URL: 'https://kattoo.edu.gov.kg',
      REGISTRY_URL: 'https://ss.edu.gov.kg',
    });
    expect(c.demo).toBe(false);
    expect(c.telegram.mode).toBe('webhook');
  });

  it('requires the registry’s security server outside demo mode', () => {
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN })).toThrow(/REGISTRY_URL is required/);
  });

  it('requires a secret in webhook mode and names each bad variable', () => {
    expect(() => loadConfig({ BOT_MODE: 'webhook' })).toThrow(/WEBHOOK_SECRET is required/);
    expect(() => loadConfig({ PORT: 'eighty', BOT_MODE: 'fax' })).toThrow(
      /PORT[\s\S]*BOT_MODE|BOT_MODE[\s\S]*PORT/,
    );
  });

  it('reads the pool, the pooler and the shutdown settings (decision 0013)', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgresql://pgbouncer:6432/kattoo',
      DATABASE_POOL_SIZE: '4',
      DATABASE_NAMED_STATEMENTS: '0',
      DATABASE_READ_URL: 'postgresql://replica/kattoo',
      MIGRATE_ON_START: '0',
      SHUTDOWN_DRAIN_MS: '2000',
      SHUTDOWN_TIMEOUT_MS: '10000',
    });
    expect(c.database).toEqual({
      poolSize: 4,
      namedStatements: false,
      readUrl: 'postgresql://replica/kattoo',
      migrateOnStart: false,
    });
    expect(c.shutdown).toEqual({ drainMs: 2000, timeoutMs: 10000 });
    expect(loadConfig({}).database).toMatchObject({
      poolSize: 10,
      namedStatements: true,
      migrateOnStart: true,
    });
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgresql://replica/kattoo' })).toThrow(
      /needs DATABASE_URL/,
    );
    expect(() => loadConfig({ SHUTDOWN_DRAIN_MS: '30000' })).toThrow(/shorter than SHUTDOWN_TIMEOUT_MS/);
  });
});
