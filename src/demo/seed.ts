import { sql } from 'kysely';
import type { Deps } from '../deps.js';
import { systemActor } from '../db/tx.js';
import { createUser } from '../modules/users/manage-users.js';
import { generatePassword } from '../modules/users/passwords.js';
import { countUsers, type StaffRole } from '../modules/users/users.repo.js';
import { seedDemoPricing } from './pricing.js';

/**
 * Demo data for an empty store, made through the same use cases as real data. Later modules add
 * their part (customers, subscriptions, provider invoices, …) here.
 */
export interface SeedResult {
  seeded: boolean;
  admin?: { email: string; password: string };
  users: number;
}

export const DEMO_ADMIN_EMAIL = 'admin@partnerdesk.example';
const DEMO_STAFF: { email: string; name: string; role: StaffRole; locale: 'en' | 'de' | 'zh-CN' | 'ru' }[] = [
  { email: 'billing@partnerdesk.example', name: 'Bianca Berger', role: 'billing', locale: 'de' },
  { email: 'support@partnerdesk.example', name: 'Li Wei', role: 'support', locale: 'zh-CN' },
  { email: 'viewer@partnerdesk.example', name: 'Olga Ivanova', role: 'viewer', locale: 'ru' },
];

/** Seeds once: a store that has any user is left alone. */
export async function seedDemo(deps: Deps): Promise<SeedResult> {
  if ((await countUsers(deps.db)) > 0) return { seeded: false, users: 0 };
  const password = generatePassword();
  await createUser(deps, systemActor, { email: DEMO_ADMIN_EMAIL, name: 'Demo Admin', role: 'admin', password });
  for (const u of DEMO_STAFF) {
    // demo colleagues get unknown random passwords; an admin can reset them
    await createUser(deps, systemActor, { ...u, password: generatePassword() });
  }
  await seedDemoPricing(deps);
  await sql`INSERT INTO system_state (key, value, updated_at) VALUES ('demo.seeded', ${JSON.stringify({ at: deps.clock.now() })}, ${deps.clock.now()})
            ON CONFLICT (key) DO NOTHING`.execute(deps.db);
  return { seeded: true, admin: { email: DEMO_ADMIN_EMAIL, password }, users: 1 + DEMO_STAFF.length };
}
