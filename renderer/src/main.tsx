import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiContext, findApi } from './api.ts';
import { App } from './App.tsx';
import { ErrorBoundary } from './ui/ErrorBoundary.tsx';
import { MissingBridge } from './ui/MissingBridge.tsx';
import './styles/base.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

const api = findApi();
createRoot(container).render(
  <StrictMode>
    <ErrorBoundary>
      {api ? (
        <ApiContext value={api}>
          <App />
        </ApiContext>
      ) : (
        <MissingBridge />
      )}
    </ErrorBoundary>
  </StrictMode>,
);
