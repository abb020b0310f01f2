// A board's label and notes, the user's own words kept in the inventory (setDeviceNote). Lengths are
// the contract's (80 and 2,000 characters): checked here so the reason shows before anything is sent.
import { useId, useState } from 'react';
import type { InventoryDevice } from '../../../../shared/history.ts';
import { formatCount } from '../../../../shared/format.ts';
import { errorMessage, useApi } from '../../api.ts';
import { noteTooLong } from './history-messages.ts';

export const NOTE_LIMITS = { label: 80, notes: 2000 } as const;

interface DeviceNoteFormProps {
  device: InventoryDevice;
  onSaved: (device: InventoryDevice) => void;
  onClose: () => void;
}

/** Blank is no label (null), not an empty one. */
const orNull = (text: string) => (text.trim() === '' ? null : text.trim());

export function DeviceNoteForm({ device, onSaved, onClose }: DeviceNoteFormProps) {
  const api = useApi();
  const id = useId();
  const [label, setLabel] = useState(device.label ?? '');
  const [notes, setNotes] = useState(device.notes ?? '');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const labelProblem = label.trim().length > NOTE_LIMITS.label ? noteTooLong('Label', NOTE_LIMITS.label) : null;
  const notesProblem = notes.trim().length > NOTE_LIMITS.notes ? noteTooLong('Notes', NOTE_LIMITS.notes) : null;

  const save = async () => {
    if (labelProblem || notesProblem) return;
    setSaving(true);
    setError(null);
    try {
      onSaved(await api.setDeviceNote({ deviceId: device.deviceId, label: orNull(label), notes: orNull(notes) }));
      onClose();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="note-form"
      data-testid="note-form"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
      onKeyDown={(event) => event.key === 'Escape' && onClose()}
    >
      <label className="note-form__field" htmlFor={`${id}-label`}>
        <span className="field-label">Label</span>
        <span className="hint">
          {formatCount(label.length)}/{formatCount(NOTE_LIMITS.label)}
        </span>
      </label>
      <input
        id={`${id}-label`}
        className="input"
        data-testid="note-label"
        value={label}
        maxLength={NOTE_LIMITS.label}
        aria-invalid={labelProblem !== null}
        placeholder="e.g. bench left, rev B"
        onChange={(event) => setLabel(event.target.value)}
        autoFocus
      />
      {labelProblem && <p className="field-error">{labelProblem}</p>}
      <label className="note-form__field" htmlFor={`${id}-notes`}>
        <span className="field-label">Notes</span>
        <span className="hint">
          {formatCount(notes.length)}/{formatCount(NOTE_LIMITS.notes)}
        </span>
      </label>
      <textarea
        id={`${id}-notes`}
        className="input note-form__notes"
        data-testid="note-notes"
        value={notes}
        maxLength={NOTE_LIMITS.notes}
        rows={3}
        aria-invalid={notesProblem !== null}
        onChange={(event) => setNotes(event.target.value)}
      />
      {notesProblem && <p className="field-error">{notesProblem}</p>}
      {error && (
        <p className="field-error" role="alert" data-testid="note-error">
          {error}
        </p>
      )}
      <div className="note-form__actions">
        <button type="button" className="button button--ghost button--small" onClick={onClose}>
          Cancel
        </button>
        <button
          type="submit"
          className="button button--primary button--small"
          data-testid="note-save"
          disabled={saving || labelProblem !== null || notesProblem !== null}
        >
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
