import type { ReactNode } from 'react';
import type { UserErrorFieldsFragment } from '../generated/graphql.ts';
import { describeError, errorTitle } from './errors.ts';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** An operation that failed as a whole, in words. */
export function ErrorNotice({ error, retry }: { error: unknown; retry?: () => void }) {
  if (!error) return null;
  return (
    <div className="notice notice-error" role="alert">
      <p>{describeError(error)}</p>
      {retry && (
        <button type="button" className="button-secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** A payload's business errors (`errors: [UserError!]!`), each with a title and the service's message. */
export function UserErrors({
  errors,
  children,
}: {
  errors: readonly UserErrorFieldsFragment[] | undefined;
  children?: ReactNode;
}) {
  if (!errors?.length) return null;
  return (
    <div className="notice notice-error" role="alert" data-testid="user-errors">
      <ul>
        {errors.map((e, i) => (
          <li key={i} data-code={e.code}>
            <strong>{errorTitle(e.code)}:</strong> {e.message}
          </li>
        ))}
      </ul>
      {children}
    </div>
  );
}

export function Success({ children }: { children: ReactNode }) {
  return (
    <div className="notice notice-success" role="status">
      {children}
    </div>
  );
}

/** The message under one form field, for the errors that name it. */
export function FieldErrors({ errors }: { errors: readonly UserErrorFieldsFragment[] }) {
  if (!errors.length) return null;
  return (
    <span className="field-error" role="alert">
      {errors.map((e) => e.message).join(' ')}
    </span>
  );
}
