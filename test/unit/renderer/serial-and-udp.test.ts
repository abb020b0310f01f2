// Serial ports and MCUmgr over UDP in the renderer's words (#13): where a board is, what its probe
// found, why Push waits, what the add form takes, which boards take credentials, the link line of an
// SMP job and what a bootloader without test/confirm means for the card and the mode picker.
import { describe, expect, it } from 'vitest';
import type { BleLinkFacts, SerialPortFacts } from '../../../shared/domain.ts';
import {
  lineSettings,
  probeExplanation,
  probeTone,
  probeWords,
  serialBlocker,
  serialStatusLabel,
  usbIds,
} from '../../../renderer/src/features/devices/serial.ts';
import { deviceEndpoint, protocolLabel } from '../../../renderer/src/features/devices/transport.ts';
import { addressProblem } from '../../../renderer/src/features/devices/useAddDevice.ts';
import { matchesText } from '../../../renderer/src/features/devices/device-filter.ts';
import { pushBlocker, takesCredentials } from '../../../renderer/src/features/push/push-readiness.ts';
import { noStateWritesReason } from '../../../renderer/src/features/push/smp.ts';
import { bootModeNote, uploadThenResetOnly } from '../../../renderer/src/features/jobs/job-boot-mode.ts';
import { explainLinkFacts, linkFactsLine } from '../../../renderer/src/lib/ble.ts';
import { aCheck, aDevice, anImage, aPlan, aSerial } from './support/builders.ts';

const serialDevice = (serial: Partial<SerialPortFacts> = {}, over: Parameters<typeof aDevice>[0] = {}) =>
  aDevice({
    id: 'serial:usb:1366:1015:000683012345',
    transport: 'serial',
    name: 'nRF52840 DK',
    address: null,
    port: 0,
    protocol: 'mcumgr-smp',
    protocolEvidence: 'probe',
    services: [],
    serial: aSerial(serial),
    ...over,
  });
const udpBoard = aDevice({
  id: 'udp:192.168.1.90:1337',
  name: 'zephyr-eth-node',
  address: '192.168.1.90',
  port: 1337,
  protocol: 'mcumgr-smp',
  services: [],
});

describe('where a serial port or a UDP board is', () => {
  it('a serial port is its path; a UDP board udp://host:port; LAN boards as before', () => {
    expect(deviceEndpoint(serialDevice())).toBe('/dev/ttyACM0');
    expect(deviceEndpoint(serialDevice({}, { serial: null, id: 'serial:/dev/ttyUSB3' }))).toBe('/dev/ttyUSB3');
    expect(deviceEndpoint(udpBoard)).toBe('udp://192.168.1.90:1337');
    expect(deviceEndpoint(aDevice({ id: 'addr:192.168.1.41:80' }))).toBe('192.168.1.41:80');
  });

  it('MCUmgr/SMP says which link carries it; other protocols keep their name', () => {
    expect(protocolLabel(udpBoard)).toBe('MCUmgr/SMP over UDP');
    expect(protocolLabel(serialDevice())).toBe('MCUmgr/SMP over serial');
    expect(protocolLabel({ protocol: 'mcumgr-smp', transport: 'ble' })).toBe('MCUmgr/SMP over BLE');
    expect(protocolLabel({ protocol: 'mongoose-os', transport: 'lan' })).toBe('Mongoose OS');
  });

  it('the filter finds a port by its USB ids, the board they name and its path', () => {
    const dk = serialDevice();
    for (const typed of ['1366:1015', 'nrf52840', 'ttyacm0', 'segger', 'serial'])
      expect(matchesText(dk, typed)).toBe(true);
    expect(matchesText(dk, 'cp210')).toBe(false);
  });
});

describe('a serial port in words', () => {
  it('USB ids, line settings', () => {
    expect(usbIds(aSerial())).toBe('1366:1015');
    expect(usbIds(aSerial({ vendorId: null, productId: null }))).toBeNull();
    expect(lineSettings(aSerial())).toBe('115200 baud');
    expect(lineSettings(aSerial({ baudRate: 921600, flowControl: 'rts-cts' }))).toBe('921600 baud, RTS/CTS');
  });

  it('the probe state in words, with the engine’s sentence on hover when it sent one', () => {
    expect(probeWords(aSerial({ probe: 'unprobed', allowed: false }))).toBe('not allowed');
    expect(probeExplanation(aSerial({ probe: 'unprobed', allowed: false }))).toBe(
      'OTA Bench does not write to a port you have not allowed.',
    );
    expect(probeWords(aSerial({ probe: 'unprobed' }))).toBe('not probed yet');
    expect(probeWords(aSerial({ probe: 'probing' }))).toBe('probing…');
    expect(probeWords(aSerial({ probe: 'smp' }))).toBe('answers MCUmgr');
    expect(probeWords(aSerial({ probe: 'silent' }))).toBe('silent');
    expect(probeWords(aSerial({ probe: 'busy' }))).toBe('busy (another program)');
    expect(probeExplanation(aSerial({ probe: 'busy' }))).toContain('Another program has it open');
    expect(probeWords(aSerial({ probe: 'error' }))).toBe('error');
    expect(probeExplanation(aSerial({ probe: 'error', probeMessage: 'EACCES: permission denied, open' }))).toBe(
      'EACCES: permission denied, open',
    );
    expect([probeTone('smp'), probeTone('busy'), probeTone('error'), probeTone('silent')]).toEqual([
      'success',
      'warning',
      'warning',
      'neutral',
    ]);
  });

  it('the discovery badge: watching · N ports, unavailable with why, off', () => {
    expect(serialStatusLabel(undefined)).toBeNull();
    expect(serialStatusLabel({ state: 'watching', message: '', ports: 3 })).toBe('Serial · 3 ports');
    expect(serialStatusLabel({ state: 'watching', message: '', ports: 1 })).toBe('Serial · 1 port');
    expect(serialStatusLabel({ state: 'off', message: 'OTA_BENCH_SERIAL=off', ports: 0 })).toBe('Serial off');
    expect(
      serialStatusLabel({ state: 'unavailable', message: 'the serialport native module did not load', ports: 0 }),
    ).toBe('Serial unavailable: the serialport native module did not load');
  });
});

describe('why Push waits for a serial port', () => {
  const image = anImage({ format: 'mcuboot', formatLabel: 'MCUboot image', pushableWith: ['mcumgr-smp'] });
  const blocker = (device: ReturnType<typeof serialDevice>) =>
    pushBlocker({ device, image, inspecting: false, activeJob: undefined, commitTimeoutSeconds: 300 });

  it('a port not allowed says so first, before anything about the file', () => {
    const port = serialDevice({ allowed: false, probe: 'unprobed' }, { protocol: 'unknown', pushSupported: false });
    expect(serialBlocker(port)).toBe('Allow writing to /dev/ttyACM0 first (Port settings above).');
    expect(
      pushBlocker({ device: port, image: null, inspecting: false, activeJob: undefined, commitTimeoutSeconds: 300 }),
    ).toBe('Allow writing to /dev/ttyACM0 first (Port settings above).');
  });

  it('a port whose probe found nothing says what it found and what to try', () => {
    const unknown = { protocol: 'unknown' as const, pushSupported: false };
    expect(blocker(serialDevice({ probe: 'silent' }, unknown))).toContain('did not answer MCUmgr at 115200 baud');
    expect(blocker(serialDevice({ probe: 'busy' }, unknown))).toContain('another program has it open');
    expect(blocker(serialDevice({ probe: 'probing' }, unknown))).toBe('Asking /dev/ttyACM0 whether it speaks MCUmgr…');
    expect(blocker(serialDevice({ probe: 'error', probeMessage: 'Permission denied.' }, unknown))).toBe(
      '/dev/ttyACM0 could not be opened: Permission denied.',
    );
  });

  it('a port answering MCUmgr waits for its slots, read over the serial port', () => {
    expect(serialBlocker(serialDevice())).toBeNull();
    expect(blocker(serialDevice())).toBe("Reading nRF52840 DK's image slots over the serial port…");
    expect(
      pushBlocker({ device: udpBoard, image, inspecting: false, activeJob: undefined, commitTimeoutSeconds: 300 }),
    ).toBe("Reading zephyr-eth-node's image slots over UDP…");
  });
});

describe('the add form', () => {
  it.each([
    '192.168.1.42',
    'esp32.local:8080',
    '[fe80::1]:80',
    'udp://192.168.1.50',
    'udp://192.168.1.50:1337',
    'serial:/dev/ttyACM0',
    'serial:/dev/ttyACM0@115200',
    'serial:COM5@921600',
  ])('takes %s', (target) => expect(addressProblem(target)).toBeNull());

  it('says what it takes, and refuses what the engine could not use', () => {
    expect(addressProblem('')).toContain('udp://host[:port]');
    expect(addressProblem('')).toContain('serial:/dev/ttyACM0@115200');
    expect(addressProblem('http://x')).toContain('Leave out the scheme');
    expect(addressProblem('udp://')).toContain('Type the board after udp://');
    expect(addressProblem('udp://10.0.0.7:70000')).toBe('The port must be 1–65535.');
    expect(addressProblem('udp://http://x')).toContain('Leave out the scheme');
    expect(addressProblem('serial:')).toContain('Type the port after serial:');
    expect(addressProblem('serial:/dev/ttyACM0@115201')).toContain('The baud rate after @ must be one of 9600');
    expect(addressProblem('serial:/dev/ttyACM0@')).toContain('The baud rate after @');
  });
});

describe('credentials', () => {
  it('only LAN boards of HTTP-style protocols take a user name and password; SMP takes none on any link', () => {
    expect(takesCredentials(aDevice())).toBe(true);
    expect(takesCredentials(aDevice({ protocol: 'arduino-esp8266' }))).toBe(true);
    expect(takesCredentials(udpBoard)).toBe(false);
    expect(takesCredentials(serialDevice())).toBe(false);
    expect(takesCredentials(aDevice({ transport: 'ble', protocol: 'mcumgr-smp' }))).toBe(false);
    expect(takesCredentials(aDevice({ transport: 'ble', protocol: 'mongoose-os-ble' }))).toBe(false);
    expect(takesCredentials(null)).toBe(false);
  });
});

describe('the link line of an SMP job', () => {
  const link = (over: Partial<BleLinkFacts>): BleLinkFacts => ({
    attMtu: null,
    bufSize: 384,
    bufCount: 4,
    maxPacketBytes: 384,
    chunkBytes: 320,
    window: 3,
    resumedFrom: [],
    ...over,
  });

  it('serial and UDP name the link and say packets and requests in flight, not an MTU', () => {
    expect(linkFactsLine(link({ transport: 'serial', linkLabel: 'serial /dev/ttyACM0, 115200 baud' }))).toBe(
      'serial /dev/ttyACM0, 115200 baud · packets of 384 B, 3 in flight',
    );
    expect(linkFactsLine(link({ transport: 'udp', linkLabel: 'UDP 10.0.0.7:1337', window: 1 }))).toBe(
      'UDP 10.0.0.7:1337 · packets of 384 B, one at a time',
    );
    expect(linkFactsLine(link({ transport: 'serial' }))).toBe('serial port · packets of 384 B, 3 in flight');
    expect(explainLinkFacts(link({ transport: 'serial', bufSize: null, bufCount: null }))).toContain(
      'packets keep to 384 B',
    );
  });

  it('BLE (and records from before serial and UDP) keep the MTU line', () => {
    expect(linkFactsLine(link({ attMtu: 247, maxPacketBytes: 2475, window: 3 }))).toBe(
      'MTU 247 · packet 2475 B · window 3',
    );
    expect(linkFactsLine(link({ transport: 'ble', attMtu: null, maxPacketBytes: 244, window: 1 }))).toBe(
      'MTU unknown · packet 244 B · window 1',
    );
  });
});

describe('a bootloader that cannot test or confirm', () => {
  const recovery = {
    bootloader: 'MCUboot',
    mode: 'serial recovery',
    stateWrites: false,
    source: 'rc8-answer' as const,
    summary: 'MCUboot serial recovery: uploads go to slot 0; no test or confirm.',
  };

  it('the job card says the push ends after the upload and a reset', () => {
    expect(uploadThenResetOnly({ bootMode: recovery })).toBe(true);
    expect(bootModeNote({ bootMode: recovery })).toBe(
      'The bootloader (MCUboot, serial recovery) cannot test or confirm an image: the push ends after the upload and a reset.',
    );
    expect(bootModeNote({ bootMode: { ...recovery, bootloader: null, mode: null } })).toBe(
      'The bootloader cannot test or confirm an image: the push ends after the upload and a reset.',
    );
    expect(uploadThenResetOnly({ bootMode: { ...recovery, stateWrites: true } })).toBe(false);
    expect(bootModeNote({ bootMode: { ...recovery, stateWrites: true } })).toBeNull();
    expect(bootModeNote({ bootMode: null })).toBeNull();
    expect(bootModeNote({})).toBeNull();
  });

  it('a plan whose boot mode has no state writes locks the mode picker, pointing at the Bootloader check', () => {
    const says = aCheck({
      id: 'bootloader',
      label: 'Bootloader',
      status: 'warn',
      detail: 'MCUboot serial recovery cannot test or confirm.',
    });
    expect(noStateWritesReason(aPlan({ checks: [aCheck(), says], bootMode: recovery }))).toBe(
      "The board's bootloader cannot test or confirm images (see “Bootloader” in the checks above).",
    );
    expect(noStateWritesReason(aPlan({ checks: [aCheck()], bootMode: recovery }))).toBe(recovery.summary);
    expect(noStateWritesReason(aPlan({ checks: [aCheck()], bootMode: { ...recovery, stateWrites: true } }))).toBeNull();
    expect(noStateWritesReason(aPlan({ checks: [aCheck()] }))).toBeNull();
    expect(noStateWritesReason(null)).toBeNull();
  });
});
