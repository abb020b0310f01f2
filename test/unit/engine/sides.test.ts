// The engine's sides seen from outside, with a radio that only reports states (no sockets, no noble):
// `discoveryChanged` carries the whole status as it is now, Bluetooth included (it used to carry the
// status from before the change, so the renderer showed the previous Bluetooth state); the BLE side
// keeps why scanning failed; a Bluetooth address is the BLE side's to answer, never probed as a host.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { DiscoveryStatus } from '../../../shared/contract.ts';
import { createEngine, type OtaEngine } from '../../../electron/engine/index.ts';
import type { BleRadio, RadioEvents, RadioStatus } from '../../../electron/engine/ble/ble-radio.ts';
import { BleSide } from '../../../electron/engine/sides/ble-side.ts';
import { DEFAULT_JOB_TIMEOUTS } from '../../../electron/engine/jobs/job-context.ts';

/** A radio that only reports the state it is told to be in: no scanning, no connections. */
class StatusOnlyRadio extends EventEmitter<RadioEvents> implements BleRadio {
  private current: RadioStatus = { state: 'starting', message: 'Starting Bluetooth.' };
  status = (): RadioStatus => this.current;
  become(status: RadioStatus): void {
    this.current = status;
    this.emit('status', status);
  }
  startScanning = async (): Promise<void> => {};
  stopScanning = async (): Promise<void> => {};
  connect = (): never => {
    throw new Error('no connections in this test');
  };
  close = async (): Promise<void> => {};
}

let engine: OtaEngine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

describe('discoveryChanged', () => {
  it('carries the Bluetooth state the radio has just reported, not the one before', () => {
    const radio = new StatusOnlyRadio();
    engine = createEngine({ ble: radio });
    const heard: DiscoveryStatus[] = [];
    engine.on('discoveryChanged', (status) => heard.push(status));

    radio.become({ state: 'scanning', message: 'Scanning for Bluetooth LE devices.' });
    expect(heard.at(-1)?.ble).toEqual({ state: 'scanning', message: 'Scanning for Bluetooth LE devices.' });
    radio.become({ state: 'unavailable', message: 'The Bluetooth adapter is off.' });
    expect(heard.at(-1)?.ble).toEqual({ state: 'unavailable', message: 'The Bluetooth adapter is off.' });
    expect(heard.at(-1)).toEqual(engine.discoveryStatus());
  });
});

describe('the BLE side’s part of the status', () => {
  it('keeps why scanning failed to start until the radio reports a state of its own', async () => {
    const radio = new StatusOnlyRadio();
    radio.startScanning = async () => {
      throw new Error('adapter busy');
    };
    let changes = 0;
    const side = new BleSide(
      { activeJobFor: () => null, devicesChanged: () => {}, statusChanged: () => changes++ },
      DEFAULT_JOB_TIMEOUTS,
      radio,
    );
    try {
      await side.start();
      expect(side.discoveryStatus()).toEqual({
        ble: { state: 'unavailable', message: 'Bluetooth scanning failed: adapter busy' },
      });
      expect(changes).toBe(1);
      radio.become({ state: 'scanning', message: 'Scanning for Bluetooth LE devices.' });
      expect(side.discoveryStatus()).toEqual({
        ble: { state: 'scanning', message: 'Scanning for Bluetooth LE devices.' },
      });
      expect(changes).toBe(2);
    } finally {
      await side.close();
    }
  });

  it('says Bluetooth is off when there is no radio', () => {
    const side = new BleSide(
      { activeJobFor: () => null, devicesChanged: () => {}, statusChanged: () => {} },
      DEFAULT_JOB_TIMEOUTS,
      null,
    );
    expect(side.discoveryStatus().ble?.state).toBe('off');
    void side.close();
  });
});

describe('resolving a Bluetooth address', () => {
  it('goes to the BLE side in either spelling, and the LAN side never probes it as a host name', async () => {
    const radio = new StatusOnlyRadio();
    engine = createEngine({ ble: radio });
    await expect(engine.resolveDevice('AA-BB-CC-DD-EE-FF')).rejects.toThrow(
      'No Bluetooth device with address aa-bb-cc-dd-ee-ff has been seen: Starting Bluetooth.',
    );
    radio.become({ state: 'scanning', message: 'Scanning.' });
    await expect(engine.resolveDevice('aa:bb:cc:dd:ee:ff')).rejects.toThrow(
      'No Bluetooth device with address aa:bb:cc:dd:ee:ff has been seen yet; is it on and advertising?',
    );
  });
});
