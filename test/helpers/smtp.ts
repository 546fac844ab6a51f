import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/**
 * A real SMTP server for tests (smtp-server on 127.0.0.1, a random port, no TLS). Every message
 * is parsed with mailparser. It can be told to refuse the next messages with a 4xx or 5xx reply,
 * at RCPT TO or after DATA; a message refused after DATA is still parsed and kept in `refused`,
 * so a test can compare what a retry sent with what the first attempt sent.
 */
export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  messageId: string;
  subject: string;
  from: string;
  to: string[];
  text: string;
  html: string;
  headers: ParsedMail['headers'];
  attachments: { filename: string; contentType: string; content: Buffer }[];
  /** the reply this message got: 250, or the injected failure */
  reply: number;
}

export interface TestSmtp {
  /** smtp://[user:pass@]127.0.0.1:port */
  url: string;
  port: number;
  messages: ReceivedMail[];
  refused: ReceivedMail[];
  /** connections opened so far (a pooled sender reuses them) */
  connections: () => number;
  /** Resolves with `messages` once there are n of them, or the predicate holds. */
  waitFor(what: number | ((messages: ReceivedMail[]) => boolean), timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Answer the next `count` messages with `code` (421–554) at `stage`. */
  failNext(count: number, code: number, message?: string, stage?: 'rcpt' | 'data'): void;
  /** Refuse this recipient (at RCPT TO, with 550) until reset; the message's other recipients still get it. */
  refuseRecipient(address: string): void;
  reset(): void;
  close(): Promise<void>;
}

function addresses(a: AddressObject | AddressObject[] | undefined): string[] {
  if (!a) return [];
  return (Array.isArray(a) ? a : [a]).flatMap((o) => o.value.map((v) => v.address ?? '')).filter(Boolean);
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startTestSmtp(opts: { auth?: { user: string; pass: string } } = {}): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  const refused: ReceivedMail[] = [];
  const failures: { code: number; message: string; stage: 'rcpt' | 'data' }[] = [];
  const refusedRecipients = new Set<string>();
  let connections = 0;
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());

  type Failure = (typeof failures)[number];
  type Session = SMTPServerSession & { pdRcptFailure?: Failure | null };
  const take = (stage: 'rcpt' | 'data'): Failure | null => (failures[0]?.stage === stage ? failures.shift()! : null);

  const server = new SMTPServer({
    disableReverseLookup: true,
    hideSTARTTLS: true,
    disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    logger: false,
    closeTimeout: 1000,
    onConnect(_session, cb) {
      connections++;
      cb();
    },
    onAuth(auth, _session, cb) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) cb(null, { user: auth.username });
      else cb(smtpError(535, '5.7.8 Authentication credentials invalid'));
    },
    onMailFrom(_address, session: Session, cb) {
      delete session.pdRcptFailure;
      cb();
    },
    onRcptTo(address, session: Session, cb) {
      if (refusedRecipients.has(address.address.toLowerCase())) return cb(smtpError(550, `5.1.1 <${address.address}>: Recipient address rejected`));
      // one injected failure refuses every recipient of that message
      if (session.pdRcptFailure === undefined) session.pdRcptFailure = take('rcpt');
      const f = session.pdRcptFailure;
      cb(f ? smtpError(f.code, f.message) : null);
    },
    onData(stream, session, cb) {
      const f = take('data');
      simpleParser(stream)
        .then((p) => {
          const mail: ReceivedMail = {
            envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) },
            messageId: p.messageId ?? '',
            subject: p.subject ?? '',
            from: addresses(p.from)[0] ?? '',
            to: addresses(p.to),
            text: p.text ?? '',
            html: typeof p.html === 'string' ? p.html : '',
            headers: p.headers,
            attachments: p.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, content: a.content })),
            reply: f ? f.code : 250,
          };
          (f ? refused : messages).push(mail);
          wake();
          cb(f ? smtpError(f.code, f.message) : null);
        })
        .catch((err: Error) => cb(smtpError(451, `4.3.0 could not parse: ${err.message}`)));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => undefined); // a client that hangs up mid-session is not the test's business
  const port = (server.server.address() as AddressInfo).port;
  const cred = opts.auth ? `${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.pass)}@` : '';

  return {
    url: `smtp://${cred}127.0.0.1:${port}`,
    port,
    messages,
    refused,
    connections: () => connections,
    waitFor(what, timeoutMs = 10_000) {
      const done = () => (typeof what === 'number' ? messages.length >= what : what(messages));
      if (done()) return Promise.resolve(messages);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!done()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`waited ${timeoutMs} ms for ${typeof what === 'number' ? `${what} messages` : 'a message'}; have ${messages.length}`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    failNext(count, code, message, stage = 'data') {
      const text = message ?? (code >= 500 ? '5.1.1 Mailbox unavailable' : '4.3.2 Try again later');
      for (let i = 0; i < count; i++) failures.push({ code, message: text, stage });
    },
    refuseRecipient(address) {
      refusedRecipients.add(address.toLowerCase());
    },
    reset() {
      refusedRecipients.clear();
      messages.length = 0;
      refused.length = 0;
      failures.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
