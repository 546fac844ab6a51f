/**
 * Request bodies the client sends, in the documented shapes
 * (docs-api-samples/subscriptions/*_request.json, service-requests/update-servicerequest_request.json).
 */
import type { Json } from './parse.js';

function keyLike(o: Json, name: string): string {
  const hit = Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase());
  if (hit) return hit;
  // follow the casing of the resource: PascalCase when its id key is "Id"
  return 'Id' in o ? name[0]!.toUpperCase() + name.slice(1) : name;
}

/**
 * The full Subscription resource as read, without its links, with the new status (and, when
 * given, autoRenewEnabled): what suspend-/reactivate-subscription_request.json show. The ETag
 * stays in attributes and also goes in If-Match.
 */
export function buildSubscriptionPatchBody(resource: Json, status: 'suspended' | 'active', autoRenewEnabled?: boolean): Json {
  const body: Json = {};
  for (const [k, v] of Object.entries(resource)) {
    if (k.toLowerCase() === 'links') continue;
    body[k] = v;
  }
  body[keyLike(resource, 'status')] = status;
  if (autoRenewEnabled !== undefined) body[keyLike(resource, 'autoRenewEnabled')] = autoRenewEnabled;
  return body;
}

/** The update-a-service-request body that adds one note (update-servicerequest_request.json). */
export function buildServiceRequestNoteBody(textOfNote: string): Json {
  return {
    Id: null,
    Title: null,
    Description: null,
    Severity: 'unknown',
    SupportTopicId: null,
    SupportTopicName: null,
    Status: 'none',
    Organization: null,
    PrimaryContact: null,
    LastUpdatedBy: null,
    ProductName: null,
    ProductId: null,
    CreatedDate: '0001-01-01T00:00:00',
    LastModifiedDate: '0001-01-01T00:00:00',
    LastClosedDate: '0001-01-01T00:00:00',
    NewNote: { CreatedByName: null, CreatedDate: null, Text: textOfNote },
    Notes: null,
    CountryCode: null,
    FileLinks: null,
    Attributes: { ObjectType: 'ServiceRequest' },
  };
}
