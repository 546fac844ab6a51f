import { useState, type FormEvent } from 'react';
import { api, SUSPEND_REASONS, type Subscription, type SubscriptionOperation, type SuspendReason } from '../api';
import { useI18n, type Formatter } from '../i18n';
import { Icon } from './icons';
import { Alert, Badge, Button, Dialog, EmptyState, Field, FormError, cx } from './ui';

// Shared pieces of the customer and subscription pages: badges, labels, the suspend/reactivate
// dialog and the operations history.

type Tone = 'neutral' | 'success' | 'warning' | 'danger' | 'info' | 'accent';

/** A label from the catalogs when there is one, else the raw value (provider values may be new). */
export function labelOr(fmt: Pick<Formatter, 't' | 'has'>, prefix: string, value: string | null | undefined): string {
  if (!value) return '';
  const key = `${prefix}.${value}`;
  return fmt.has(key) ? fmt.t(key) : value;
}

export function CloudBadge({ cloud }: { cloud: string }) {
  const fmt = useI18n();
  return <span className={cx('badge', 'badge-cloud', `badge-cloud-${cloud}`)}>{labelOr(fmt, 'web.clouds', cloud)}</span>;
}

/** Payees are company names, the same in every language. */
export const PAYEE_NAMES: Record<string, string> = { microsoft: 'Microsoft', '21vianet': '21Vianet' };

const STATUS_TONES: Record<string, Tone> = {
  active: 'success',
  suspended: 'warning',
  disabled: 'danger',
  deleted: 'danger',
  expired: 'neutral',
  pending: 'info',
  none: 'neutral',
};

/** The provider status: active green, suspended amber, disabled/deleted red; unknown values neutral, as sent. */
export function SubscriptionStatusBadge({ status }: { status: string }) {
  const fmt = useI18n();
  const known = status in STATUS_TONES && fmt.has(`web.subscriptions.status.${status}`);
  return (
    <Badge tone={known ? STATUS_TONES[status] : 'neutral'}>
      <span className="badge-dot" aria-hidden="true" />
      {known ? fmt.t(`web.subscriptions.status.${status}`) : status}
    </Badge>
  );
}

export function CommerceBadge({ commerce }: { commerce: string }) {
  const fmt = useI18n();
  return <span className={cx('badge', 'badge-outline', commerce === 'nce' && 'badge-outline-accent')}>{labelOr(fmt, 'web.subscriptions.commerce', commerce)}</span>;
}

const OP_TONES: Record<SubscriptionOperation['state'], Tone> = { requested: 'info', confirmed: 'success', retrying: 'warning', failed: 'danger' };

export function OperationStateBadge({ state }: { state: SubscriptionOperation['state'] }) {
  const fmt = useI18n();
  return <Badge tone={OP_TONES[state] ?? 'neutral'}>{labelOr(fmt, 'web.subscriptions.op_states', state)}</Badge>;
}

const SYNC_TONES: Record<string, Tone> = { done: 'success', partial: 'warning', failed: 'danger', running: 'info' };

export function SyncStateBadge({ state }: { state: string | null }) {
  const fmt = useI18n();
  if (!state) return <Badge>{fmt.t('web.sync.never')}</Badge>;
  return <Badge tone={SYNC_TONES[state] ?? 'neutral'}>{labelOr(fmt, 'web.sync.states', state)}</Badge>;
}

/** "1 year", "3 years", "1 month" from an ISO 8601 term (P1Y, P3Y, P1M); other shapes as sent. */
export function termLabel(fmt: Pick<Formatter, 't'>, term: string | null): string {
  if (!term) return '';
  const m = /^P(\d+)([YMWD])$/i.exec(term.trim());
  if (!m) return term;
  const count = Number(m[1]);
  const unit = { Y: 'years', M: 'months', W: 'weeks', D: 'days' }[m[2]!.toUpperCase() as 'Y' | 'M' | 'W' | 'D'];
  return fmt.t(`web.subscriptions.term.${unit}`, { count });
}

/** "Billed monthly", … from the provider's billing cycle (monthly, annual, triennial, oneTime, none). */
export function cycleLabel(fmt: Pick<Formatter, 't' | 'has'>, cycle: string | null): string {
  if (!cycle) return '';
  const key = `web.subscriptions.cycles.${cycle.replace(/[^a-z]/gi, '').toLowerCase()}`;
  return fmt.has(key) ? fmt.t(key) : cycle;
}

/** The name people know a subscription by. */
export function subscriptionName(s: Subscription): string {
  return s.friendlyName || s.offerName || s.offerId;
}

/** A country code as its name in the current language (DE → Deutschland). */
export function regionName(locale: string, code: string | null): string {
  if (!code) return '';
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** A language tag as its name in the current language (de-DE → German (Germany)). */
export function languageName(locale: string, tag: string | null): string {
  if (!tag) return '';
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(tag.replace('_', '-')) ?? tag;
  } catch {
    return tag;
  }
}

// ---------------------------------------------------------------- suspend / reactivate

export function StatusChangeDialog({
  subscription,
  action,
  addOns,
  onClose,
  onRequested,
}: {
  subscription: Subscription | null;
  action: 'suspend' | 'reactivate';
  addOns: number;
  onClose: () => void;
  onRequested: (s: Subscription, op: SubscriptionOperation) => void;
}) {
  const { t } = useI18n();
  const name = subscription ? subscriptionName(subscription) : '';
  return (
    <Dialog open={subscription !== null} title={t(`web.subscriptions.${action}.title`, { name })} onClose={onClose}>
      {subscription && <StatusChangeForm key={`${subscription.id}-${action}`} subscription={subscription} action={action} addOns={addOns} onClose={onClose} onRequested={onRequested} />}
    </Dialog>
  );
}

function StatusChangeForm({
  subscription: s,
  action,
  addOns,
  onClose,
  onRequested,
}: {
  subscription: Subscription;
  action: 'suspend' | 'reactivate';
  addOns: number;
  onClose: () => void;
  onRequested: (s: Subscription, op: SubscriptionOperation) => void;
}) {
  const fmt = useI18n();
  const { t } = fmt;
  const [reason, setReason] = useState<SuspendReason>('non_payment');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // new-commerce licences stay billed until the term ends; usage (Azure plan) simply stops accruing
  const nce = s.commerce === 'nce' && s.billingType !== 'usage';
  const suspend = action === 'suspend';

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = suspend ? { reason } : note.trim() ? { reason: note.trim() } : {};
      const op = await api.post<SubscriptionOperation>(`/api/subscriptions/${encodeURIComponent(s.id)}/${action}`, body);
      onRequested(s, op);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError error={error} shownFields={['reason']} />
      <dl className="kv-inline">
        <div>
          <dt>{t('web.subscriptions.col_subscription')}</dt>
          <dd>{subscriptionName(s)}</dd>
        </div>
        <div>
          <dt>{t('web.subscriptions.col_commerce')}</dt>
          <dd>{labelOr(fmt, 'web.subscriptions.commerce', s.commerce)}</dd>
        </div>
        <div>
          <dt>{t('web.subscriptions.col_quantity')}</dt>
          <dd>{fmt.number(s.quantity)}</dd>
        </div>
        {s.commitmentEndDate && (
          <div>
            <dt>{t('web.subscriptions.col_commitment_end')}</dt>
            <dd>{fmt.date(s.commitmentEndDate)}</dd>
          </div>
        )}
      </dl>
      {suspend && nce && (
        <Alert tone="warning" title={t('web.subscriptions.suspend.nce_title')}>
          <p>{t('web.subscriptions.suspend.nce_body')}</p>
        </Alert>
      )}
      {suspend && !nce && (
        <Alert tone="info">
          <p>{t('web.subscriptions.suspend.legacy_body')}</p>
        </Alert>
      )}
      {!suspend && (
        <Alert tone="info">
          <p>{t('web.subscriptions.reactivate.body')}</p>
          {nce && s.autoRenewBeforeSuspend !== null && (
            <p>{s.autoRenewBeforeSuspend ? t('web.subscriptions.reactivate.auto_renew_on') : t('web.subscriptions.reactivate.auto_renew_off')}</p>
          )}
        </Alert>
      )}
      {addOns > 0 && <p className="field-hint">{t(suspend ? 'web.subscriptions.suspend.add_ons' : 'web.subscriptions.reactivate.add_ons', { count: addOns })}</p>}
      {suspend ? (
        <Field label={t('web.subscriptions.suspend.reason')}>
          <select value={reason} onChange={(e) => setReason(e.target.value as SuspendReason)}>
            {SUSPEND_REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`web.subscriptions.reasons.${r}`)}
              </option>
            ))}
          </select>
        </Field>
      ) : (
        <Field label={t('web.subscriptions.reactivate.note')} hint={t('web.subscriptions.reactivate.note_hint')} optional>
          <input type="text" maxLength={200} value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
      )}
      <p className="field-hint">{t('web.subscriptions.queued_hint')}</p>
      <div className="form-actions">
        <Button onClick={onClose}>{t('web.common.cancel')}</Button>
        <Button type="submit" variant={suspend ? 'danger-solid' : 'primary'} busy={busy}>
          {t(`web.subscriptions.${action}.submit`)}
        </Button>
      </div>
    </form>
  );
}

// ---------------------------------------------------------------- operations history

export function OperationsHistory({ operations }: { operations: SubscriptionOperation[] | undefined }) {
  const fmt = useI18n();
  const { t, dateTime } = fmt;
  if (!operations) return <p className="muted">{t('web.common.loading')}</p>;
  if (operations.length === 0) return <EmptyState>{t('web.subscriptions.history.empty')}</EmptyState>;
  return (
    <div className="ops">
      <p className="diff-title">{t('web.subscriptions.history.title')}</p>
      <ol className="ops-list">
        {operations.map((op) => (
          <li key={op.id} className={cx('op', `op-${op.state}`)}>
            <div className="op-head">
              <Icon name={op.action === 'suspend' ? 'pause' : 'play'} size={14} />
              <span className="strong">{t(`web.subscriptions.actions.${op.action}`)}</span>
              <OperationStateBadge state={op.state} />
              <span className="muted">· {labelOr(fmt, 'web.subscriptions.reasons', op.reason)}</span>
            </div>
            <div className="op-meta">
              <span>{t('web.subscriptions.history.requested', { time: dateTime(op.requestedAt), by: op.requestedBy })}</span>
              {op.completedAt && <span>{t('web.subscriptions.history.completed', { time: dateTime(op.completedAt) })}</span>}
              <span>{t('web.subscriptions.history.attempts', { count: op.attempts })}</span>
              <span className="mono" title={t('web.subscriptions.history.request_id_hint')}>
                {t('web.subscriptions.history.request_id', { id: op.requestId })}
              </span>
            </div>
            {(op.errorCode || op.errorMessage) && (
              <p className="op-error">
                {op.errorCode && <code>{op.errorCode}</code>}
                {op.providerCode && <code>{t('web.subscriptions.history.provider_code', { code: op.providerCode })}</code>}
                {(op.explanation ?? op.errorMessage) && <span>{op.explanation ?? op.errorMessage}</span>}
              </p>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
