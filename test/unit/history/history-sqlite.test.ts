// Node 22.13–23 print "ExperimentalWarning: SQLite is an experimental feature…" when node:sqlite
// loads (Node 24 no longer does): the CLI's stderr must not carry it, and no other warning is lost.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withoutSqliteWarning } from '../../../electron/engine/history/sqlite.ts';

afterEach(() => vi.restoreAllMocks());

describe('loading node:sqlite', () => {
  it('drops only the SQLite ExperimentalWarning, and only while loading', () => {
    const heard: string[] = [];
    const listener = (warning: Error) => heard.push(`${warning.name}: ${warning.message}`);
    process.on('warning', listener);
    const original = process.emitWarning;
    try {
      const value = withoutSqliteWarning(() => {
        // As Node's emitExperimentalWarning says it, in both call shapes.
        process.emitWarning('SQLite is an experimental feature and might change at any time', 'ExperimentalWarning');
        process.emitWarning('SQLite is an experimental feature', { type: 'ExperimentalWarning' });
        process.emitWarning('Fetch is an experimental feature', 'ExperimentalWarning');
        process.emitWarning('SQLite said something odd', 'DeprecationWarning');
        return 42;
      });
      expect(value).toBe(42);
      expect(process.emitWarning).toBe(original);
    } finally {
      process.emitWarning = original;
    }
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        process.off('warning', listener);
        expect(heard).toEqual([
          'ExperimentalWarning: Fetch is an experimental feature',
          'DeprecationWarning: SQLite said something odd',
        ]);
        resolve();
      }),
    );
  });

  it('puts the usual emitWarning back when loading throws', () => {
    const original = process.emitWarning;
    expect(() =>
      withoutSqliteWarning(() => {
        throw new Error('no sqlite here');
      }),
    ).toThrow('no sqlite here');
    expect(process.emitWarning).toBe(original);
  });
});
