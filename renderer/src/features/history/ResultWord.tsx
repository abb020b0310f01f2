import type { HistoryEntry, HistoryResult } from '../../../../shared/history.ts';
import { RESULT_ICONS, resultTone, rowResultWord } from './history-words.ts';

/** ✓ Committed, ✕ Failed, ↺ Rolled back: an icon and a word in the result's tone. */
export function ResultWord({ entry }: { entry: Pick<HistoryEntry, 'state' | 'result' | 'protocol'> }) {
  return <ResultMark result={entry.result} word={rowResultWord(entry)} />;
}

export function ResultMark({ result, word }: { result: HistoryResult; word: string }) {
  return (
    <span className={`history-result history-result--${resultTone(result)}`} data-result={result}>
      <span className="history-result__icon" aria-hidden="true">
        {RESULT_ICONS[result]}
      </span>{' '}
      {word}
    </span>
  );
}
