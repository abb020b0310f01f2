// DESIGN FIXTURE — not a test of behaviour. A scripted, in-page `window.otaBench` used only to take
// design screenshots of the renderer (visual.spec.ts) before/without a real engine: a few boards,
// jobs in every interesting state, and a push that runs through upload → reboot → awaiting commit.
// Nothing here checks what the engine does; the behaviour tests are the *.spec.ts files that run the
// real engine and simulated boards behind bridge-server.ts.
//
// `installDesignFixtureApi` is passed to `page.addInitScript`, which serialises it with toString():
// it must be self-contained (no imports at runtime, no references to module scope).
import type { DiscoveryStatus, OtaBenchApi } from '../../../shared/contract.ts';
import type { Device, ImageInfo, Job, JobState, PreflightCheck, PushPlan, SlotEvidence } from '../../../shared/domain.ts';

/**
 * `esp-link-pair`: "Open image…" gives a user1/user2 pair; `esp-link-wrong-slot`: a user2.bin that is
 * linked for slot 1. "Open build folder…" always gives the pair.
 */
export type DesignScenario = 'bench' | 'empty' | 'html-image' | 'esp-link-pair' | 'esp-link-wrong-slot';

export function installDesignFixtureApi(scenario: DesignScenario): void {
  const now = Date.now();
  const listeners = { devices: new Set<(d: Device[]) => void>(), job: new Set<(j: Job) => void>(), discovery: new Set<(s: DiscoveryStatus) => void>() };

  const device = (over: Partial<Device> & Pick<Device, 'id' | 'name' | 'protocol'>): Device => ({
    transport: 'lan', rssi: null, hostname: null, address: '192.168.1.40', port: 80, protocolEvidence: 'txt', pushSupported: true,
    firmwareVersion: null, firmwareId: null, app: null, arch: null, mac: null, services: ['_http._tcp'],
    online: true, lastSeen: now - 3_000, authRequired: false, txt: {}, ...over,
  });

  let devices: Device[] = scenario === 'empty' ? [] : [
    device({ id: 'id:esp32_1A2B3C', name: 'kitchen-sensor', protocol: 'mongoose-os', address: '192.168.1.41', hostname: 'mOS-esp32-1A2B3C.local', firmwareVersion: '1.4.1', arch: 'esp32' }),
    device({ id: 'mac:84:f3:eb:12:34:56', name: 'garage-door', protocol: 'arduino-esp8266', address: '192.168.1.57', firmwareVersion: '2.0.0', authRequired: true }),
    device({ id: 'host:livingroom-light.local', name: 'livingroom-light', protocol: 'esphome-web', address: '192.168.1.63', firmwareVersion: '2025.4.2', protocolEvidence: 'service-type' }),
    device({ id: 'addr:192.168.1.70:80', name: 'wiflash-bridge', protocol: 'esp-link', address: '192.168.1.70', firmwareVersion: '3.2.0', arch: 'esp8266', protocolEvidence: 'probe', services: ['_http._tcp'], txt: { ssh_upload: 'no' } }),
    device({ id: 'id:esp32_9F8E7D', name: 'mOS-esp32-9F8E7D <img src=x onerror=alert(1)> with a very long name that goes on', protocol: 'mongoose-os', address: '192.168.1.88', firmwareVersion: '1.3.0', online: false, lastSeen: now - 2 * 60_000 }),
    device({ id: 'host:lab-node.local', name: 'lab-node', protocol: 'arduino-ota', address: 'fe80::1c2d:3eff:fe4f:5a6b', port: 3232, pushSupported: false, online: false, lastSeen: now - 3 * 3600_000 }),
  ];

  const discovery: DiscoveryStatus = { state: 'running', message: 'Browsing _http._tcp, _arduino._tcp, _esphomelib._tcp on 1 interface' };

  const sha = 'f3a9c01d2e4b5a6978c0d1e2f3a4b5c6d7e8f90112233445566778899aabbccd';
  const images: Record<string, ImageInfo> = {
    mongoose: {
      imageId: 'img-1', fileName: 'fw-esp32-kitchen-sensor-1.4.2.zip', size: 1_572_864, sha256: sha, format: 'mongoose-fw-zip',
      formatLabel: 'Mongoose OS firmware zip', version: '1.4.2', pushableWith: ['mongoose-os'],
      facts: [
        { label: 'Platform', value: 'esp32' }, { label: 'App', value: 'kitchen-sensor' },
        { label: 'Build', value: '20250601-101522/1.4.2@a1b2c3d' }, { label: 'Parts', value: 'boot, pt, otadata, app, fs' },
      ],
      warnings: ['Built 214 days ago.'], problem: null, slotEvidence: null, members: null,
    },
    html: {
      imageId: 'img-2', fileName: 'firmware.bin', size: 48_213, sha256: sha.split('').reverse().join(''), format: 'unknown',
      formatLabel: 'Not firmware', version: null, pushableWith: [], facts: [{ label: 'Starts with', value: '<!DOCTYPE html>' }],
      warnings: [], problem: 'This is a web page saved as .bin (it starts with <!DOCTYPE html>), not firmware. Download the raw file from the build server instead of the page that links to it.',
      slotEvidence: null, members: null,
    },
  };

  // ESP8266 user1/user2 images, as the engine describes them (shared/domain.ts SlotEvidence).
  const evidence = (slot: 1 | 2, over: Partial<SlotEvidence> = {}): SlotEvidence => ({
    linkedSlot: slot, byFileName: slot, headerByte3: slot, iromReferences: slot === 1 ? { slot1: 806, slot2: 0 } : { slot1: 0, slot2: 806 },
    iromDecisive: true, layout: '512+512', sizeMap: 4,
    summary: `Linked for slot ${slot}: all 806 irom references point into slot ${slot}'s window (0x402${slot === 1 ? '0' : '8'}1010…).`,
    contradiction: null, ...over,
  });
  const espLinkImage = (slot: 1 | 2, over: Partial<ImageInfo> = {}): ImageInfo => ({
    imageId: `img-user${slot}`, fileName: `user${slot}.bin`, size: 421_872 + slot * 16, sha256: slot === 1 ? sha : sha.split('').reverse().join(''),
    format: 'esp8266-ota-v2', formatLabel: 'ESP8266 OTA image (v2, user1/user2)', version: '3.2.1', pushableWith: ['esp-link'],
    facts: [{ label: 'Entry point', value: '0x40100004' }, { label: 'Flash', value: '4 MB (512+512), QIO, 40 MHz' }, { label: 'Segments', value: 'irom 398 KiB, .text 21 KiB, .data 1.2 KiB, .rodata 2.3 KiB' }],
    warnings: [], problem: null, slotEvidence: evidence(slot), members: null, ...over,
  });
  images.pair = {
    imageId: 'img-pair', fileName: 'user1.bin + user2.bin', size: 843_776, sha256: sha, format: 'esp8266-ota-pair',
    formatLabel: 'ESP8266 user1/user2 pair', version: '3.2.1', pushableWith: ['esp-link'],
    facts: [{ label: 'Folder', value: '~/esp-link/firmware' }], warnings: [], problem: null, slotEvidence: null,
    members: [espLinkImage(1), espLinkImage(2)],
  };
  images.wrongSlot = espLinkImage(2, {
    imageId: 'img-wrong', sha256: sha,
    slotEvidence: evidence(1, {
      byFileName: 2, headerByte3: 2,
      summary: 'Linked for slot 1: 803 of 806 irom references point into slot 1\'s window (0x40201010…).',
      iromReferences: { slot1: 803, slot2: 3 },
      contradiction: 'Named user2.bin (and header byte 3 says app 2), but the code is linked for slot 1: it cannot run from slot 2.',
    }),
  });
  const espChecks = (send: ImageInfo, slotOk: boolean): PreflightCheck[] => [
    { id: 'header', label: 'v2 header', status: 'pass', detail: '0xEA, segment byte 4, flash mode QIO, size map 4 (4 MB 512+512), entry 0x40100004.', overridable: false },
    { id: 'inner-image', label: 'Embedded image', status: 'pass', detail: '0xE9 header with 3 segments (.text at 0x40100000, .data, .rodata).', overridable: false },
    { id: 'checksum', label: 'Checksum and CRC-32', status: 'pass', detail: 'XOR checksum 0x5c and the CRC-32 trailer match.', overridable: false },
    slotOk
      ? { id: 'slot', label: 'Linked for slot 2', status: 'pass', detail: `${send.fileName} is linked for slot 2, the slot the board writes next.`, overridable: false }
      : { id: 'slot', label: 'Linked for slot 2', status: 'fail', detail: `The board writes slot 2 next, but ${send.fileName} is linked for slot 1 (803 of 806 irom references point there). It would not boot from slot 2: the board would crash and fall back to its current firmware. Pick user2.bin from the same build, or drop both files.`, overridable: true },
    { id: 'size', label: 'Fits the slot', status: 'pass', detail: `${Math.round(send.size / 1024)} KiB of 492 KiB (503,808 bytes).`, overridable: false },
    { id: 'flash-map', label: 'Flash map', status: 'warn', detail: 'Built for 4 MB 512+512; the board reports 4MB:512/512 but did not say its flash mode.', overridable: false },
  ];
  const espSlots = { runningSlot: 1 as const, nextSlot: 2 as const, flashMap: '4MB:512/512', slotRoom: 503_808 };
  const planFor = (deviceId: string, imageId: string): PushPlan => {
    const target = devices.find((candidate) => candidate.id === deviceId);
    const image = Object.values(images).find((candidate) => candidate.imageId === imageId) ?? images.mongoose;
    if (target?.protocol !== 'esp-link') {
      return { deviceId, imageId, protocol: target?.protocol ?? 'unknown', send: image, reason: null, slots: null, imageSlots: null, checks: [], verdict: 'ready', message: null };
    }
    const send = image.members ? image.members[1] : image;
    const slotOk = image.imageId !== images.wrongSlot.imageId;
    const base = { deviceId, imageId, protocol: 'esp-link' as const, slots: espSlots, imageSlots: null,
      send: { imageId: send.imageId, fileName: send.fileName, size: send.size, sha256: send.sha256 } };
    if (image.format === 'mongoose-fw-zip' || image.format === 'unknown') {
      return { ...base, send: null, reason: null, checks: [{ id: 'header', label: 'v2 header', status: 'fail', detail: `${image.fileName} is not an ESP8266 image.`, overridable: false }],
        verdict: 'refused', message: `${image.fileName} is a ${image.formatLabel}, not an ESP8266 user1/user2 image: esp-link cannot take it.` };
    }
    return {
      ...base,
      reason: image.members ? 'The board runs slot 1 (user1.bin), so it takes user2.bin next.' : 'The board writes slot 2 next; this is the only file.',
      checks: espChecks(send, slotOk),
      verdict: slotOk ? 'ready' : 'needs-override',
      // Like the engine: the message is the failed check's own words.
      message: slotOk ? null : espChecks(send, slotOk).find((check) => check.status === 'fail')!.detail,
    };
  };

  const job = (over: Partial<Job> & Pick<Job, 'id' | 'state'>): Job => {
    const total = over.image?.size ?? 1_572_864;
    return {
      deviceId: 'id:esp32_1A2B3C', deviceName: 'kitchen-sensor', target: '192.168.1.41:80', protocol: 'mongoose-os',
      image: { fileName: 'fw-esp32-kitchen-sensor-1.4.2.zip', size: total, sha256: sha, format: 'mongoose-fw-zip', version: '1.4.2' },
      createdAt: now - 60_000, stateSince: now - 10_000, endedAt: null,
      progress: { bytesSent: total, totalBytes: total, bytesPerSecond: 0, etaSeconds: null },
      fromVersion: '1.4.1', toVersion: null, commitPolicy: 'prompt', commitDeadline: null, result: null, mode: null, link: null,
      log: [
        { at: now - 60_000, text: 'POST http://192.168.1.41:80/update (1572864 bytes)' },
        { at: now - 52_000, text: 'Upload complete; board answered 200 "Update applied, finalizing"' },
        { at: now - 50_000, text: 'Waiting for the board to reboot' },
      ],
      ...over,
    };
  };

  const espLinkJobs: Job[] = [
    job({ id: 'job-7', state: 'rolled-back', deviceId: 'addr:192.168.1.70:80', deviceName: 'wiflash-bridge', target: '192.168.1.70:80', protocol: 'esp-link',
      createdAt: now - 30 * 60_000, endedAt: now - 29 * 60_000, commitPolicy: 'auto', fromVersion: '3.2.0', toVersion: '3.2.0',
      image: { fileName: 'user1.bin', size: 421_888, sha256: sha, format: 'esp8266-ota-v2', version: '3.2.1' },
      result: { code: 'rolled-back', message: 'wiflash-bridge booted back into slot 1 and runs 3.2.0 again: the image sent to slot 2 was most likely linked for slot 1 (pushed with an override).', deviceMessage: null },
      log: [{ at: now - 30 * 60_000, text: 'POST http://192.168.1.70:80/flash/upload (421888 bytes, raw)' }, { at: now - 29 * 60_000, text: '/flash/next still says user2.bin after the reboot' }] }),
  ];

  let jobs: Job[] = scenario.startsWith('esp-link') ? espLinkJobs : scenario !== 'bench' ? [] : [
    job({ id: 'job-5', state: 'committed', createdAt: now - 40 * 60_000, endedAt: now - 39 * 60_000, fromVersion: '1.4.0', toVersion: '1.4.1',
      image: { fileName: 'fw-esp32-kitchen-sensor-1.4.1.zip', size: 1_570_112, sha256: sha, format: 'mongoose-fw-zip', version: '1.4.1' },
      result: { code: 'success', message: 'kitchen-sensor runs 1.4.1 and it is committed.', deviceMessage: null } }),
    job({ id: 'job-4', state: 'failed', deviceId: 'mac:84:f3:eb:12:34:56', deviceName: 'garage-door', target: '192.168.1.57:80', protocol: 'arduino-esp8266',
      createdAt: now - 20 * 60_000, endedAt: now - 20 * 60_000 + 900, fromVersion: '2.0.0',
      image: { fileName: 'garage-door.ino.bin', size: 412_336, sha256: sha, format: 'esp8266-ota-v2', version: null },
      progress: { bytesSent: 0, totalBytes: 412_336, bytesPerSecond: 0, etaSeconds: null },
      result: { code: 'auth-failed', message: 'garage-door refused the user name or password (HTTP 401). Enter the ones set in the sketch under Authentication.', deviceMessage: 'Unauthorized' } }),
    job({ id: 'job-3', state: 'rolled-back', createdAt: now - 12 * 60_000, endedAt: now - 6 * 60_000, commitPolicy: 'never', fromVersion: '1.4.1', toVersion: '1.4.1',
      image: { fileName: 'fw-esp32-kitchen-sensor-1.4.2-rc1.zip', size: 1_571_020, sha256: sha, format: 'mongoose-fw-zip', version: '1.4.2-rc1' },
      result: { code: 'rolled-back', message: 'kitchen-sensor booted 1.4.2-rc1 but nobody committed it within 5 min, so it went back to 1.4.1.', deviceMessage: null } }),
    job({ id: 'job-2', state: 'transferring', deviceId: 'host:livingroom-light.local', deviceName: 'livingroom-light', target: '192.168.1.63:80', protocol: 'esphome-web',
      createdAt: now - 9_000, stateSince: now - 8_000, commitPolicy: 'auto', fromVersion: '2025.4.2',
      image: { fileName: 'livingroom-light.ota.bin', size: 4_012_544, sha256: sha, format: 'esp-app', version: '2025.5.0' },
      progress: { bytesSent: 1_204_000, totalBytes: 4_012_544, bytesPerSecond: 151_000, etaSeconds: 19 } }),
    job({ id: 'job-1', state: 'awaiting-commit', createdAt: now - 2 * 60_000, stateSince: now - 8_000, toVersion: '1.4.2', commitDeadline: now + 292_000 }),
  ];

  const emit = {
    devices: () => listeners.devices.forEach((listener) => listener(structuredClone(devices))),
    job: (changed: Job) => listeners.job.forEach((listener) => listener(structuredClone(changed))),
  };

  const update = (id: string, change: Partial<Job>): Job => {
    const index = jobs.findIndex((candidate) => candidate.id === id);
    if (index === -1) throw new Error(`No job ${id}`);
    const at = Date.now();
    const next = { ...jobs[index], ...change };
    if (change.state && change.state !== jobs[index].state) {
      next.stateSince = at;
      next.log = [...next.log, { at, text: `→ ${change.state}` }];
    }
    jobs = jobs.map((candidate) => (candidate.id === id ? next : candidate));
    emit.job(next);
    return next;
  };

  // The live upload in the bench scenario keeps moving so the screenshot shows a real-looking card.
  setInterval(() => {
    const live = jobs.find((candidate) => candidate.state === 'transferring');
    if (!live) return;
    const { totalBytes } = live.progress;
    const bytesSent = Math.min(totalBytes, live.progress.bytesSent + 40_000);
    update(live.id, { progress: { ...live.progress, bytesSent, etaSeconds: Math.ceil((totalBytes - bytesSent) / 151_000) } });
  }, 250);

  const later = (ms: number, step: () => void) => setTimeout(step, ms);
  const settle = <T,>(value: T, ms = 120) => new Promise<T>((resolve) => setTimeout(() => resolve(structuredClone(value)), ms));
  const find = (jobId: string) => {
    const found = jobs.find((candidate) => candidate.id === jobId);
    if (!found) throw new Error(`No job ${jobId}`);
    return found;
  };
  const finish = (id: string, state: JobState, message: string, extra: Partial<Job> = {}) =>
    update(id, { state, endedAt: Date.now(), result: { code: state === 'rolled-back' ? 'rolled-back' : 'success', message, deviceMessage: null }, ...extra });

  const api: OtaBenchApi = {
    listDevices: () => settle(devices),
    addDevice: ({ target }) => {
      const added = device({ id: `addr:${target}`, name: target, protocol: 'mongoose-os', address: target.split(':')[0], protocolEvidence: 'probe', services: [] });
      devices = [...devices, added];
      later(50, emit.devices);
      return settle(added, 400);
    },
    deviceStatus: ({ deviceId }) => {
      const target = devices.find((candidate) => candidate.id === deviceId);
      if (!target) return Promise.reject(new Error(`No device ${deviceId}`));
      return settle({ device: target, reachable: true, firmwareVersion: target.firmwareVersion, firmwareId: null, bootState: null,
        slots: target.protocol === 'esp-link' ? espSlots : null, imageSlots: null, details: {} }, 200);
    },
    getDiscoveryStatus: () => settle(discovery),
    openImageDialog: () => {
      const chosen = { 'html-image': images.html, 'esp-link-pair': images.pair, 'esp-link-wrong-slot': images.wrongSlot }[scenario as string];
      return settle(chosen ?? images.mongoose, 300);
    },
    openFolderDialog: () => settle(images.pair, 300),
    inspectImagePaths: ({ paths }) => settle(paths.length === 2 ? images.pair : images.mongoose, 300),
    planPush: ({ deviceId, imageId }) => settle(planFor(deviceId, imageId), 350),
    listJobs: () => settle(jobs),
    push: (request) => {
      const target = devices.find((candidate) => candidate.id === request.deviceId);
      if (!target) return Promise.reject(new Error(`No device ${request.deviceId}`));
      const id = `job-${Date.now()}`;
      const requested = Object.values(images).find((candidate) => candidate.imageId === request.imageId) ?? images.mongoose;
      // A pair sends the member the board asks for (the engine sets job.image to it once planned).
      const image = requested.members ? requested.members[1] : requested;
      const created: Job = job({
        id, state: 'queued', deviceId: target.id, deviceName: target.name, target: `${target.address}:${target.port}`, protocol: target.protocol,
        createdAt: Date.now(), stateSince: Date.now(), commitPolicy: request.commitPolicy, fromVersion: target.firmwareVersion, log: [],
        image: { fileName: image.fileName, size: image.size, sha256: image.sha256, format: image.format, version: image.version },
        progress: { bytesSent: 0, totalBytes: image.size, bytesPerSecond: 0, etaSeconds: null },
      });
      jobs = [...jobs, created];
      later(300, () => update(id, { state: 'connecting' }));
      later(700, () => update(id, { state: 'transferring', progress: { ...created.progress, bytesPerSecond: 310_000, etaSeconds: 5 } }));
      let sent = 0;
      const timer = setInterval(() => {
        sent = Math.min(image.size, sent + 90_000);
        const current = find(id);
        if (current.state !== 'transferring') return;
        update(id, { progress: { ...current.progress, bytesSent: sent, etaSeconds: Math.ceil((image.size - sent) / 310_000) } });
        if (sent < image.size) return;
        clearInterval(timer);
        later(300, () => update(id, { state: 'rebooting' }));
        later(2500, () => update(id, { state: 'verifying', toVersion: image.version }));
        later(3200, () =>
          target.protocol === 'esp-link'
            ? request.override
              ? finish(id, 'rolled-back', `${target.name} booted back into slot 1 and runs ${target.firmwareVersion} again: ${image.fileName} was most likely linked for the other slot.`, { toVersion: target.firmwareVersion })
              : finish(id, 'updated', `${target.name} now runs ${image.version} from slot 2.`)
            : request.commitPolicy === 'auto'
            ? finish(id, 'committed', `${target.name} runs ${image.version} and it is committed.`)
            : update(id, { state: 'awaiting-commit', commitDeadline: Date.now() + request.commitTimeoutSeconds * 1000 }),
        );
      }, 300);
      return settle(created, 80);
    },
    cancelJob: ({ jobId }) => settle(update(jobId, { state: 'cancelled', endedAt: Date.now(), result: { code: 'cancelled', message: 'Cancelled before the board received the whole file; it still runs its old firmware.', deviceMessage: null } })),
    commitJob: ({ jobId }) => {
      const committing = update(jobId, { state: 'committing' });
      later(700, () => finish(jobId, 'committed', `${committing.deviceName} runs ${committing.toVersion} and it is committed.`));
      return settle(committing);
    },
    revertJob: ({ jobId }) => {
      const reverting = update(jobId, { state: 'reverting' });
      later(1500, () => finish(jobId, 'rolled-back', `Reverted on request: ${reverting.deviceName} runs ${reverting.fromVersion} again.`, { toVersion: reverting.fromVersion }));
      return settle(reverting);
    },
    dismissJob: ({ jobId }) => {
      jobs = jobs.filter((candidate) => candidate.id !== jobId);
      return settle(null);
    },
    onDevicesChanged: (listener) => (listeners.devices.add(listener), () => listeners.devices.delete(listener)),
    onJobChanged: (listener) => (listeners.job.add(listener), () => listeners.job.delete(listener)),
    onDiscoveryChanged: (listener) => (listeners.discovery.add(listener), () => listeners.discovery.delete(listener)),
    pathForFile: (file) => `/design-fixture/${file.name}`,
  };

  Object.defineProperty(window, 'otaBench', { value: Object.freeze(api), configurable: false });
}
