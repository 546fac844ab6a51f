import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { parseConfig, redactUrl } from './config.js';

function err(env: Record<string, string>): AppError {
  try {
    parseConfig(env, '/srv/desk');
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected a config error');
}

describe('configuration', () => {
  it('has working defaults', () => {
    const c = parseConfig({}, '/srv/desk');
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', dataDir: '/srv/desk/data', demo: true, worker: true, dbSchema: 'public', databaseUrl: undefined, cookieSecure: false, cliLocale: 'en' });
    expect(c.publicUrl).toBe('http://localhost:3000');
  });

  it('reads the environment', () => {
    const c = parseConfig(
      { PORT: '8080', PARTNERDESK_DATA_DIR: '../x', PARTNERDESK_DEMO: '0', DATABASE_URL: 'postgres://u:p@db:5432/pd', PARTNERDESK_DB_SCHEMA: 'desk', PARTNERDESK_PUBLIC_URL: 'https://desk.example.com/', LANG: 'de_DE.UTF-8' },
      '/srv/desk',
    );
    expect(c).toMatchObject({ port: 8080, dataDir: '/srv/x', demo: false, dbSchema: 'desk', publicUrl: 'https://desk.example.com', cookieSecure: true, cliLocale: 'de' });
  });

  it('names the variable, the value and what it wants', () => {
    expect(err({ PORT: 'abc' })).toMatchObject({ code: 'config.invalid', params: { name: 'PORT', value: 'abc' } });
    expect(err({ PARTNERDESK_DEMO: 'maybe' })).toMatchObject({ code: 'config.invalid', params: { name: 'PARTNERDESK_DEMO', expected: '0 | 1' } });
    expect(err({ PARTNERDESK_LOG_LEVEL: 'loud' }).params.name).toBe('PARTNERDESK_LOG_LEVEL');
    expect(err({ DATABASE_URL: 'mysql://x' }).params.name).toBe('DATABASE_URL');
    expect(err({ PARTNERDESK_DB_SCHEMA: 'x; drop', DATABASE_URL: 'postgres://h/db' }).params.name).toBe('PARTNERDESK_DB_SCHEMA');
    expect(err({ PARTNERDESK_DB_SCHEMA: 'other' }).params.name).toBe('PARTNERDESK_DB_SCHEMA'); // embedded has one schema
    expect(err({ PARTNERDESK_ADMIN_EMAIL: 'a@b.c' }).params.name).toBe('PARTNERDESK_ADMIN_PASSWORD');
    expect(err({ PARTNERDESK_CLOCK_START: 'yesterday' }).params.name).toBe('PARTNERDESK_CLOCK_START');
    expect(err({ PARTNERDESK_BUSINESS_TIME_ZONE: 'Mars/Olympus' }).params.name).toBe('PARTNERDESK_BUSINESS_TIME_ZONE');
  });

  it('takes the business time zone, UTC by default', () => {
    expect(parseConfig({}, '/srv/desk').businessTimeZone).toBe('UTC');
    expect(parseConfig({ PARTNERDESK_BUSINESS_TIME_ZONE: 'Asia/Shanghai' }, '/srv/desk').businessTimeZone).toBe('Asia/Shanghai');
  });

  it('refuses unknown PARTNERDESK_ settings (typos)', () => {
    expect(err({ PARTNERDESK_DEMOO: '1' })).toMatchObject({ code: 'config.unknown', params: { name: 'PARTNERDESK_DEMOO' } });
  });

  it('never shows a password from DATABASE_URL', () => {
    expect(redactUrl('postgres://desk:s3cret@db:5432/pd')).toBe('postgres://desk:***@db:5432/pd');
    expect(err({ DATABASE_URL: 'mysql://desk:s3cret@db/pd' }).params.value).not.toContain('s3cret');
  });
});
