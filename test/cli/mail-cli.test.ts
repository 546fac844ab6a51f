import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync, storeEnv } from '../helpers/processes.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';

describe('partnerdesk mail test', () => {
  const s = storeEnv();
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startTestSmtp();
  });
  afterAll(async () => {
    await smtp?.close();
    await s.cleanup();
  });

  it('has --help', async () => {
    const r = await runCliAsync(['mail', 'test', '--help'], s.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: partnerdesk mail test/);
    expect(r.stdout).toContain('--to <address>');
  });

  it('queues and sends a test email in the chosen language, and says where it went', async () => {
    const env = { ...s.env, PARTNERDESK_SMTP_URL: smtp.url, PARTNERDESK_MAIL_FROM: 'Desk <desk@partner.example>' };
    const r = await runCliAsync(['mail', 'test', '--to', 'ops@partner.example', '--to', 'cfo@partner.example', '--locale', 'zh-CN', '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({ ok: true, locale: 'zh-CN', accepted: ['ops@partner.example', 'cfo@partner.example'], rejected: [] });
    const [mail] = await smtp.waitFor(1);
    expect(mail!.subject).toBe('Partnerdesk 测试邮件');
    expect(mail!.envelope).toEqual({ from: 'desk@partner.example', to: ['ops@partner.example', 'cfo@partner.example'] });
    expect(mail!.messageId).toBe(out.messageId);

    const human = await runCliAsync(['mail', 'test', '--to', 'ops@partner.example'], { ...env, PARTNERDESK_LOCALE: 'de', PARTNERDESK_MAIL_LOCALE: 'ru' });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Test-E-Mail an ops@partner\.example gesendet\. Message-ID: <pd\.[0-9a-f]{40}@partner\.example>\n$/);
    await smtp.waitFor(2);
    expect(smtp.messages[1]!.subject).toBe('Тестовое письмо Partnerdesk'); // PARTNERDESK_MAIL_LOCALE by default
  });

  it('reports a refusal with the server’s answer, and a missing configuration, with exit codes', async () => {
    smtp.failNext(1, 550, '5.1.1 Mailbox unavailable', 'rcpt');
    const refused = await runCliAsync(['mail', 'test', '--to', 'gone@partner.example', '--json'], { ...s.env, PARTNERDESK_SMTP_URL: smtp.url });
    expect(refused.code).toBe(4);
    expect(refused.json()).toMatchObject({ ok: false, error: { code: 'mail.test_failed', message: expect.stringMatching(/^The test email was not sent: SMTP 550 \(RCPT TO\): .*Mailbox unavailable/) } });

    const unconfigured = await runCliAsync(['mail', 'test', '--to', 'ops@partner.example'], s.env);
    expect(unconfigured.code).toBe(2);
    expect(unconfigured.stderr).toContain('partnerdesk: Email is not configured. Set PARTNERDESK_SMTP_URL');

    const noRecipient = await runCliAsync(['mail', 'test', '--json'], { ...s.env, PARTNERDESK_SMTP_URL: smtp.url });
    expect(noRecipient.code).toBe(2);
    expect(noRecipient.json()).toMatchObject({ ok: false, error: { code: 'mail.no_recipients' } });
  });
});
