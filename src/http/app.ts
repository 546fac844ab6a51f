import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { AppError } from '../core/errors.js';
import type { Deps } from '../deps.js';
import { auditRoutes } from '../modules/audit/audit.routes.js';
import { customerRoutes } from '../modules/customers/customers.routes.js';
import { providerAccountRoutes } from '../modules/providers/accounts.routes.js';
import { webhookRoutes } from '../modules/providers/webhooks.routes.js';
import { importRoutes } from '../modules/provider-billing/imports.routes.js';
import { providerInvoiceRoutes } from '../modules/provider-billing/invoices.routes.js';
import { pricingRoutes } from '../modules/pricing/pricing.routes.js';
import { invoicingRoutes } from '../modules/invoicing/invoicing.routes.js';
import { paymentRoutes } from '../modules/payments/payments.routes.js';
import { bankRoutes } from '../modules/payments/bank.routes.js';
import { receivablesRoutes } from '../modules/payments/receivables.routes.js';
import { systemRoutes } from '../modules/system/system.routes.js';
import { authRoutes } from '../modules/users/auth.routes.js';
import { userRoutes } from '../modules/users/users.routes.js';
import { WEB_DIST_DIR } from '../paths.js';
import { VERSION } from '../version.js';
import { registerAuth } from './auth.js';
import { registerIdempotency } from './idempotency.js';
import { toProblem } from './problem.js';

/** Request lines at debug/trace only; otherwise warnings and worse, or quieter if configured so. */
function httpLogLevel(level: string): string {
  return ['debug', 'trace', 'error', 'fatal', 'silent'].includes(level) ? level : 'warn';
}

export interface AppOptions {
  /** Serve the built web app from this folder (default dist/web). */
  webDir?: string;
}

/** The HTTP API, OpenAPI document, docs UI and web app. Listening is the caller's business. */
export async function buildApp(deps: Deps, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // request lines only at debug; faults are logged by the error handler
    loggerInstance: deps.log.child({ part: 'http' }, { level: httpLogLevel(deps.config.logLevel) }) as FastifyBaseLogger,
    bodyLimit: deps.config.bodyLimit,
    // behind a reverse proxy, client addresses (login limits, audit) come from X-Forwarded-For
    trustProxy: deps.config.trustProxy,
    requestIdHeader: 'x-request-id',
    // request ids that mean something across processes (they land in logs and audit rows)
    genReqId: () => randomUUID(),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((err, req, reply) => {
    const fmt = req.fmt ?? deps.i18n.formatter('en');
    const p = toProblem(err, fmt, req.url.split('?')[0] ?? req.url, req.id);
    if (p.fault) req.log.error({ err }, 'request failed');
    reply.code(p.status).headers(p.headers);
    return reply.serializer((x: unknown) => JSON.stringify(x)).send(p.body);
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
    return payload;
  });
  await app.register(fastifyCookie);
  // uploads stream to disk; the file size limit is separate from the JSON body limit
  await app.register(fastifyMultipart, { limits: { fileSize: deps.config.uploadLimit, files: 1, fields: 10 } });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Partnerdesk API', version: VERSION, description: 'Billing-and-support desk of a Microsoft CSP partner.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API token from `partnerdesk token create`' },
          session: { type: 'apiKey', in: 'cookie', name: 'pd_session', description: 'Browser session; state-changing calls also need X-CSRF-Token' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerAuth(app, deps);
  registerIdempotency(app, deps);

  systemRoutes(app, deps);
  authRoutes(app, deps);
  userRoutes(app, deps);
  auditRoutes(app, deps);
  providerAccountRoutes(app, deps);
  customerRoutes(app, deps);
  webhookRoutes(app, deps);
  importRoutes(app, deps);
  providerInvoiceRoutes(app, deps);
  pricingRoutes(app, deps);
  invoicingRoutes(app, deps);
  paymentRoutes(app, deps);
  bankRoutes(app, deps);
  receivablesRoutes(app, deps);

  const webDir = opts.webDir ?? WEB_DIST_DIR;
  const hasWeb = existsSync(join(webDir, 'index.html'));
  if (hasWeb) await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: ['index.html'] });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const isApi = path.startsWith('/api/') || path === '/api' || path.startsWith('/docs') || path.endsWith('.json');
    if (!isApi && hasWeb && (req.method === 'GET' || req.method === 'HEAD') && (req.headers.accept ?? '').includes('text/html')) {
      return reply.sendFile('index.html'); // client-side routes of the web app
    }
    throw new AppError('not_found', 'route_not_found', { method: req.method, path });
  });

  return app;
}
