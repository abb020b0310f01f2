// The app's three views and the moves between them that start inside a view: a device's own history
// opens the History view filtered to it; "Push this image again" goes back to the Bench with the
// image open and the board selected. App.tsx provides it; components deep in a panel use it without
// every panel in between passing callbacks along.
import { createContext, use } from 'react';
import type { ImageInfo } from '../../../../shared/domain.ts';

export type ViewName = 'bench' | 'history' | 'devices';

/** The view shown, and for History the board it opened filtered to (null: every board). */
export type View = { name: 'bench' } | { name: 'history'; deviceId: string | null } | { name: 'devices' };

export interface Navigation {
  show: (view: View) => void;
  /** A past push's file, re-inspected by the main process: open it on the Bench with the board selected. */
  pushAgain: (image: ImageInfo, deviceId: string) => void;
}

export const NavigationContext = createContext<Navigation | null>(null);

export function useNavigation(): Navigation {
  const navigation = use(NavigationContext);
  if (!navigation) throw new Error('useNavigation() outside <NavigationContext>: App.tsx provides it');
  return navigation;
}
