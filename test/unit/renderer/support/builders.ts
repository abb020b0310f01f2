// Minimal Device / ImageInfo / Job values for renderer unit tests; override what a test is about.
import type { Device, ImageInfo, Job } from '../../../../shared/domain.ts';

export function aDevice(over: Partial<Device> = {}): Device {
  return {
    id: 'id:board-1', name: 'kitchen-sensor', hostname: null, address: '192.168.1.41', port: 80,
    protocol: 'mongoose-os', protocolEvidence: 'txt', pushSupported: true, firmwareVersion: '1.4.1',
    firmwareId: null, app: null, arch: 'esp32', mac: null, services: ['_http._tcp'], online: true,
    lastSeen: 0, authRequired: false, txt: {}, ...over,
  };
}

export function anImage(over: Partial<ImageInfo> = {}): ImageInfo {
  return {
    imageId: 'img-1', fileName: 'fw.zip', size: 1000, sha256: 'ab'.repeat(32), format: 'mongoose-fw-zip',
    formatLabel: 'Mongoose OS firmware zip', facts: [], version: '1.4.2', pushableWith: ['mongoose-os'],
    warnings: [], problem: null, ...over,
  };
}

export function aJob(over: Partial<Job> = {}): Job {
  return {
    id: 'job-1', deviceId: 'id:board-1', deviceName: 'kitchen-sensor', target: '192.168.1.41:80',
    protocol: 'mongoose-os', image: { fileName: 'fw.zip', size: 1000, sha256: 'ab'.repeat(32), format: 'mongoose-fw-zip', version: '1.4.2' },
    state: 'transferring', createdAt: 1000, stateSince: 1000, endedAt: null,
    progress: { bytesSent: 0, totalBytes: 1000, bytesPerSecond: 0, etaSeconds: null },
    fromVersion: '1.4.1', toVersion: null, commitPolicy: 'prompt', commitDeadline: null, result: null, log: [], ...over,
  };
}
