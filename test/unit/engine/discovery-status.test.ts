// What `discoveryChanged` carries: the whole status as it is now, Bluetooth included. It used to carry
// the status from before the change (the renderer showed "Bluetooth starting" while it scanned).
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { DiscoveryStatus } from '../../../shared/contract.ts';
import { createEngine, type OtaEngine } from '../../../electron/engine/index.ts';
import type { BleRadio, RadioEvents, RadioStatus } from '../../../electron/engine/ble/ble-radio.ts';

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
