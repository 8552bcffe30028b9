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
});
