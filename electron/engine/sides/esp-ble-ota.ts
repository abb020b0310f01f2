// What the BLE side does for an Espressif BLE OTA device (ble-protocols.md §3): plan a push without
// connecting (the pre-flight is about the file: a plain ESP32 app image), say what its status can and
// cannot tell, and build the job sequence (jobs/esp-ble-ota-job.ts).
import type { Device, DeviceStatus, PushPlan } from '../../../shared/domain.ts';
import type { BleRadio } from '../ble/ble-radio.ts';
import type { EspOtaTimeouts } from '../ble/esp-ble-ota-upload.ts';
import { runEspOtaJob } from '../jobs/esp-ble-ota-job.ts';
import type { JobContext, JobSequence } from '../jobs/job-context.ts';
import { judgePlan } from '../jobs/push-plan.ts';
import { espBleOtaChecks } from '../protocols/esp-ble-ota-plan.ts';
import type { ImageOnDisk } from '../protocols/update-protocol.ts';

export interface EspOtaAccess {
  radio: BleRadio;
  peripheralId(): string | null;
  connectTimeoutMs: number;
  timeouts?: EspOtaTimeouts;
  /** The device as the table knows it now. */
  device(): Device;
  /** Marks the device held by a job (status and plans wait) until release. */
  hold(): void;
  release(): void;
}

const REASON =
  'Sends the image in 4 KiB sectors, each acknowledged by the device; its firmware checks the image when it has every byte (esp_ota_end) and restarts into it.';

export function espOtaPlan(device: Device, image: ImageOnDisk): PushPlan {
  const { info } = image;
  const base = {
    deviceId: device.id,
    imageId: info.imageId,
    protocol: device.protocol,
    reason: REASON,
    slots: null,
    imageSlots: null,
    send: { imageId: info.imageId, fileName: info.fileName, size: info.size, sha256: info.sha256 },
  };
  const checks = espBleOtaChecks(info);
  return { ...base, checks, ...judgePlan(checks, base) };
}

/** No connection: the service has no command that reports anything about the device. */
export function espOtaStatus(device: Device): DeviceStatus {
  const details: Record<string, string> = {
    'Update service': 'Espressif BLE OTA (service 0x8018)',
    Firmware: 'not reported: the service has no command that says which image runs',
  };
  if (device.rssi !== null) details.RSSI = `${device.rssi} dBm`;
  return {
    device,
    firmwareId: null,
    bootState: null,
    slots: null,
    reachable: device.online,
    firmwareVersion: null,
    imageSlots: null,
    details,
  };
}

export function espOtaSequence(device: Device, access: EspOtaAccess): JobSequence {
  const run = async (ctx: JobContext): Promise<void> => {
    access.hold();
    try {
      await runEspOtaJob(ctx, {
        radio: access.radio,
        peripheralId: access.peripheralId,
        connectTimeoutMs: access.connectTimeoutMs,
        timeouts: access.timeouts,
        onReleased: access.release,
      });
    } finally {
      access.release();
    }
  };
  return {
    protocolId: 'esp-ble-ota',
    target: `BLE ${device.address ?? device.name}`,
    currentDevice: access.device,
    run,
  };
}
