// The device list's commit state (jobs/commit-watch.ts) with a fake board and clock: read when a board
// appears, turned into a deadline from the board's own remaining time, re-read every 10 s while
// uncommitted and after the deadline, every minute once committed, again when the board announces
// other firmware; never while a job of ours works on it, and at most 4 reads at a time.
import { describe, expect, it } from 'vitest';
import type { Device } from '../../../shared/domain.ts';
import type { BootState, UpdateProtocol } from '../../../electron/engine/protocols/update-protocol.ts';
import { CommitWatch } from '../../../electron/engine/jobs/commit-watch.ts';

const aDevice = (over: Partial<Device>): Device => ({
  id: 'id:board-1',
  transport: 'lan',
  name: 'board',
  hostname: null,
  address: '10.0.0.1',
  port: 80,
  protocol: 'mongoose-os',
  protocolEvidence: 'txt',
  pushSupported: true,
  firmwareVersion: '1.0.0',
  firmwareId: null,
  app: null,
  arch: 'esp32',
  mac: null,
  services: ['_http._tcp'],
  rssi: null,
  online: true,
  lastSeen: 0,
  authRequired: false,
  txt: {},
  ...over,
});

// One turn of the event loop, for the fake board's async answers to land: not a wait for time (the clock is `now`).
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(devices: Device[], boot: (host: string) => BootState | Promise<BootState>) {
  let now = 1_000_000;
  const reads: string[] = [];
  const busy = new Set<string>();
  const protocol = {
    commitControl: {
      bootState: async (target: { host: string }) => {
        reads.push(target.host);
        return boot(target.host);
      },
    },
  } as unknown as UpdateProtocol;
  const watch = new CommitWatch({
    devices: () => devices,
    protocolOf: () => protocol,
    busy: (id) => busy.has(id),
    changed: () => {},
    now: () => now,
  });
  const at = async (ms: number) => {
    now = 1_000_000 + ms;
    watch.tick();
    await settle();
  };
  return { watch, reads, busy, at, list: () => devices.map(watch.decorate) };
}

const uncommitted = (revertsInSeconds: number): BootState => ({
  committed: false,
  activeSlot: 1,
  revertSlot: 0,
  commitTimeoutSeconds: 300,
  revertsInSeconds,
  runningVersion: '1.1.0',
});
const committed: BootState = {
  committed: true,
  activeSlot: 0,
  revertSlot: 0,
  commitTimeoutSeconds: 0,
  revertsInSeconds: null,
};

describe('CommitWatch', () => {
  it("shows uncommitted firmware with the deadline from the board's own remaining time, and re-reads it boundedly", async () => {
    const board = aDevice({ id: 'id:a', address: '10.0.0.1' });
    const { reads, at, list } = setup([board], () => uncommitted(250));
    await at(0);
    expect(list()[0]!.commitState).toEqual({
      committed: false,
      version: '1.1.0',
      revertsAt: 1_000_000 + 250_000,
      readAt: 1_000_000,
    });
    await at(5_000);
    expect(reads).toHaveLength(1); // not before 10 s
    await at(10_000);
    expect(reads).toHaveLength(2);
  });

  it('re-reads right after the deadline, however close it is', async () => {
    const { reads, at } = setup([aDevice({ id: 'id:a', address: '10.0.0.1' })], () => uncommitted(3));
    await at(0);
    await at(3_500);
    expect(reads).toHaveLength(1);
    await at(4_000);
    expect(reads).toHaveLength(2);
  });

  it('committed boards are asked once a minute, or at once when they announce other firmware', async () => {
    const board = aDevice({ id: 'id:a', address: '10.0.0.1', firmwareVersion: '1.0.0' });
    const devices = [board];
    const { reads, at, list } = setup(devices, () => committed);
    await at(0);
    expect(list()[0]!.commitState?.committed).toBe(true);
    await at(30_000);
    expect(reads).toHaveLength(1);
    devices[0] = { ...board, firmwareVersion: '1.1.0' };
    await at(31_000);
    expect(reads).toHaveLength(2);
    await at(92_000);
    expect(reads).toHaveLength(3);
  });

  it('leaves alone a board a job of ours works on, and reads at most 4 boards at once', async () => {
    const devices = Array.from({ length: 8 }, (_, i) => aDevice({ id: `id:${i}`, address: `10.0.0.${i}` }));
    const pending: Array<() => void> = [];
    const { reads, busy, at } = setup(
      devices,
      () => new Promise<BootState>((resolve) => pending.push(() => resolve(committed))),
    );
    busy.add('id:0');
    await at(0);
    expect(reads).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']);
  });
});
