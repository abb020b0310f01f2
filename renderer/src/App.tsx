// Composition only: state lives in the feature hooks; this file wires them together.
import { useState } from 'react';
import type { Device } from '../../shared/domain.ts';
import { DevicePanel } from './features/devices/DevicePanel.tsx';
import { useDevices } from './features/devices/useDevices.ts';
import { useDiscoveryStatus } from './features/devices/useDiscoveryStatus.ts';
import { DropOverlay } from './features/image/DropOverlay.tsx';
import { ImagePanel } from './features/image/ImagePanel.tsx';
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

  const selected =
    devices.devices.find((device) => device.id === selectedId) ?? (added?.id === selectedId ? added : null);
  const ready = devices.loaded && discovery.loaded && jobs.loaded;

  const onAdded = (device: Device) => {
    setAdded(device);
    setSelectedId(device.id);
  };

  return (
    <div className="app" data-app-state={ready ? 'ready' : 'loading'} {...drop.handlers}>
      <DevicePanel
        devices={devices}
        discovery={discovery}
        selectedId={selectedId}
        onSelect={setSelectedId}
        onAdded={onAdded}
      />
      <main className="workspace">
        <div className="workspace__setup">
          <ImagePanel state={image} />
          <PushPanel
            device={selected}
            image={image.image}
            inspecting={image.inspecting}
            jobs={jobs.jobs}
            onPushed={jobs.upsert}
          />
        </div>
        <JobList state={jobs} />
      </main>
      <DropOverlay visible={drop.dragging} />
    </div>
  );
}
