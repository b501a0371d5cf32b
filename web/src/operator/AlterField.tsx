import { useState, type FormEvent } from 'react';
import type { UserErrorFieldsFragment } from '../generated/graphql.ts';
import { ErrorNotice, UserErrors } from '../shared/feedback.tsx';
import { when } from '../shared/format.ts';

/**
 * One underwrite field edited on its own, sent with the time of the edit: the moment the person
 * first changed it, not when they pressed Save. If someone saved that field after that moment,
 * the service refuses it (STALE_UPDATE) and the form says so, with the value now stored.
 */
export function AlterField({
  label,
  name,
  value,
  updatedAt,
  multiline,
  save,
  reload,
}: {
  label: string;
  name: string;
  value: string;
  updatedAt: string | null | undefined;
  multiline?: boolean;
  /** Sends the change; resolves to the payload's errors (none: saved). */
  save: (value: string, editedAt: string) => Promise<readonly UserErrorFieldsFragment[]>;
  reload: () => Promise<unknown>;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const [editedAt, setEditedAt] = useState<string | null>(null);
  const [errors, setErrors] = useState<readonly UserErrorFieldsFragment[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const stale = errors.some((e) => e.code === 'STALE_UPDATE');

  const change = (next: string) => {
    setDraft(next);
    setEditedAt((at) => at ?? new Date().toISOString());
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (draft === null || !editedAt) return;
    setSaving(true);
    setFailure(null);
    try {
      const refused = await save(draft, editedAt);
      setErrors(refused);
      if (!refused.length) {
        setDraft(null);
        setEditedAt(null);
      }
    } catch (error) {
      setFailure(error);
    } finally {
      setSaving(false);
    }
  };
  const startOver = async () => {
    await reload();
    setDraft(null);
    setEditedAt(null);
    setErrors([]);
  };
  const props = {
    name,
    value: draft ?? value,
    onChange: (e: { target: { value: string } }) => change(e.target.value),
  };
  return (
    <form className="alter-field" aria-label={label} onSubmit={submit}>
      <label>
        {label}
        {multiline ? <textarea rows={3} {...props} /> : <input {...props} />}
      </label>
      <span className="muted">Last changed {when(updatedAt)}</span>
      <UserErrors errors={errors}>
        {stale && (
          <p>
            Your change was <strong>not saved</strong>: it was made at {when(editedAt)}, before the
            change now stored. The stored value is “{value || '—'}”.{' '}
            <button type="button" className="button-secondary" onClick={() => void startOver()}>
              Use the stored value
            </button>
          </p>
        )}
      </UserErrors>
      <ErrorNotice error={failure} />
      <button type="submit" disabled={saving || draft === null || draft === value}>
        {saving ? 'Saving…' : 'Save'}
      </button>
    </form>
  );
}
