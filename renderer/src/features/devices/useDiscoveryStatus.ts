// mDNS discovery status ("starting", "running", "unavailable" + a sentence from the engine).
import { useEffect, useState } from 'react';
import type { DiscoveryStatus } from '../../../../shared/contract.ts';
import { errorMessage, useApi } from '../../api.ts';

export interface DiscoveryState {
  status: DiscoveryStatus | null;
  loaded: boolean;
}

export function useDiscoveryStatus(): DiscoveryState {
  const api = useApi();
  const [state, setState] = useState<DiscoveryState>({ status: null, loaded: false });

  useEffect(() => {
    let active = true;
    let eventSeen = false;
    const unsubscribe = api.onDiscoveryChanged((status) => {
      eventSeen = true;
      setState((previous) => ({ ...previous, status }));
    });
    api.getDiscoveryStatus().then(
      (status) => {
        if (active) setState((previous) => ({ status: eventSeen ? previous.status : status, loaded: true }));
      },
      (error: unknown) => {
        if (!active) return;
        const status: DiscoveryStatus = { state: 'unavailable', message: errorMessage(error) };
        setState((previous) => ({ status: previous.status ?? status, loaded: true }));
      },
    );
    return () => {
      active = false;
      unsubscribe();
    };
  }, [api]);

  return state;
}
