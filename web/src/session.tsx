import { createContext, useContext } from 'react';
import type { User } from './api';
import type { Locale } from './i18n';

export interface SessionValue {
  user: User | null;
  locale: Locale;
  /** Switch the language; when signed in it is saved on the user (PATCH /api/me). */
  changeLocale(l: Locale): Promise<void>;
  signedIn(user: User): void;
  signOut(): Promise<void>;
  /** The user changed (profile saved). */
  userChanged(user: User): void;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionContext');
  return s;
}

/** The signed-in user (only under the signed-in layout). */
export function useUser(): User {
  const { user } = useSession();
  if (!user) throw new Error('no user');
  return user;
}

export const isAdmin = (u: User | null) => u?.kind === 'staff' && u.role === 'admin' && u.status === 'active';

/** Admin and billing staff change customers and subscriptions; support and viewers only read. */
export const canBill = (u: User | null) => u?.kind === 'staff' && (u.role === 'admin' || u.role === 'billing') && u.status === 'active';
