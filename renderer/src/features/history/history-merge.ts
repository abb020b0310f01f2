// Live History rows: each historyChanged event is one row, merged by jobId into what is shown, so
// twenty pushes changing state do not refetch the list twenty times a second. No React: unit-tested.
import type { HistoryEntry, HistoryQuery } from '../../../../shared/history.ts';

/** The filters of a query (what the engine filters by), without its paging. */
export type HistoryFilter = Pick<HistoryQuery, 'deviceId' | 'result' | 'fileName'>;

/** The same test the engine's query applies: device, result, and a file-name substring (any case). */
export function matchesFilter(entry: HistoryEntry, filter: HistoryFilter): boolean {
  if (filter.deviceId && entry.deviceId !== filter.deviceId) return false;
  if (filter.result && entry.result !== filter.result) return false;
  if (filter.fileName && !entry.fileName.toLowerCase().includes(filter.fileName.toLowerCase())) return false;
  return true;
}

const newestFirst = (a: HistoryEntry, b: HistoryEntry) => b.startedAt - a.startedAt || b.jobId.localeCompare(a.jobId);

/**
 * `rows` with `entry` merged in: replaced where its job is listed, dropped when it no longer matches
 * the filter (a "running" filter and the push ended), added when new. A row older than the oldest
 * shown belongs to a page not loaded yet (`complete` false) and is left for "Show older".
 */
export function mergeHistoryEntry(
  rows: HistoryEntry[],
  entry: HistoryEntry,
  filter: HistoryFilter,
  complete: boolean,
): HistoryEntry[] {
  const index = rows.findIndex((row) => row.jobId === entry.jobId);
  const matches = matchesFilter(entry, filter);
  if (index !== -1) {
    // States only grow: an event older than the page it is merged into (it arrived while the page
    // was being read) must not take a row back.
    if (rows[index]!.states.length > entry.states.length) return rows;
    if (!matches) return rows.filter((row) => row.jobId !== entry.jobId);
    // The list leaves the log out; a row's log is fetched with its details.
    return rows.map((row, at) => (at === index ? entry : row));
  }
  if (!matches) return rows;
  const oldest = rows.at(-1);
  if (!complete && oldest && entry.startedAt < oldest.startedAt) return rows;
  return [...rows, entry].sort(newestFirst);
}

/** A page of older rows appended (a row that arrived meanwhile by an event is not listed twice). */
export function appendOlder(rows: HistoryEntry[], older: HistoryEntry[]): HistoryEntry[] {
  const listed = new Set(rows.map((row) => row.jobId));
  return [...rows, ...older.filter((row) => !listed.has(row.jobId))].sort(newestFirst);
}

/** The filter as a query: only the fields that filter (a schema-checked IPC argument carries no empty keys). */
export function filterQuery(filter: HistoryFilter): HistoryFilter {
  const query: HistoryFilter = {};
  if (filter.deviceId) query.deviceId = filter.deviceId;
  if (filter.result) query.result = filter.result;
  if (filter.fileName) query.fileName = filter.fileName;
  return query;
}

/**
 * The query for the page older than `oldest`. `before` is exclusive and a fleet run starts several
 * pushes in the same millisecond, so the page starts 1 ms later: rows sharing the oldest one's start
 * come again (appendOlder drops the ones listed) instead of falling between two pages.
 */
export function olderPageQuery(filter: HistoryFilter, oldest: HistoryEntry, pageSize: number): HistoryQuery {
  return { ...filterQuery(filter), limit: pageSize, before: oldest.startedAt + 1 };
}
