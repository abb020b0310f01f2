// Bench | History | Devices, at the top of the window. Buttons in a nav (Tab reaches them, Enter or
// Space switches); the view shown is aria-current. Alt+1/2/3 switch from anywhere.
import { useEffect } from 'react';
import type { View, ViewName } from './navigation.ts';

const VIEWS: Array<{ name: ViewName; label: string; key: string }> = [
  { name: 'bench', label: 'Bench', key: '1' },
  { name: 'history', label: 'History', key: '2' },
  { name: 'devices', label: 'Devices', key: '3' },
];

const viewNamed = (name: ViewName): View => (name === 'history' ? { name, deviceId: null } : { name });

export function ViewSwitch({ current, onChange }: { current: ViewName; onChange: (view: View) => void }) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      const view = VIEWS.find((candidate) => candidate.key === event.key);
      if (!view) return;
      event.preventDefault();
      onChange(viewNamed(view.name));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onChange]);

  return (
    <nav className="view-switch" aria-label="Views" data-testid="view-switch">
      {VIEWS.map((view) => (
        <button
          key={view.name}
          type="button"
          className="view-switch__option"
          aria-current={current === view.name ? 'page' : undefined}
          title={`${view.label} (Alt+${view.key})`}
          data-testid={`view-${view.name}`}
          onClick={() => onChange(viewNamed(view.name))}
        >
          {view.label}
        </button>
      ))}
    </nav>
  );
}
