import { AppError } from '../../core/errors.js';

/** A billing period is a calendar month, written YYYY-MM. */
const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function parsePeriod(text: string, field = 'period'): { period: string; start: string; end: string } {
  const m = PERIOD.exec(text.trim());
  if (!m) throw new AppError('bad_request', 'invoicing.bad_period', { value: text }, { field });
  const year = Number(m[1]);
  const month = Number(m[2]);
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { period: `${m[1]}-${m[2]}`, start: `${m[1]}-${m[2]}-01`, end: `${m[1]}-${m[2]}-${String(last).padStart(2, '0')}` };
}

/** The billing period a day falls in. */
export const periodOf = (day: string): string => day.slice(0, 7);
