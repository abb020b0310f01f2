// A shared ticking clock. Every countdown and "last seen" label reads the same `now`, so they tick
// together and there is one timer per interval instead of one per component.
import { useCallback, useSyncExternalStore } from 'react';

interface Ticker {
  now: number;
  listeners: Set<() => void>;
  timer: ReturnType<typeof setInterval> | null;
}

const tickers = new Map<number, Ticker>();

function tickerFor(intervalMs: number): Ticker {
  let ticker = tickers.get(intervalMs);
  if (!ticker) {
    ticker = { now: Date.now(), listeners: new Set(), timer: null };
    tickers.set(intervalMs, ticker);
  }
  return ticker;
}

function subscribe(intervalMs: number, listener: () => void): () => void {
  const ticker = tickerFor(intervalMs);
  ticker.listeners.add(listener);
  if (!ticker.timer) {
    ticker.now = Date.now();
    ticker.timer = setInterval(() => {
      ticker.now = Date.now();
      for (const notify of ticker.listeners) notify();
    }, intervalMs);
  }
  return () => {
    ticker.listeners.delete(listener);
    if (ticker.listeners.size === 0 && ticker.timer) {
      clearInterval(ticker.timer);
      ticker.timer = null;
    }
  };
}

/** Epoch ms, re-rendering the caller every `intervalMs` while it is mounted. */
export function useNow(intervalMs = 1000): number {
  // Stable functions: a new subscribe on every render makes React unsubscribe and subscribe again
  // after each commit. When every subscriber of an interval does that at once, the ticker stops,
  // restarts with a fresh Date.now(), the snapshot differs, React renders again synchronously, and so
  // on while each render takes a millisecond or more: "Maximum update depth exceeded" on a busy page
  // (twenty pushes at once on a loaded machine).
  const subscribeToTicker = useCallback((listener: () => void) => subscribe(intervalMs, listener), [intervalMs]);
  const currentNow = useCallback(() => tickerFor(intervalMs).now, [intervalMs]);
  return useSyncExternalStore(subscribeToTicker, currentNow);
}
