import {
  cloneElement,
  createContext,
  useCallback,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  type ButtonHTMLAttributes,
  type ReactElement,
  type ReactNode,
} from 'react';
import { ApiError } from '../api';
import { useI18n } from '../i18n';

export function cx(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(' ');
}

// ---------------------------------------------------------------- page structure

export function PageHeader({ title, description, actions }: { title: string; description?: string; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {description && <p className="page-description">{description}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

export function Card({ title, description, actions, children, className, id }: { title?: string; description?: string; actions?: ReactNode; children: ReactNode; className?: string; id?: string }) {
  const headingId = useId();
  return (
    <section className={cx('card', className)} aria-labelledby={title ? headingId : undefined} id={id}>
      {(title || actions) && (
        <div className="card-header">
          <div>
            {title && <h2 id={headingId}>{title}</h2>}
            {description && <p className="card-description">{description}</p>}
          </div>
          {actions && <div className="card-actions">{actions}</div>}
        </div>
      )}
      <div className="card-body">{children}</div>
    </section>
  );
}

export function Badge({ tone = 'neutral', children }: { tone?: 'neutral' | 'success' | 'warning' | 'danger' | 'info' | 'accent'; children: ReactNode }) {
  return <span className={cx('badge', `badge-${tone}`)}>{children}</span>;
}

export function Spinner({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="spinner-row" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('web.common.loading')}</span>
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <div className="empty-state">{children}</div>;
}

// ---------------------------------------------------------------- buttons

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'secondary' | 'danger' | 'danger-solid' | 'ghost'; size?: 'sm' | 'md'; busy?: boolean };

export function Button({ variant = 'secondary', size = 'md', busy, className, children, disabled, type = 'button', ...rest }: ButtonProps) {
  return (
    <button type={type} className={cx('btn', `btn-${variant}`, size === 'sm' && 'btn-sm', className)} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy && <span className="spinner spinner-inline" aria-hidden="true" />}
      {children}
    </button>
  );
}

// ---------------------------------------------------------------- forms

/**
 * A labelled control. The child (input, select, textarea) gets the id, aria-invalid and
 * aria-describedby; the label is a real <label for>, so tests and screen readers find it.
 */
/** `error`: a message to show, or '' to mark the field invalid when the form's problem already says why. */
export function Field({ label, hint, error, optional, children, className }: { label: string; hint?: ReactNode; error?: string | undefined; optional?: boolean; children: ReactElement<Record<string, unknown>>; className?: string }) {
  const { t } = useI18n();
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const invalid = error !== undefined;
  const describedBy = [hint && !error ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={cx('field', invalid && 'field-invalid', className)}>
      <label htmlFor={id} className="field-label">
        {label}
        {optional && <span className="field-optional">{t('web.common.optional')}</span>}
      </label>
      {cloneElement(children, { id, 'aria-invalid': invalid || undefined, 'aria-describedby': describedBy })}
      {hint && !error && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** The text to show for a failed call, in the current language. */
export function useErrorText(): (e: unknown) => string {
  const { t } = useI18n();
  return useCallback(
    (e: unknown) => {
      if (e instanceof ApiError) {
        if (e.network) return t('web.errors.network');
        return e.problem.title || t('web.errors.unexpected', { status: e.status });
      }
      return t('web.errors.unexpected', { status: 0 });
    },
    [t],
  );
}

/**
 * The problem of a failed form submission: its localized title, plus the field messages that no
 * visible field shows (`shownFields` are rendered next to their inputs).
 */
export function FormError({ error, shownFields = [] }: { error: unknown; shownFields?: string[] }) {
  const text = useErrorText();
  if (!error) return null;
  const fieldErrors = error instanceof ApiError ? (error.problem.errors ?? []) : [];
  const rest = fieldErrors.filter((f) => !shownFields.includes((f.field ?? '').replace(/^\//, '')));
  return (
    <div className="alert alert-danger" role="alert">
      <p className="alert-title">{text(error)}</p>
      {error instanceof ApiError && error.problem.detail && <p>{error.problem.detail}</p>}
      {rest.length > 0 && (
        <ul>
          {rest.map((f, i) => (
            <li key={i}>
              {f.field && <code>{f.field.replace(/^\//, '')}</code>} {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Alert({ tone = 'info', title, children }: { tone?: 'info' | 'warning' | 'success' | 'danger'; title?: string; children?: ReactNode }) {
  return (
    <div className={cx('alert', `alert-${tone}`)} role={tone === 'danger' ? 'alert' : 'note'}>
      {title && <p className="alert-title">{title}</p>}
      {children}
    </div>
  );
}

/** Field errors of an ApiError keyed by field name, or {}. */
export function fieldErrorsOf(e: unknown): Record<string, string> {
  return e instanceof ApiError ? e.fieldErrors() : {};
}

// ---------------------------------------------------------------- data loading

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
  setData(d: T): void;
}

/** Load something when the inputs change; stale answers are dropped. */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const ctl = new AbortController();
    setLoading(true);
    setError(undefined);
    loadRef.current(ctl.signal).then(
      (d) => {
        if (ctl.signal.aborted) return;
        setData(d);
        setLoading(false);
      },
      (e: unknown) => {
        if (ctl.signal.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, nonce]);
  return { data, error, loading, reload: () => setNonce((n) => n + 1), setData };
}

export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const text = useErrorText();
  return (
    <div className="alert alert-danger" role="alert">
      <p className="alert-title">{text(error)}</p>
      {onRetry && (
        <Button size="sm" onClick={onRetry}>
          {t('web.common.retry')}
        </Button>
      )}
    </div>
  );
}

// ---------------------------------------------------------------- toasts

interface Toast {
  id: number;
  tone: 'success' | 'danger' | 'info';
  text: string;
}

const TOP_LAYER_EVENT = 'partnerdesk:top-layer';

const ToastContext = createContext<(tone: Toast['tone'], text: string) => void>(() => {});

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const { t } = useI18n();
  const push = useCallback((tone: Toast['tone'], text: string) => {
    const id = Date.now() + Math.random();
    setToasts((ts) => [...ts.slice(-3), { id, tone, text }]);
    window.setTimeout(() => setToasts((ts) => ts.filter((x) => x.id !== id)), tone === 'danger' ? 8000 : 4000);
  }, []);
  // The stack is a manual popover, re-shown on every change, so that it sits in the top layer
  // above an open modal <dialog> instead of under its backdrop.
  const stackRef = useRef<HTMLDivElement>(null);
  const raise = useCallback((show: boolean, toTop: boolean) => {
    const el = stackRef.current;
    if (!el || typeof el.showPopover !== 'function') return;
    try {
      const open = el.matches(':popover-open');
      if (open && (!show || toTop)) el.hidePopover();
      if (show && (!open || toTop)) el.showPopover();
    } catch {
      /* popover unsupported: the stack stays a fixed element */
    }
  }, []);
  useEffect(() => raise(toasts.length > 0, Boolean(document.querySelector('dialog[open]'))), [toasts, raise]);
  useEffect(() => {
    // a dialog opened later would cover the stack: bring it back on top
    const onTopLayer = () => raise(Boolean(stackRef.current?.childElementCount), true);
    window.addEventListener(TOP_LAYER_EVENT, onTopLayer);
    return () => window.removeEventListener(TOP_LAYER_EVENT, onTopLayer);
  }, [raise]);
  return (
    <ToastContext.Provider value={push}>
      {children}
      <div className="toasts" aria-live="polite" popover="manual" ref={stackRef}>
        {toasts.map((x) => (
          <div key={x.id} className={cx('toast', `toast-${x.tone}`)} role={x.tone === 'danger' ? 'alert' : 'status'}>
            <span>{x.text}</span>
            <button type="button" className="toast-close" aria-label={t('web.common.close')} onClick={() => setToasts((ts) => ts.filter((y) => y.id !== x.id))}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast() {
  return useContext(ToastContext);
}

// ---------------------------------------------------------------- dialog

/** A modal built on <dialog> (focus trap, Escape and the backdrop for free). */
export function Dialog({ open, title, onClose, children, footer }: { open: boolean; title: string; onClose: () => void; children: ReactNode; footer?: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const headingId = useId();
  const { t } = useI18n();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      window.dispatchEvent(new Event(TOP_LAYER_EVENT));
    }
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={headingId} onClose={onClose} onCancel={onClose}>
      {open && (
        <>
          <div className="dialog-header">
            <h2 id={headingId}>{title}</h2>
            <button type="button" className="icon-btn" aria-label={t('web.common.close')} onClick={onClose}>
              ×
            </button>
          </div>
          <div className="dialog-body">{children}</div>
          {footer && <div className="dialog-footer">{footer}</div>}
        </>
      )}
    </dialog>
  );
}
