// Minimal Device / ImageInfo / Job values for renderer unit tests; override what a test is about.
import type {
  Device,
  ImageInfo,
  Job,
  PreflightCheck,
  PushPlan,
  SerialPortFacts,
  SlotEvidence,
} from '../../../../shared/domain.ts';

export function aDevice(over: Partial<Device> = {}): Device {
  return {
    id: 'id:board-1',
    transport: 'lan',
    name: 'kitchen-sensor',
    hostname: null,
    address: '192.168.1.41',
    port: 80,
    protocol: 'mongoose-os',
    protocolEvidence: 'txt',
    pushSupported: true,
    firmwareVersion: '1.4.1',
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
  };
}

export function anImage(over: Partial<ImageInfo> = {}): ImageInfo {
  return {
    imageId: 'img-1',
    fileName: 'fw.zip',
    size: 1000,
    sha256: 'ab'.repeat(32),
    format: 'mongoose-fw-zip',
    formatLabel: 'Mongoose OS firmware zip',
    facts: [],
    version: '1.4.2',
    pushableWith: ['mongoose-os'],
    warnings: [],
    problem: null,
    slotEvidence: null,
    members: null,
    ...over,
  };
}

export function anEvidence(over: Partial<SlotEvidence> = {}): SlotEvidence {
  return {
    linkedSlot: 2,
    byFileName: 2,
    headerByte3: 2,
    iromReferences: { slot1: 0, slot2: 812 },
    iromDecisive: true,
    layout: '512+512',
    sizeMap: 4,
    summary: 'linked for slot 2: 812 of 812 irom references point into slot 2.',
    contradiction: null,
    ...over,
  };
}

export function aCheck(over: Partial<PreflightCheck> = {}): PreflightCheck {
  return { id: 'header', label: 'v2 header', status: 'pass', detail: '0xEA, 4, QIO', overridable: false, ...over };
}

export function aPlan(over: Partial<PushPlan> = {}): PushPlan {
  return {
    deviceId: 'id:board-1',
    imageId: 'img-1',
    protocol: 'esp-link',
    send: { imageId: 'img-1b', fileName: 'user2.bin', size: 400_000, sha256: 'cd'.repeat(32) },
    reason: 'The board runs user1.bin, so it takes user2.bin next.',
    slots: { runningSlot: 1, nextSlot: 2, flashMap: '4MB:512/512', slotRoom: 503_808 },
    imageSlots: null,
    checks: [aCheck()],
    verdict: 'ready',
    message: null,
    fingerprint: 'f'.repeat(64),
    ...over,
  };
}

export function aJob(over: Partial<Job> = {}): Job {
  return {
    id: 'job-1',
    deviceId: 'id:board-1',
    deviceName: 'kitchen-sensor',
    target: '192.168.1.41:80',
    protocol: 'mongoose-os',
    image: { fileName: 'fw.zip', size: 1000, sha256: 'ab'.repeat(32), format: 'mongoose-fw-zip', version: '1.4.2' },
    state: 'transferring',
    createdAt: 1000,
    stateSince: 1000,
    endedAt: null,
    progress: { bytesSent: 0, totalBytes: 1000, bytesPerSecond: 0, etaSeconds: null },
    fromVersion: '1.4.1',
    toVersion: null,
    commitPolicy: 'prompt',
    commitDeadline: null,
    result: null,
    log: [],
    mode: null,
    link: null,
    ...over,
  };
}

/** A Nordic DK on /dev/ttyACM0 that answered MCUmgr (SerialPortFacts). */
export function aSerial(over: Partial<SerialPortFacts> = {}): SerialPortFacts {
  return {
    path: '/dev/ttyACM0',
    vendorId: '1366',
    productId: '1015',
    manufacturer: 'SEGGER',
    serialNumber: '000683012345',
    knownBoard: 'Nordic nRF52840 DK (J-Link)',
    baudRate: 115200,
    flowControl: 'none',
    allowed: true,
    probe: 'smp',
    probeMessage: null,
    ...over,
  };
}
