// Typed access to `window.otaBench`, the only door from the renderer to the main process.
// In Electron the preload exposes it; in the Chromium e2e tests bridge-client.ts defines the same
// shape over HTTP. Components never touch `window` directly: they get the API from context, so a
// missing bridge is reported once, in plain words, instead of as a crash deep in a click handler.
import { createContext, use } from 'react';
import type { OtaBenchApi } from '../../shared/contract.ts';
import { cleanIpcError } from '../../shared/contract-names.ts';

declare global {
  interface Window {
    otaBench?: OtaBenchApi;
  }
}

/** The API, or null when the page was opened outside Electron (and outside the test bridge). */
export function findApi(): OtaBenchApi | null {
  return window.otaBench ?? null;
}

export const ApiContext = createContext<OtaBenchApi | null>(null);

export function useApi(): OtaBenchApi {
  const api = use(ApiContext);
  if (!api) throw new Error('useApi() outside <ApiContext>: main.tsx provides it');
  return api;
}

/** The engine's own message, minus Electron's "Error invoking remote method" wrapper. */
export function errorMessage(error: unknown): string {
  const text = cleanIpcError(error).trim();
  return text || 'The main process returned an error without a message.';
}
