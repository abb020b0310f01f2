// Fleet runs: listFleets once, then every fleetChanged event replaces its run (the event carries the
// whole run). Members name their jobs by id; phase and progress come from useJobs, never copied here.
import { useCallback, useEffect, useState } from 'react';
import type { FleetRun } from '../../../../shared/fleet.ts';
import { errorMessage, useApi } from '../../api.ts';

export interface FleetsState {
  /** Newest first. */
  runs: FleetRun[];
  error: string | null;
  /** A run a command returned (startFleet): shown at once, unless an event already brought it. */
  add: (run: FleetRun) => void;
  /** After dismissFleet: the engine forgets the run and sends no event for it. */
  remove: (fleetId: string) => void;
}

function withRun(runs: FleetRun[], run: FleetRun): FleetRun[] {
  const index = runs.findIndex((known) => known.id === run.id);
  if (index === -1) return [run, ...runs].sort((a, b) => b.createdAt - a.createdAt);
  const next = runs.slice();
  next[index] = run;
  return next;
}

export function useFleets(): FleetsState {
  const api = useApi();
  const [runs, setRuns] = useState<FleetRun[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let active = true;
    // Events arrive in order on one stream; a listed copy never replaces a run an event already brought.
    const unsubscribe = api.onFleetChanged((run) => setRuns((previous) => withRun(previous, run)));
    api.listFleets().then(
      (listed) => {
        if (!active) return;
        setRuns((previous) =>
          listed.reduce(
            (known, run) => (known.some((seen) => seen.id === run.id) ? known : withRun(known, run)),
            previous,
          ),
        );
      },
      (caught: unknown) => {
        if (active) setError(errorMessage(caught));
      },
    );
    return () => {
      active = false;
      unsubscribe();
    };
  }, [api]);

  // Command results may arrive after newer events (the test bridge uses separate connections): only
  // a run not yet known is taken from them.
  const add = useCallback(
    (run: FleetRun) =>
      setRuns((previous) => (previous.some((known) => known.id === run.id) ? previous : withRun(previous, run))),
    [],
  );
  const remove = useCallback(
    (fleetId: string) => setRuns((previous) => previous.filter((run) => run.id !== fleetId)),
    [],
  );

  return { runs, error, add, remove };
}
