import { describe, expect, it } from 'vitest';
import { mismatchReason, pushBlocker, versionNote, type ReadinessInput } from '../../../renderer/src/features/push/push-readiness.ts';
import { aDevice, aJob, anImage } from './support/builders.ts';

const ready = (over: Partial<ReadinessInput> = {}): ReadinessInput => ({
  device: aDevice(),
  image: anImage(),
  inspecting: false,
  activeJob: undefined,
  commitTimeoutSeconds: 300,
  ...over,
});

describe('pushBlocker', () => {
  it('allows a push when board and file fit', () => {
    expect(pushBlocker(ready())).toBeNull();
  });

  it('asks for a board, then for a file', () => {
    expect(pushBlocker(ready({ device: null, image: null }))).toBe('Pick a board on the left.');
    expect(pushBlocker(ready({ image: null }))).toMatch(/Choose a firmware file/);
    expect(pushBlocker(ready({ image: null, inspecting: true }))).toMatch(/inspected/);
  });

  it('says when pushing over a protocol is not implemented yet', () => {
    const device = aDevice({ protocol: 'esp-link', pushSupported: false });
    expect(pushBlocker(ready({ device, image: anImage({ pushableWith: ['esp-link'] }) }))).toBe(
      'Pushing over esp-link (user1/user2) arrives in a later version of OTA Bench.',
    );
  });

  it('points at the inspector’s problem instead of repeating it', () => {
    const problem = 'This is a web page saved as .bin, not firmware.';
    expect(pushBlocker(ready({ image: anImage({ problem, pushableWith: [] }) }))).toBe(
      'This file cannot be pushed: see the problem under Firmware.',
    );
  });

  it('explains a file/board mismatch with both protocols named', () => {
    const device = aDevice({ name: 'porch', protocol: 'esphome-web' });
    expect(pushBlocker(ready({ device }))).toBe(
      'This Mongoose OS firmware zip file is for Mongoose OS boards; porch speaks ESPHome web OTA.',
    );
  });

  it('refuses offline boards and a second push to a busy board', () => {
    expect(pushBlocker(ready({ device: aDevice({ online: false }) }))).toMatch(/is offline/);
    expect(pushBlocker(ready({ activeJob: aJob() }))).toMatch(/still running/);
  });

  it('checks the commit timeout only where there is a commit step', () => {
    expect(pushBlocker(ready({ commitTimeoutSeconds: 5 }))).toMatch(/between 10 and 86400/);
    expect(pushBlocker(ready({ commitTimeoutSeconds: Number.NaN }))).toMatch(/between 10 and 86400/);
    const esphome = aDevice({ protocol: 'esphome-web' });
    expect(pushBlocker(ready({ device: esphome, image: anImage({ pushableWith: ['esphome-web'] }), commitTimeoutSeconds: 5 }))).toBeNull();
  });
});

describe('mismatchReason / versionNote', () => {
  it('says when no protocol can take the file', () => {
    expect(mismatchReason(aDevice(), anImage({ pushableWith: [], formatLabel: 'gzip' }))).toBe('No update protocol can take this gzip file.');
  });

  it('notes a re-flash of the version already running', () => {
    expect(versionNote(aDevice({ firmwareVersion: '1.4.2' }), anImage())).toBe('kitchen-sensor already runs 1.4.2.');
    expect(versionNote(aDevice(), anImage())).toBeNull();
  });
});
