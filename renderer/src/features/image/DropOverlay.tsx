export function DropOverlay({ visible }: { visible: boolean }) {
  if (!visible) return null;
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden>
      <div className="drop-overlay__card">
        <p className="drop-overlay__title">Drop firmware to inspect it</p>
        <p className="drop-overlay__hint">Nothing is sent to a board until you press Push.</p>
      </div>
    </div>
  );
}
