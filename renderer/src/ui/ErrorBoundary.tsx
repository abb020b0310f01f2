// A render bug must not leave a blank window: show the actual error so it can be reported.
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('OTA Bench renderer crashed', error, info.componentStack);
  }

  render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div className="fatal" data-app-state="crashed" role="alert">
        <h1>The OTA Bench window hit a bug</h1>
        <p>Pushes already running continue in the background. Reload the window (Ctrl+R) to reconnect.</p>
        <pre className="mono selectable">{this.state.error.stack ?? this.state.error.message}</pre>
      </div>
    );
  }
}
