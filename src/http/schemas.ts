import { z } from 'zod';

/**
 * Shared API types. Timestamps are ISO 8601 strings on the wire and Dates in code; a codec does
 * both directions, so response schemas encode Dates and request schemas decode strings.
 */
export const DateTime = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (s) => new Date(s),
  encode: (d) => d.toISOString(),
});

/** Amounts in minor units travel as integer strings (never JSON numbers). */
export const MinorUnits = z.codec(z.string().regex(/^-?\d{1,30}$/), z.bigint(), {
  decode: (s) => BigInt(s),
  encode: (b) => b.toString(),
});

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    field: z.string().optional(),
    errors: z
      .array(z.object({ field: z.string().optional(), line: z.number().int().optional(), code: z.string(), message: z.string() }))
      .optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export const Paging = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** The usual error responses of an authenticated route, for the OpenAPI document. */
export const problemResponses = {
  400: Problem,
  401: Problem,
  403: Problem,
  404: Problem,
  409: Problem,
  422: Problem,
  429: Problem,
} as const;
