// Composition only: state lives in the feature hooks; this file wires them together.
import { useCallback, useMemo, useState } from 'react';
import type { Device, ImageInfo } from '../../shared/domain.ts';
import type { FleetRun } from '../../shared/fleet.ts';
import { DevicePanel } from './features/devices/DevicePanel.tsx';
import { useDevices } from './features/devices/useDevices.ts';
import { useDiscoveryStatus } from './features/devices/useDiscoveryStatus.ts';
import { selectedDevices } from './features/devices/selection.ts';
import { useDeviceSelection } from './features/devices/useDeviceSelection.ts';
import { FleetList } from './features/fleet/FleetList.tsx';
import { FleetPushPanel } from './features/fleet/FleetPushPanel.tsx';
import { useFleetImages } from './features/fleet/useFleetImages.ts';
import { useFleets } from './features/fleet/useFleets.ts';
import { DropOverlay } from './features/image/DropOverlay.tsx';
import { ImagePanel } from './features/image/ImagePanel.tsx';
import { HistoryView } from './features/history/HistoryView.tsx';
import { InventoryView } from './features/history/InventoryView.tsx';
import { NavigationContext, type Navigation, type View } from './features/history/navigation.ts';
import { ViewSwitch } from './features/history/ViewSwitch.tsx';
import { useFileDrop } from './features/image/useFileDrop.ts';
import { useImage } from './features/image/useImage.ts';
import { JobList } from './features/jobs/JobList.tsx';
import { useJobs } from './features/jobs/useJobs.ts';
import { PushPanel } from './features/push/PushPanel.tsx';

export function App() {
  const devices = useDevices();
  const discovery = useDiscoveryStatus();
  const jobs = useJobs();
  const image = useImage();
  const drop = useFileDrop(image.inspectFiles, image.reportError);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  // A board added by address is selected at once, even before devicesChanged lists it.
  const [added, setAdded] = useState<Device | null>(null);
  // Ticked boards (2 or more: the fleet form takes the push panel's place) and the fleet runs.
  const selection = useDeviceSelection();
  const fleets = useFleets();
  const fleetImages = useFleetImages(image.image);
  const ticked = selectedDevices(selection.selection, devices.devices);

  const selected =
    devices.devices.find((device) => device.id === selectedId) ?? (added?.id === selectedId ? added : null);
  const ready = devices.loaded && discovery.loaded && jobs.loaded;

  // Stable, so the memoised device rows do not re-render with every job's progress.
  const onAdded = useCallback((device: Device) => {
    setAdded(device);
    setSelectedId(device.id);
  }, []);
  const { add: addFleet } = fleets;
  const { clear: clearSelection } = selection;
  // Bench | History | Devices. The Bench stays mounted (hidden) so a half-filled push form is kept.
  const [view, setView] = useState<View>({ name: 'bench' });
  const { adopt: adoptImage } = image;
  const navigation = useMemo<Navigation>(
    () => ({
      show: setView,
      // "Push this image again": the file is open, the board selected, the plan shows on the Bench.
      pushAgain: (reopened: ImageInfo, deviceId: string) => {
        adoptImage(reopened);
        clearSelection();
        setSelectedId(deviceId);
        setView({ name: 'bench' });
      },
    }),
    [adoptImage, clearSelection],
  );
  const onFleetStarted = useCallback(
    (run: FleetRun) => {
      addFleet(run);
      clearSelection();
    },
    [addFleet, clearSelection],
  );

  return (
    <div className="app" data-app-state={ready ? 'ready' : 'loading'} {...drop.handlers}>
      <DevicePanel
        devices={devices}
        discovery={discovery}
        selectedId={selectedId}
        onSelect={setSelectedId}
        onAdded={onAdded}
        selection={selection}
        images={fleetImages.images}
      />
      <NavigationContext value={navigation}>
        <div className="app__main">
          <ViewSwitch current={view.name} onChange={setView} />
          <main className="workspace" hidden={view.name !== 'bench'}>
            <div className="workspace__setup">
              <ImagePanel state={image} />
              {ticked.length >= 2 ? (
                <FleetPushPanel
                  devices={ticked}
                  image={image.image}
                  offered={fleetImages}
                  skipOffline={selection.skipOffline}
                  onStarted={onFleetStarted}
                  onClear={selection.clear}
                />
              ) : (
                <PushPanel
                  device={selected}
                  image={image.image}
                  inspecting={image.inspecting}
                  jobs={jobs.jobs}
                  onPushed={jobs.upsert}
                />
              )}
            </div>
            <FleetList fleets={fleets} jobs={jobs.jobs} />
            <JobList state={jobs} />
          </main>
          {view.name === 'history' && <HistoryView key={view.deviceId ?? 'all'} deviceId={view.deviceId} />}
          {view.name === 'devices' && <InventoryView />}
        </div>
      </NavigationContext>
      <DropOverlay visible={drop.dragging} />
    </div>
  );
}
