// The CLI's sentences for status/commit/revert and refused pushes, built in electron/cli/messages.ts.
import { describe, expect, it } from 'vitest';
import {
  boardLine,
  credentialsHint,
  deviceCommandDone,
  deviceCommandMessage,
  leftUncommitted,
  notPushed,
  statusHeadline,
} from '../../../electron/cli/messages.ts';
import type { Device, DeviceStatus, Job } from '../../../shared/domain.ts';

const board: Device = {
  id: 'id:esp32_00000A',
  transport: 'lan',
  name: 'kitchen',
  hostname: null,
  address: '10.0.0.10',
  port: 80,
  protocol: 'mongoose-os',
  protocolEvidence: 'txt',
  pushSupported: true,
  firmwareVersion: '1.0',
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
};

const status = (over: Partial<DeviceStatus> = {}): DeviceStatus => ({
  device: board,
  reachable: true,
  firmwareVersion: '1.1.0',
  firmwareId: null,
  bootState: null,
  slots: null,
  imageSlots: null,
  details: {},
  ...over,
});

const uncommitted = {
  committed: false,
  activeSlot: 1,
  revertSlot: 0,
  commitTimeoutSeconds: 300,
  revertsInSeconds: 250,
};

describe('status, commit and revert', () => {
  it('heads the status with the board, its firmware and the engine’s words for the commit window', () => {
    const words = (s?: number | null) => `reverts in ${s}`;
    expect(statusHeadline('kitchen', status(), words)).toBe('kitchen: reachable, firmware 1.1.0');
    expect(statusHeadline('kitchen', status({ bootState: uncommitted }), words)).toBe(
      'kitchen: reachable, firmware 1.1.0, UNCOMMITTED (reverts in 250)',
    );
    expect(statusHeadline('kitchen', status({ reachable: false, firmwareVersion: null }), words)).toBe(
      'kitchen: not reachable, firmware unknown',
    );
  });

  it('counts a commit done only when the board reports the firmware committed; status and revert when it answers', () => {
    expect(deviceCommandDone('status', status())).toBe(true);
    expect(deviceCommandDone('commit', status({ bootState: uncommitted }))).toBe(false);
    expect(deviceCommandDone('commit', status({ bootState: { ...uncommitted, committed: true } }))).toBe(true);
    expect(deviceCommandDone('revert', status({ bootState: uncommitted }))).toBe(true);
    expect(deviceCommandDone('status', status({ reachable: false }))).toBe(false);
  });

  it('says what was not done, and how to give a password when that is why', () => {
    const lost = status({ reachable: false, details: { error: 'the board needs a password' } });
    expect(deviceCommandMessage('commit', board, lost, false)).toBe(
      'kitchen did not answer: commit not confirmed (the board needs a password) Give them with --user USER --password PASSWORD.',
    );
    expect(deviceCommandMessage('status', board, lost, true)).toBe(
      'kitchen did not answer: status not read (the board needs a password) Check --user and --password.',
    );
    expect(deviceCommandMessage('commit', board, status({ bootState: uncommitted }), false)).toBe(
      'kitchen: commit did not take effect; the board still reports the firmware as uncommitted.',
    );
    expect(deviceCommandMessage('status', board, status(), false)).toBe('kitchen status read.');
    expect(
      deviceCommandMessage('revert', board, status({ reachable: false, details: { error: 'timed out' } }), false),
    ).toBe('kitchen did not answer: revert not confirmed (timed out).');
    expect(deviceCommandMessage('status', board, status({ reachable: false }), false)).toBe(
      'kitchen did not answer: status not read.',
    );
    expect(deviceCommandMessage('revert', board, status({ outcome: 'Reverted.' }), false)).toBe('Reverted.');
  });
});

describe('push', () => {
  it('names the board by its endpoint, IPv6 bracketed', () => {
    expect(boardLine(board, 'mongoose-os')).toBe('Board: kitchen (10.0.0.10:80, Mongoose OS, running 1.0)');
    expect(boardLine({ ...board, address: 'fe80::1', firmwareVersion: null }, 'mongoose-os')).toBe(
      'Board: kitchen ([fe80::1]:80, Mongoose OS)',
    );
  });

  it('says what to do about a refused plan', () => {
    expect(notPushed('Wrong slot.', 'needs-override', 'kitchen')).toBe(
      'Not pushed: Wrong slot. If you are sure, add --force (dangerous: a wrong-slot image does not boot).',
    );
    expect(notPushed('Uncommitted.', 'uncommitted', 'kitchen')).toBe(
      'Not pushed: Uncommitted. Keep it: ota-bench commit kitchen — or go back: ota-bench revert kitchen; then push again.',
    );
    expect(notPushed('No.', 'refused', 'kitchen')).toBe('Not pushed: No.');
  });

  it('says the time left in the commit window on the same clock as the desktop app', () => {
    const job = { deviceName: 'kitchen', toVersion: '1.1.0', commitDeadline: Date.now() + 250_000 } as Job;
    expect(leftUncommitted(job, 'id:k')).toBe(
      'kitchen runs 1.1.0 uncommitted; it reverts in 4:10 unless you run: ota-bench commit id:k',
    );
    expect(leftUncommitted({ ...job, commitDeadline: null }, 'id:k')).toMatch(/reverts in a few minutes unless/);
  });
});

describe('credentialsHint', () => {
  it('names only --password for boards that ask for no user name', () => {
    expect(credentialsHint(true, 'esphome-native')).toBe('Check --password.');
    expect(credentialsHint(true, 'arduino-ota')).toBe('Check --password.');
    expect(credentialsHint(false, 'arduino-ota')).toBe('Give it with --password PASSWORD.');
  });

  it('names --user and --password for boards that ask for both', () => {
    expect(credentialsHint(true, 'mongoose-os')).toBe('Check --user and --password.');
    expect(credentialsHint(false)).toBe('Give them with --user USER --password PASSWORD.');
  });
});
