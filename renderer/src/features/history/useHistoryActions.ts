// The History view's two commands that leave the page: "Push this image again" (the main process
// re-opens the file that job sent, by its jobId: the page never names a path) and "Export" (the main
// process asks where to save, with its own dialog).
import { useCallback, useState } from 'react';
import type { HistoryEntry } from '../../../../shared/history.ts';
import { errorMessage, useApi } from '../../api.ts';
import { filterQuery, type HistoryFilter } from './history-merge.ts';
import { exportSaved } from './history-messages.ts';
import { useNavigation } from './navigation.ts';

export function usePushAgain() {
  const api = useApi();
  const navigation = useNavigation();
  const [pendingJobId, setPendingJobId] = useState<string | null>(null);
  const [error, setError] = useState<{ jobId: string; message: string } | null>(null);

  const pushAgain = useCallback(
    async (row: HistoryEntry) => {
      setPendingJobId(row.jobId);
      setError(null);
      try {
        const image = await api.reopenHistoryImage({ jobId: row.jobId });
        navigation.pushAgain(image, row.deviceId);
      } catch (caught) {
        setError({ jobId: row.jobId, message: errorMessage(caught) });
      } finally {
        setPendingJobId(null);
      }
    },
    [api, navigation],
  );
  return { pendingJobId, error, pushAgain };
}

export function useExport(filter: HistoryFilter) {
  const api = useApi();
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const exportAs = useCallback(
    async (format: 'csv' | 'json') => {
      setPending(true);
      setSaved(null);
      setError(null);
      try {
        const { fileName, rows } = await api.exportHistory({ format, query: filterQuery(filter) });
        // null: the user closed the save dialog; nothing was written and nothing needs saying.
        if (fileName) setSaved(exportSaved(rows, fileName));
      } catch (caught) {
        setError(errorMessage(caught));
      } finally {
        setPending(false);
      }
    },
    [api, filter],
  );
  return { pending, saved, error, exportAs };
}
