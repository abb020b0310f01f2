/** Shown when the page runs without the preload (opened in a plain browser, or the preload failed). */
export function MissingBridge() {
  return (
    <div className="fatal" data-app-state="no-api" role="alert">
      <h1>OTA Bench cannot reach its main process</h1>
      <p>
        <span className="mono">window.otaBench</span> is missing: this page only works inside the OTA Bench app, whose
        preload script provides it. If you started the app normally, the preload failed to load — check the terminal for
        its error.
      </p>
    </div>
  );
}
