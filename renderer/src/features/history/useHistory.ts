// The History view's rows for a filter: the newest page from listHistory, older pages on request
// ("Show older", by `before`), and every historyChanged event merged in by jobId.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { HistoryEntry } from '../../../../shared/history.ts';
import { errorMessage, useApi } from '../../api.ts';
import { appendOlder, filterQuery, mergeHistoryEntry, olderPageQuery, type HistoryFilter } from './history-merge.ts';

export const HISTORY_PAGE = 50;

export interface HistoryState {
  rows: HistoryEntry[];
  loaded: boolean;
  error: string | null;
  /** More rows may be older than the last one shown. */
  hasOlder: boolean;
  loadingOlder: boolean;
  showOlder: () => Promise<void>;
}

export function useHistory(filter: HistoryFilter, pageSize = HISTORY_PAGE): HistoryState {
  const api = useApi();
  const [rows, setRows] = useState<HistoryEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  // Which filter the rows shown were read for: a new filter is "not loaded" until its page is there.
  const [loadedFor, setLoadedFor] = useState<string | null>(null);
  const [hasOlder, setHasOlder] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  // Read by the event listener without resubscribing on every page.
  const complete = useRef(false);
  const { deviceId, result, fileName } = filter;
  const key = JSON.stringify([deviceId, result, fileName, pageSize]);

  useEffect(() => {
    const current = filterQuery({ deviceId, result, fileName });
    let live = true;
    // Events that arrive before the first page are kept and merged once it is there.
    let early: HistoryEntry[] | null = [];
    const unsubscribe = api.onHistoryChanged((entry) => {
      if (!live) return;
      if (early) early.push(entry);
      else setRows((shown) => mergeHistoryEntry(shown, entry, current, complete.current));
    });
    api
      .listHistory({ ...current, limit: pageSize })
      .then((page) => {
        if (!live) return;
        complete.current = page.length < pageSize;
        const pending = early ?? [];
        early = null;
        setRows(pending.reduce((shown, entry) => mergeHistoryEntry(shown, entry, current, complete.current), page));
        setHasOlder(!complete.current);
        setError(null);
      })
      .catch((caught: unknown) => {
        if (!live) return;
        early = null;
        setRows([]);
        setHasOlder(false);
        setError(errorMessage(caught));
      })
      .finally(() => live && setLoadedFor(key));
    return () => {
      live = false;
      unsubscribe();
    };
  }, [api, key, deviceId, result, fileName, pageSize]);

  const showOlder = useCallback(async () => {
    const oldest = rows.at(-1);
    if (!oldest) return;
    setLoadingOlder(true);
    try {
      const older = await api.listHistory(olderPageQuery({ deviceId, result, fileName }, oldest, pageSize));
      // A page that brings nothing new is the end too (every row in it was already listed).
      complete.current = older.length < pageSize || appendOlder(rows, older).length === rows.length;
      setHasOlder(!complete.current);
      setRows((shown) => appendOlder(shown, older));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setLoadingOlder(false);
    }
  }, [api, rows, deviceId, result, fileName, pageSize]);

  return { rows, loaded: loadedFor === key, error, hasOlder, loadingOlder, showOlder };
}
