// DESIGN FIXTURE — not a test of behaviour. A scripted, in-page `window.otaBench` used only to take
// design screenshots of the renderer (visual.spec.ts) before/without a real engine: a few boards,
// jobs in every interesting state, and a push that runs through upload → reboot → awaiting commit.
// Nothing here checks what the engine does; the behaviour tests are the *.spec.ts files that run the
// real engine and simulated boards behind bridge-server.ts.
//
// `installDesignFixtureApi` is passed to `page.addInitScript`, which serialises it with toString():
// it must be self-contained (no imports at runtime, no references to module scope).
import type { DiscoveryStatus, OtaBenchApi } from '../../../shared/contract.ts';
import type { FleetMemberState, FleetRun } from '../../../shared/fleet.ts';
import type {
  BleLinkFacts,
  Device,
  ImageInfo,
  Job,
  JobState,
  PreflightCheck,
  PushPlan,
  SerialPortFacts,
  SlotEvidence,
  SmpImageSlot,
} from '../../../shared/domain.ts';

/**
 * `esp-link-pair`: "Open image…" gives a user1/user2 pair; `esp-link-wrong-slot`: a user2.bin that is
 * linked for slot 1. "Open build folder…" always gives the pair.
 * `ble-smp`: BLE devices beside the LAN boards (an SMP device with two slots, a Mongoose OS BLE lamp,
 * an Espressif BLE OTA demo), an SMP upload that resumed after a drop, a rolled-back SMP job; "Open
 * image…" gives a signed MCUboot image 1.3.0. `ble-smp-identical`: the image is the one smp-sensor
 * already runs, confirmed (nothing to do). `ble-no-adapter`: LAN boards only, no Bluetooth adapter.
 * `serial-smp`: two LAN boards, an MCUmgr board over UDP and five serial ports (a Nordic DK answering
 * SMP, a board in MCUboot serial recovery, a port another program holds, a CP210x adapter not allowed,
 * an FTDI adapter unplugged a moment ago); an SMP upload over the DK's port and a serial-recovery push
 * that ended after upload and reset. "Open image…" gives a signed MCUboot image 1.3.0.
 */
export type DesignScenario =
  | 'bench'
  | 'fleet'
  | 'empty'
  | 'html-image'
  | 'esp-link-pair'
  | 'esp-link-wrong-slot'
  | 'ble-smp'
  | 'ble-smp-identical'
  | 'ble-no-adapter'
  | 'serial-smp';

export function installDesignFixtureApi(scenario: DesignScenario): void {
  const now = Date.now();
  const listeners = {
    devices: new Set<(d: Device[]) => void>(),
    job: new Set<(j: Job) => void>(),
    discovery: new Set<(s: DiscoveryStatus) => void>(),
  };

  const device = (over: Partial<Device> & Pick<Device, 'id' | 'name' | 'protocol'>): Device => ({
    transport: 'lan',
    rssi: null,
    hostname: null,
    address: '192.168.1.40',
    port: 80,
    protocolEvidence: 'txt',
    pushSupported: true,
    firmwareVersion: null,
    firmwareId: null,
    app: null,
    arch: null,
    mac: null,
    services: ['_http._tcp'],
    online: true,
    lastSeen: now - 3_000,
    authRequired: false,
    txt: {},
    ...over,
  });

  let devices: Device[] =
    scenario === 'empty'
      ? []
      : [
          device({
            id: 'id:esp32_1A2B3C',
            name: 'kitchen-sensor',
            protocol: 'mongoose-os',
            address: '192.168.1.41',
            hostname: 'mOS-esp32-1A2B3C.local',
            firmwareVersion: '1.4.1',
            arch: 'esp32',
          }),
          device({
            id: 'mac:84:f3:eb:12:34:56',
            name: 'garage-door',
            protocol: 'arduino-esp8266',
            address: '192.168.1.57',
            firmwareVersion: '2.0.0',
            authRequired: true,
          }),
          device({
            id: 'host:livingroom-light.local',
            name: 'livingroom-light',
            protocol: 'esphome-web',
            address: '192.168.1.63',
            firmwareVersion: '2025.4.2',
            protocolEvidence: 'service-type',
          }),
          device({
            id: 'addr:192.168.1.70:80',
            name: 'wiflash-bridge',
            protocol: 'esp-link',
            address: '192.168.1.70',
            firmwareVersion: '3.2.0',
            arch: 'esp8266',
            protocolEvidence: 'probe',
            services: ['_http._tcp'],
            txt: { ssh_upload: 'no' },
          }),
          device({
            id: 'id:esp32_9F8E7D',
            name: 'mOS-esp32-9F8E7D <img src=x onerror=alert(1)> with a very long name that goes on',
            protocol: 'mongoose-os',
            address: '192.168.1.88',
            firmwareVersion: '1.3.0',
            online: false,
            lastSeen: now - 2 * 60_000,
          }),
          device({
            id: 'host:lab-node.local',
            name: 'lab-node',
            protocol: 'arduino-ota',
            address: 'fe80::1c2d:3eff:fe4f:5a6b',
            port: 3232,
            pushSupported: false,
            online: false,
            lastSeen: now - 3 * 3600_000,
          }),
        ];

  const bleScenario = scenario.startsWith('ble-smp');
  const bleDevice = (over: Partial<Device> & Pick<Device, 'id' | 'name' | 'protocol' | 'address'>): Device =>
    device({
      transport: 'ble',
      hostname: null,
      port: 0,
      protocolEvidence: 'service-type',
      services: ['MCUmgr SMP'],
      rssi: -60,
      lastSeen: now - 1_000,
      ...over,
    });
  if (bleScenario) {
    devices = [
      ...devices,
      bleDevice({
        id: 'ble:c8f1a2b3d4e5',
        name: 'smp-sensor',
        protocol: 'mcumgr-smp',
        address: 'C8:F1:A2:B3:D4:E5',
        firmwareVersion: '1.2.0',
        rssi: -58,
      }),
      bleDevice({
        id: 'ble:d2a4c6e8f0b1',
        name: 'nrf5340-dk',
        protocol: 'mcumgr-smp',
        address: 'D2:A4:C6:E8:F0:B1',
        firmwareVersion: '0.9.4',
        rssi: -71,
        lastSeen: now - 4_000,
      }),
      bleDevice({
        id: 'ble:e4b2c0a18f7d',
        name: 'smp-crashy',
        protocol: 'mcumgr-smp',
        address: 'E4:B2:C0:A1:8F:7D',
        firmwareVersion: '1.0.0',
        rssi: -88,
        lastSeen: now - 2_000,
      }),
      bleDevice({
        id: 'ble:f0e1d2c3b4a5',
        name: 'mos-ble-lamp',
        protocol: 'mongoose-os-ble',
        address: 'F0:E1:D2:C3:B4:A5',
        pushSupported: false,
        rssi: -66,
        services: ['Mongoose OS RPC'],
      }),
      bleDevice({
        id: 'ble:a1b2c3d4e5f6',
        name: 'esp-ble-ota-demo',
        protocol: 'esp-ble-ota',
        address: 'A1:B2:C3:D4:E5:F6',
        pushSupported: false,
        rssi: -93,
        services: ['Espressif BLE OTA'],
      }),
      bleDevice({
        id: 'ble:0a1b2c3d4e5f',
        name: 'nrf52-tag',
        protocol: 'mcumgr-smp',
        address: '0A:1B:2C:3D:4E:5F',
        firmwareVersion: '2.1.0',
        online: false,
        rssi: -84,
        lastSeen: now - 6 * 60_000,
      }),
    ];
  }

  const serialScenario = scenario === 'serial-smp';
  const serialPort = (
    over: Partial<Device> & Pick<Device, 'id' | 'name'>,
    facts: Partial<SerialPortFacts> & Pick<SerialPortFacts, 'path'>,
  ): Device =>
    device({
      transport: 'serial',
      protocol: 'unknown',
      pushSupported: false,
      hostname: null,
      address: null,
      port: 0,
      protocolEvidence: 'usb-id',
      services: [],
      lastSeen: now - 2_000,
      ...over,
      serial: {
        vendorId: null,
        productId: null,
        manufacturer: null,
        serialNumber: null,
        knownBoard: null,
        baudRate: 115200,
        flowControl: 'none',
        allowed: true,
        probe: 'unprobed',
        probeMessage: null,
        ...facts,
      },
    });
  const smpOverSerial = { protocol: 'mcumgr-smp' as const, pushSupported: true, protocolEvidence: 'probe' as const };
  if (serialScenario) {
    devices = [
      ...devices.slice(0, 2),
      device({
        id: 'udp:192.168.1.90:1337',
        name: 'zephyr-eth-node',
        protocol: 'mcumgr-smp',
        address: '192.168.1.90',
        port: 1337,
        protocolEvidence: 'user',
        services: [],
        firmwareVersion: '2.0.1',
      }),
      serialPort(
        { id: 'serial:usb:1366:1015:000683012345', name: 'nRF52840 DK', firmwareVersion: '1.2.0', ...smpOverSerial },
        {
          path: '/dev/ttyACM0',
          vendorId: '1366',
          productId: '1015',
          manufacturer: 'SEGGER',
          serialNumber: '000683012345',
          knownBoard: 'Nordic nRF52840 DK (J-Link)',
          probe: 'smp',
          probeMessage: 'Answered MCUmgr at 115200 baud: buffers of 384 B × 4.',
        },
      ),
      serialPort(
        {
          id: 'serial:usb:2fe3:0100:E6614C311B4F',
          name: 'MCUboot recovery',
          firmwareVersion: '0.0.0',
          ...smpOverSerial,
        },
        {
          path: '/dev/ttyACM1',
          vendorId: '2fe3',
          productId: '0100',
          manufacturer: 'ZEPHYR',
          serialNumber: 'E6614C311B4F',
          knownBoard: 'Zephyr CDC-ACM',
          probe: 'smp',
          probeMessage: 'Answered MCUmgr at 115200 baud: buffers of 2048 B × 4.',
        },
      ),
      serialPort(
        { id: 'serial:usb:0483:374b:066DFF485', name: 'STM32 STLink' },
        {
          path: '/dev/ttyACM2',
          vendorId: '0483',
          productId: '374b',
          manufacturer: 'STMicroelectronics',
          serialNumber: '066DFF485',
          knownBoard: 'ST-LINK/V2-1 (Nucleo, Discovery)',
          probe: 'busy',
          probeMessage:
            '/dev/ttyACM2 is open in another program (a terminal, mcumgr, a debugger): it is probed again once it is free.',
        },
      ),
      serialPort(
        { id: 'serial:/dev/ttyUSB0', name: 'CP2102N USB to UART Bridge' },
        {
          path: '/dev/ttyUSB0',
          vendorId: '10c4',
          productId: 'ea60',
          manufacturer: 'Silicon Labs',
          serialNumber: null,
          allowed: false,
        },
      ),
      serialPort(
        { id: 'serial:/dev/ttyUSB1', name: 'FT232R USB UART', online: false, lastSeen: now - 40_000 },
        {
          path: '/dev/ttyUSB1',
          vendorId: '0403',
          productId: '6001',
          manufacturer: 'FTDI',
          probe: 'silent',
          probeMessage: 'No MCUmgr answer at 115200 baud within 1 s.',
        },
      ),
    ];
  }

  const discovery: DiscoveryStatus = {
    state: 'running',
    message: 'Browsing _http._tcp, _arduino._tcp, _esphomelib._tcp on 1 interface',
    ...(bleScenario
      ? {
          ble: {
            state: 'scanning' as const,
            message: 'Scanning for MCUmgr SMP, Mongoose OS RPC and Espressif BLE OTA services (hci0).',
          },
        }
      : scenario === 'ble-no-adapter'
        ? {
            ble: {
              state: 'unavailable' as const,
              message: 'No Bluetooth adapter: hci0 was not found. Plug one in, or set OTA_BENCH_BLE=off.',
            },
          }
        : {}),
    ...(serialScenario
      ? { serial: { state: 'watching' as const, message: 'Watching the serial ports (listed every 2 s).', ports: 4 } }
      : {}),
  };

  const sha = 'f3a9c01d2e4b5a6978c0d1e2f3a4b5c6d7e8f90112233445566778899aabbccd';
  const images: Record<string, ImageInfo> = {
    mongoose: {
      imageId: 'img-1',
      fileName: 'fw-esp32-kitchen-sensor-1.4.2.zip',
      size: 1_572_864,
      sha256: sha,
      format: 'mongoose-fw-zip',
      formatLabel: 'Mongoose OS firmware zip',
      version: '1.4.2',
      pushableWith: ['mongoose-os'],
      facts: [
        { label: 'Platform', value: 'esp32' },
        { label: 'App', value: 'kitchen-sensor' },
        { label: 'Build', value: '20250601-101522/1.4.2@a1b2c3d' },
        { label: 'Parts', value: 'boot, pt, otadata, app, fs' },
      ],
      warnings: ['Built 214 days ago.'],
      problem: null,
      slotEvidence: null,
      members: null,
    },
    html: {
      imageId: 'img-2',
      fileName: 'firmware.bin',
      size: 48_213,
      sha256: sha.split('').reverse().join(''),
      format: 'unknown',
      formatLabel: 'Not firmware',
      version: null,
      pushableWith: [],
      facts: [{ label: 'Starts with', value: '<!DOCTYPE html>' }],
      warnings: [],
      problem:
        'This is a web page saved as .bin (it starts with <!DOCTYPE html>), not firmware. Download the raw file from the build server instead of the page that links to it.',
      slotEvidence: null,
      members: null,
    },
  };

  // MCUboot images for the SMP device (the TLV hash is what the device lists).
  const tlvHash = (seed: string) => seed.repeat(64 / seed.length + 1).slice(0, 64);
  const mcuboot = (version: string, hash: string): ImageInfo => ({
    imageId: `img-mcuboot-${version}`,
    fileName: 'zephyr.signed.bin',
    size: 241_664,
    sha256: tlvHash(`9b${version.replace(/\./g, '')}e`),
    format: 'mcuboot',
    formatLabel: 'MCUboot image',
    version,
    pushableWith: ['mcumgr-smp'],
    facts: [
      { label: 'Header', value: 'magic 0x96f3b83d, hdr_size 0x200, img_size 241 088 B' },
      { label: 'Image hash', value: hash },
      { label: 'Signature', value: 'ECDSA P-256 (TLV 0x22)' },
      { label: 'Trailer', value: 'not padded (upload leaves the slot trailer to the device)' },
    ],
    warnings: [],
    problem: null,
    slotEvidence: null,
    members: null,
  });
  const smpHashes = {
    old: tlvHash('1c7e04'),
    running: tlvHash('3f9a1c02b4'),
    next: tlvHash('5e1c8d'),
    crash: tlvHash('d00dfe'),
  };
  images.smp = mcuboot('1.3.0', smpHashes.next);
  images.smpIdentical = mcuboot('1.2.0', smpHashes.running);

  // ESP8266 user1/user2 images, as the engine describes them (shared/domain.ts SlotEvidence).
  const evidence = (slot: 1 | 2, over: Partial<SlotEvidence> = {}): SlotEvidence => ({
    linkedSlot: slot,
    byFileName: slot,
    headerByte3: slot,
    iromReferences: slot === 1 ? { slot1: 806, slot2: 0 } : { slot1: 0, slot2: 806 },
    iromDecisive: true,
    layout: '512+512',
    sizeMap: 4,
    summary: `Linked for slot ${slot}: all 806 irom references point into slot ${slot}'s window (0x402${slot === 1 ? '0' : '8'}1010…).`,
    contradiction: null,
    ...over,
  });
  const espLinkImage = (slot: 1 | 2, over: Partial<ImageInfo> = {}): ImageInfo => ({
    imageId: `img-user${slot}`,
    fileName: `user${slot}.bin`,
    size: 421_872 + slot * 16,
    sha256: slot === 1 ? sha : sha.split('').reverse().join(''),
    format: 'esp8266-ota-v2',
    formatLabel: 'ESP8266 OTA image (v2, user1/user2)',
    version: '3.2.1',
    pushableWith: ['esp-link'],
    facts: [
      { label: 'Entry point', value: '0x40100004' },
      { label: 'Flash', value: '4 MB (512+512), QIO, 40 MHz' },
      { label: 'Segments', value: 'irom 398 KiB, .text 21 KiB, .data 1.2 KiB, .rodata 2.3 KiB' },
    ],
    warnings: [],
    problem: null,
    slotEvidence: evidence(slot),
    members: null,
    ...over,
  });
  images.pair = {
    imageId: 'img-pair',
    fileName: 'user1.bin + user2.bin',
    size: 843_776,
    sha256: sha,
    format: 'esp8266-ota-pair',
    formatLabel: 'ESP8266 user1/user2 pair',
    version: '3.2.1',
    pushableWith: ['esp-link'],
    facts: [{ label: 'Folder', value: '~/esp-link/firmware' }],
    warnings: [],
    problem: null,
    slotEvidence: null,
    members: [espLinkImage(1), espLinkImage(2)],
  };
  images.wrongSlot = espLinkImage(2, {
    imageId: 'img-wrong',
    sha256: sha,
    slotEvidence: evidence(1, {
      byFileName: 2,
      headerByte3: 2,
      summary: "Linked for slot 1: 803 of 806 irom references point into slot 1's window (0x40201010…).",
      iromReferences: { slot1: 803, slot2: 3 },
      contradiction:
        'Named user2.bin (and header byte 3 says app 2), but the code is linked for slot 1: it cannot run from slot 2.',
    }),
  });
  const espChecks = (send: ImageInfo, slotOk: boolean): PreflightCheck[] => [
    {
      id: 'header',
      label: 'v2 header',
      status: 'pass',
      detail: '0xEA, segment byte 4, flash mode QIO, size map 4 (4 MB 512+512), entry 0x40100004.',
      overridable: false,
    },
    {
      id: 'inner-image',
      label: 'Embedded image',
      status: 'pass',
      detail: '0xE9 header with 3 segments (.text at 0x40100000, .data, .rodata).',
      overridable: false,
    },
    {
      id: 'checksum',
      label: 'Checksum and CRC-32',
      status: 'pass',
      detail: 'XOR checksum 0x5c and the CRC-32 trailer match.',
      overridable: false,
    },
    slotOk
      ? {
          id: 'slot',
          label: 'Linked for slot 2',
          status: 'pass',
          detail: `${send.fileName} is linked for slot 2, the slot the board writes next.`,
          overridable: false,
        }
      : {
          id: 'slot',
          label: 'Linked for slot 2',
          status: 'fail',
          detail: `The board writes slot 2 next, but ${send.fileName} is linked for slot 1 (803 of 806 irom references point there). It would not boot from slot 2: the board would crash and fall back to its current firmware. Pick user2.bin from the same build, or drop both files.`,
          overridable: true,
        },
    {
      id: 'size',
      label: 'Fits the slot',
      status: 'pass',
      detail: `${Math.round(send.size / 1024)} KiB of 492 KiB (503,808 bytes).`,
      overridable: false,
    },
    {
      id: 'flash-map',
      label: 'Flash map',
      status: 'warn',
      detail: 'Built for 4 MB 512+512; the board reports 4MB:512/512 but did not say its flash mode.',
      overridable: false,
    },
  ];
  const espSlots = { runningSlot: 1 as const, nextSlot: 2 as const, flashMap: '4MB:512/512', slotRoom: 503_808 };

  // MCUboot image slots as each SMP device lists them (ble-protocols.md §1.5); a push rewrites them.
  const smpSlot = (slot: number, version: string, hash: string, flags: Partial<SmpImageSlot> = {}): SmpImageSlot => ({
    image: 0,
    slot,
    version,
    hash,
    bootable: true,
    pending: false,
    confirmed: false,
    active: false,
    permanent: false,
    ...flags,
  });
  const smpSlots: Record<string, SmpImageSlot[]> = {
    'ble:c8f1a2b3d4e5': [
      smpSlot(0, '1.2.0', smpHashes.running, { active: true, confirmed: true }),
      smpSlot(1, '1.1.0', smpHashes.old),
    ],
    'ble:d2a4c6e8f0b1': [smpSlot(0, '0.9.4', tlvHash('77a1'), { active: true, confirmed: true })],
    'ble:e4b2c0a18f7d': [
      smpSlot(0, '1.0.0', tlvHash('c0ffee'), { active: true, confirmed: true }),
      smpSlot(1, '9.9.9', smpHashes.crash),
    ],
    'serial:usb:1366:1015:000683012345': [
      smpSlot(0, '1.2.0', smpHashes.running, { active: true, confirmed: true }),
      smpSlot(1, '1.1.0', smpHashes.old),
    ],
    // MCUboot serial recovery lists the image in slot 0, not running (the bootloader answers).
    'serial:usb:2fe3:0100:E6614C311B4F': [smpSlot(0, '0.0.0', tlvHash('1baa2220'), { active: true, confirmed: true })],
    'udp:192.168.1.90:1337': [smpSlot(0, '2.0.1', tlvHash('a7e2'), { active: true, confirmed: true })],
  };
  // How each SMP board's link is used, as the engine reports it on the job (BleLinkFacts).
  const smpLinkOf = (target: Device): BleLinkFacts => {
    if (target.transport === 'serial') {
      const serial = target.serial!;
      const bufSize = target.id.includes('2fe3') ? 2048 : 384;
      return {
        transport: 'serial',
        linkLabel: `serial ${serial.path}, ${serial.baudRate} baud`,
        attMtu: null,
        bufSize,
        bufCount: 4,
        maxPacketBytes: bufSize,
        chunkBytes: bufSize - 64,
        window: 3,
        resumedFrom: [],
      };
    }
    if (target.transport === 'lan') {
      return {
        transport: 'udp',
        linkLabel: `UDP ${target.address}:${target.port}`,
        attMtu: null,
        bufSize: 1024,
        bufCount: 2,
        maxPacketBytes: 1024,
        chunkBytes: 960,
        window: 1,
        resumedFrom: [],
      };
    }
    return {
      attMtu: 247,
      bufSize: 2475,
      bufCount: 4,
      maxPacketBytes: 2475,
      chunkBytes: 2404,
      window: 3,
      resumedFrom: [],
    };
  };
  // Boards whose bootloader cannot test or confirm (MCUboot serial recovery): upload, then reset.
  const recoveryBoot = {
    bootloader: 'MCUboot',
    mode: 'serial recovery',
    stateWrites: false,
    source: 'rc8-answer' as const,
    summary: 'MCUboot serial recovery answers: uploads go to slot 0; image test and confirm are not supported (rc 8).',
  };
  const inRecovery = (deviceId: string) => deviceId === 'serial:usb:2fe3:0100:E6614C311B4F';
  // The engine hashes the failing checks (plan-fingerprint.ts); the fake's plans never change under a push.
  const FAKE_FINGERPRINT = 'f'.repeat(64);

  const linkCheck = (deviceId: string): PreflightCheck => {
    const target = devices.find((candidate) => candidate.id === deviceId);
    const link = target ? smpLinkOf(target) : null;
    if (!link?.transport || link.transport === 'ble') {
      return {
        id: 'link',
        label: 'BLE link',
        status: 'pass',
        detail: 'MCUmgr buffers 2475 B × 4: packets of 2475 B, 3 in flight, ATT MTU 247.',
        overridable: false,
      };
    }
    return {
      id: 'link',
      label: link.transport === 'serial' ? 'Serial link' : 'UDP link',
      status: 'pass',
      detail: `MCUmgr buffers ${link.bufSize} B × ${link.bufCount}: packets of ${link.maxPacketBytes} B, ${link.window} in flight, ${link.linkLabel}.`,
      overridable: false,
    };
  };

  const smpPlan = (deviceId: string, image: ImageInfo): PushPlan => {
    const slots = smpSlots[deviceId] ?? [];
    const hash = image.facts.find((fact) => fact.label === 'Image hash')?.value ?? '';
    const running = slots.find((slot) => slot.active);
    const inSlot1 = slots.find((slot) => slot.slot === 1);
    const identical = running?.hash === hash && running.confirmed;
    // Ids and words as electron/engine/protocols/mcumgr-smp-plan.ts makes them.
    const checks: PreflightCheck[] = [
      {
        id: 'format',
        label: 'MCUboot image',
        status: 'pass',
        detail: `Version ${image.version}+0, 241,088 bytes.`,
        overridable: false,
      },
      {
        id: 'hash',
        label: 'SHA-256 TLV',
        status: 'pass',
        detail: `Matches the image (${hash.slice(0, 8)}…).`,
        overridable: false,
      },
      identical
        ? {
            id: 'running',
            label: 'Already running',
            status: 'pass',
            detail: `The device already runs this image (${image.version}, active, confirmed): there is nothing to push.`,
            overridable: false,
          }
        : {
            id: 'running',
            label: 'Running now',
            status: 'pass',
            detail: `Slot 0: ${running?.version ?? 'unknown version'} (${running?.hash.slice(0, 8)}…, active, confirmed).`,
            overridable: false,
          },
      inSlot1?.hash === hash
        ? {
            id: 'slot1',
            label: 'Slot 1',
            status: 'pass',
            detail: `Slot 1 already holds this image (${image.version}): the upload is skipped.`,
            overridable: false,
          }
        : {
            id: 'slot1',
            label: 'Slot 1',
            status: 'pass',
            detail: inSlot1
              ? `Slot 1 holds ${inSlot1.version} (${inSlot1.hash.slice(0, 8)}…); the upload replaces it.`
              : 'Slot 1 is empty.',
            overridable: false,
          },
      linkCheck(deviceId),
      ...(inRecovery(deviceId)
        ? [
            {
              id: 'bootloader',
              label: 'Bootloader',
              status: 'warn' as const,
              detail: 'MCUboot serial recovery cannot test or confirm an image (rc 8).',
              overridable: false,
            },
          ]
        : []),
    ];
    return {
      deviceId,
      imageId: image.imageId,
      protocol: 'mcumgr-smp',
      send: { imageId: image.imageId, fileName: image.fileName, size: image.size, sha256: image.sha256 },
      // Like the engine: pushing the running image is allowed and ends at once ("nothing to do"), so scripts can push idempotently.
      reason: identical
        ? 'It already runs, confirmed: pushing sends nothing and ends at once.'
        : inRecovery(deviceId)
          ? 'Uploads to slot 0 through the bootloader, then resets into it.'
          : 'Uploads to slot 1; MCUboot swaps it into slot 0 at the reset.',
      slots: null,
      imageSlots: structuredClone(slots),
      checks,
      verdict: 'ready',
      message: null,
      fingerprint: FAKE_FINGERPRINT,
      ...(inRecovery(deviceId) ? { bootMode: recoveryBoot } : {}),
    };
  };

  const planFor = (deviceId: string, imageId: string): PushPlan => {
    const target = devices.find((candidate) => candidate.id === deviceId);
    const image = Object.values(images).find((candidate) => candidate.imageId === imageId) ?? images.mongoose;
    if (target?.protocol === 'mcumgr-smp' && image.format === 'mcuboot') return smpPlan(deviceId, image);
    if (target?.protocol !== 'esp-link') {
      return {
        deviceId,
        imageId,
        protocol: target?.protocol ?? 'unknown',
        send: image,
        reason: null,
        slots: null,
        imageSlots: null,
        checks: [],
        verdict: 'ready',
        message: null,
        fingerprint: FAKE_FINGERPRINT,
      };
    }
    const send = image.members ? image.members[1] : image;
    const slotOk = image.imageId !== images.wrongSlot.imageId;
    const base = {
      deviceId,
      imageId,
      protocol: 'esp-link' as const,
      slots: espSlots,
      imageSlots: null,
      send: { imageId: send.imageId, fileName: send.fileName, size: send.size, sha256: send.sha256 },
    };
    if (image.format === 'mongoose-fw-zip' || image.format === 'unknown') {
      return {
        ...base,
        send: null,
        reason: null,
        checks: [
          {
            id: 'header',
            label: 'v2 header',
            status: 'fail',
            detail: `${image.fileName} is not an ESP8266 image.`,
            overridable: false,
          },
        ],
        verdict: 'refused',
        message: `${image.fileName} is a ${image.formatLabel}, not an ESP8266 user1/user2 image: esp-link cannot take it.`,
        fingerprint: FAKE_FINGERPRINT,
      };
    }
    return {
      ...base,
      reason: image.members
        ? 'The board runs slot 1 (user1.bin), so it takes user2.bin next.'
        : 'The board writes slot 2 next; this is the only file.',
      checks: espChecks(send, slotOk),
      verdict: slotOk ? 'ready' : 'needs-override',
      // Like the engine: the message is the failed check's own words.
      message: slotOk ? null : espChecks(send, slotOk).find((check) => check.status === 'fail')!.detail,
      fingerprint: FAKE_FINGERPRINT,
    };
  };

  const job = (over: Partial<Job> & Pick<Job, 'id' | 'state'>): Job => {
    const total = over.image?.size ?? 1_572_864;
    return {
      deviceId: 'id:esp32_1A2B3C',
      deviceName: 'kitchen-sensor',
      target: '192.168.1.41:80',
      protocol: 'mongoose-os',
      image: {
        fileName: 'fw-esp32-kitchen-sensor-1.4.2.zip',
        size: total,
        sha256: sha,
        format: 'mongoose-fw-zip',
        version: '1.4.2',
      },
      createdAt: now - 60_000,
      stateSince: now - 10_000,
      endedAt: null,
      progress: { bytesSent: total, totalBytes: total, bytesPerSecond: 0, etaSeconds: null },
      fromVersion: '1.4.1',
      toVersion: null,
      commitPolicy: 'prompt',
      commitDeadline: null,
      result: null,
      mode: null,
      link: null,
      log: [
        { at: now - 60_000, text: 'POST http://192.168.1.41:80/update (1572864 bytes)' },
        { at: now - 52_000, text: 'Upload complete; board answered 200 "Update applied, finalizing"' },
        { at: now - 50_000, text: 'Waiting for the board to reboot' },
      ],
      ...over,
    };
  };

  const espLinkJobs: Job[] = [
    job({
      id: 'job-7',
      state: 'rolled-back',
      deviceId: 'addr:192.168.1.70:80',
      deviceName: 'wiflash-bridge',
      target: '192.168.1.70:80',
      protocol: 'esp-link',
      createdAt: now - 30 * 60_000,
      endedAt: now - 29 * 60_000,
      commitPolicy: 'auto',
      fromVersion: '3.2.0',
      toVersion: '3.2.0',
      image: { fileName: 'user1.bin', size: 421_888, sha256: sha, format: 'esp8266-ota-v2', version: '3.2.1' },
      result: {
        code: 'rolled-back',
        message:
          'wiflash-bridge booted back into slot 1 and runs 3.2.0 again: the image sent to slot 2 was most likely linked for slot 1 (pushed with an override).',
        deviceMessage: null,
      },
      log: [
        { at: now - 30 * 60_000, text: 'POST http://192.168.1.70:80/flash/upload (421888 bytes, raw)' },
        { at: now - 29 * 60_000, text: '/flash/next still says user2.bin after the reboot' },
      ],
    }),
  ];

  const smpJobs: Job[] = [
    job({
      id: 'job-smp-2',
      state: 'rolled-back',
      deviceId: 'ble:e4b2c0a18f7d',
      deviceName: 'smp-crashy',
      target: 'E4:B2:C0:A1:8F:7D',
      protocol: 'mcumgr-smp',
      createdAt: now - 25 * 60_000,
      endedAt: now - 24 * 60_000,
      commitPolicy: 'auto',
      fromVersion: '1.0.0',
      toVersion: '1.0.0',
      mode: 'test-and-confirm',
      image: { fileName: 'zephyr.signed.bin', size: 188_416, sha256: sha, format: 'mcuboot', version: '9.9.9' },
      link: {
        attMtu: null,
        bufSize: null,
        bufCount: null,
        maxPacketBytes: 244,
        chunkBytes: 196,
        window: 1,
        resumedFrom: [],
      },
      result: {
        code: 'rolled-back',
        message:
          'smp-crashy came back running 1.0.0: 9.9.9 did not confirm itself and MCUboot reverted at the next reset (it most likely crashed on boot).',
        deviceMessage: null,
      },
      log: [
        { at: now - 25 * 60_000, text: 'image upload 188416 B to slot 1' },
        { at: now - 24 * 60_000, text: 'image list after reset: slot 0 1.0.0 active confirmed' },
      ],
    }),
    job({
      id: 'job-smp-1',
      state: 'transferring',
      deviceId: 'ble:d2a4c6e8f0b1',
      deviceName: 'nrf5340-dk',
      target: 'D2:A4:C6:E8:F0:B1',
      protocol: 'mcumgr-smp',
      createdAt: now - 40_000,
      stateSince: now - 38_000,
      commitPolicy: 'auto',
      fromVersion: '0.9.4',
      mode: 'test-and-confirm',
      image: { fileName: 'zephyr.signed.bin', size: 412_672, sha256: sha, format: 'mcuboot', version: '1.0.0' },
      progress: { bytesSent: 198_400, totalBytes: 412_672, bytesPerSecond: 18_400, etaSeconds: 12 },
      link: {
        attMtu: 247,
        bufSize: 2475,
        bufCount: 4,
        maxPacketBytes: 2475,
        chunkBytes: 2404,
        window: 3,
        resumedFrom: [123_456],
      },
      log: [
        { at: now - 40_000, text: 'connected; ATT MTU 247; MCUmgr params buf_size 2475 buf_count 4' },
        { at: now - 20_000, text: 'link dropped at 123456 B; reconnected; device offset 123456' },
      ],
    }),
  ];

  const serialJobs: Job[] = [
    job({
      id: 'job-serial-2',
      state: 'updated',
      deviceId: 'serial:usb:2fe3:0100:E6614C311B4F',
      deviceName: 'MCUboot recovery',
      target: '/dev/ttyACM1',
      protocol: 'mcumgr-smp',
      createdAt: now - 12 * 60_000,
      endedAt: now - 12 * 60_000 + 14_500,
      commitPolicy: 'auto',
      fromVersion: '0.0.0',
      toVersion: '0.0.0',
      mode: 'test-and-confirm',
      bootMode: recoveryBoot,
      image: { fileName: 'zephyr.signed.bin', size: 132_472, sha256: sha, format: 'mcuboot', version: '0.0.0' },
      link: {
        transport: 'serial',
        linkLabel: 'serial /dev/ttyACM1, 115200 baud',
        attMtu: null,
        bufSize: 2048,
        bufCount: 4,
        maxPacketBytes: 2048,
        chunkBytes: 1900,
        window: 1,
        resumedFrom: [],
      },
      result: {
        code: 'success',
        message:
          'MCUboot recovery took the image in slot 0 and was reset: the bootloader cannot test or confirm, so it boots it as it is.',
        deviceMessage: null,
      },
      log: [
        { at: now - 12 * 60_000, text: 'os bootloader info: rc 8; image state write: rc 8 (serial recovery)' },
        { at: now - 12 * 60_000 + 14_000, text: 'upload 132472 B to slot 0; reset' },
      ],
    }),
    job({
      id: 'job-serial-1',
      state: 'transferring',
      deviceId: 'serial:usb:1366:1015:000683012345',
      deviceName: 'nRF52840 DK',
      target: '/dev/ttyACM0',
      protocol: 'mcumgr-smp',
      createdAt: now - 30_000,
      stateSince: now - 29_000,
      commitPolicy: 'auto',
      fromVersion: '1.2.0',
      mode: 'test-and-confirm',
      image: { fileName: 'zephyr.signed.bin', size: 241_664, sha256: sha, format: 'mcuboot', version: '1.3.0' },
      progress: { bytesSent: 151_552, totalBytes: 241_664, bytesPerSecond: 8_900, etaSeconds: 11 },
      link: {
        transport: 'serial',
        linkLabel: 'serial /dev/ttyACM0, 115200 baud',
        attMtu: null,
        bufSize: 384,
        bufCount: 4,
        maxPacketBytes: 384,
        chunkBytes: 320,
        window: 3,
        resumedFrom: [98_304],
      },
      log: [
        { at: now - 30_000, text: 'MCUmgr params buf_size 384 buf_count 4' },
        { at: now - 14_000, text: '/dev/ttyACM0 went away at 98304 B; back after 2.1 s; device offset 98304' },
      ],
    }),
  ];

  let jobs: Job[] = scenario.startsWith('esp-link')
    ? espLinkJobs
    : bleScenario
      ? smpJobs
      : serialScenario
        ? serialJobs
        : scenario !== 'bench'
          ? []
          : [
              job({
                id: 'job-5',
                state: 'committed',
                createdAt: now - 40 * 60_000,
                endedAt: now - 39 * 60_000,
                fromVersion: '1.4.0',
                toVersion: '1.4.1',
                image: {
                  fileName: 'fw-esp32-kitchen-sensor-1.4.1.zip',
                  size: 1_570_112,
                  sha256: sha,
                  format: 'mongoose-fw-zip',
                  version: '1.4.1',
                },
                result: {
                  code: 'success',
                  message: 'kitchen-sensor runs 1.4.1 and it is committed.',
                  deviceMessage: null,
                },
              }),
              job({
                id: 'job-4',
                state: 'failed',
                deviceId: 'mac:84:f3:eb:12:34:56',
                deviceName: 'garage-door',
                target: '192.168.1.57:80',
                protocol: 'arduino-esp8266',
                createdAt: now - 20 * 60_000,
                endedAt: now - 20 * 60_000 + 900,
                fromVersion: '2.0.0',
                image: {
                  fileName: 'garage-door.ino.bin',
                  size: 412_336,
                  sha256: sha,
                  format: 'esp8266-ota-v2',
                  version: null,
                },
                progress: { bytesSent: 0, totalBytes: 412_336, bytesPerSecond: 0, etaSeconds: null },
                result: {
                  code: 'auth-failed',
                  message:
                    'garage-door refused the user name or password (HTTP 401). Enter the ones set in the sketch under Authentication.',
                  deviceMessage: 'Unauthorized',
                },
              }),
              job({
                id: 'job-3',
                state: 'rolled-back',
                createdAt: now - 12 * 60_000,
                endedAt: now - 6 * 60_000,
                commitPolicy: 'never',
                fromVersion: '1.4.1',
                toVersion: '1.4.1',
                image: {
                  fileName: 'fw-esp32-kitchen-sensor-1.4.2-rc1.zip',
                  size: 1_571_020,
                  sha256: sha,
                  format: 'mongoose-fw-zip',
                  version: '1.4.2-rc1',
                },
                result: {
                  code: 'rolled-back',
                  message:
                    'kitchen-sensor booted 1.4.2-rc1 but nobody committed it within 5 min, so it went back to 1.4.1.',
                  deviceMessage: null,
                },
              }),
              job({
                id: 'job-2',
                state: 'transferring',
                deviceId: 'host:livingroom-light.local',
                deviceName: 'livingroom-light',
                target: '192.168.1.63:80',
                protocol: 'esphome-web',
                createdAt: now - 9_000,
                stateSince: now - 8_000,
                commitPolicy: 'auto',
                fromVersion: '2025.4.2',
                image: {
                  fileName: 'livingroom-light.ota.bin',
                  size: 4_012_544,
                  sha256: sha,
                  format: 'esp-app',
                  version: '2025.5.0',
                },
                progress: { bytesSent: 1_204_000, totalBytes: 4_012_544, bytesPerSecond: 151_000, etaSeconds: 19 },
              }),
              job({
                id: 'job-1',
                state: 'awaiting-commit',
                createdAt: now - 2 * 60_000,
                stateSince: now - 8_000,
                toVersion: '1.4.2',
                commitDeadline: now + 292_000,
              }),
            ];

  // `fleet`: nine boards of one fleet run caught mid-way (4 at a time, auto-commit, skip offline):
  // two committed, four in a slot, one without room, one rolled back, one offline and skipped.
  const fleetFiles = {
    zip: { imageId: 'img-fleet-zip', fileName: 'fw-esp32-sensor-1.4.2.zip', size: 1_572_864, version: '1.4.2' },
    bin: { imageId: 'img-fleet-bin', fileName: 'sketch-esp32-2.1.0.bin', size: 933_888, version: '2.1.0' },
  };
  type FleetBoard = {
    name: string;
    protocol: Device['protocol'];
    file: keyof typeof fleetFiles | null;
    member: FleetMemberState;
    job: JobState | null;
    sent?: number;
    result?: Job['result'];
    message?: string;
  };
  const fleetBoards: FleetBoard[] = [
    { name: 'kitchen-sensor', protocol: 'mongoose-os', file: 'zip', member: 'succeeded', job: 'committed' },
    { name: 'hallway-sensor', protocol: 'mongoose-os', file: 'zip', member: 'succeeded', job: 'committed' },
    { name: 'porch-light', protocol: 'mongoose-os', file: 'zip', member: 'running', job: 'transferring', sent: 0.62 },
    { name: 'attic-fan', protocol: 'mongoose-os', file: 'zip', member: 'running', job: 'verifying' },
    {
      name: 'garden-pump',
      protocol: 'mongoose-os',
      file: 'zip',
      member: 'failed',
      job: 'failed',
      sent: 0,
      result: {
        code: 'not-enough-space',
        message: 'garden-pump has 1.00 MiB free for a 1.50 MiB image: nothing was written.',
        deviceMessage: 'Not enough space: need 1572864, have 1048576',
      },
    },
    {
      name: 'greenhouse-vent',
      protocol: 'mongoose-os',
      file: 'zip',
      member: 'rolled-back',
      job: 'rolled-back',
      result: {
        code: 'rolled-back',
        message: 'greenhouse-vent went back to 1.4.1: 1.4.2 did not answer its health check in time.',
        deviceMessage: null,
      },
    },
    {
      name: 'workbench-esp32',
      protocol: 'arduino-esp32',
      file: 'bin',
      member: 'running',
      job: 'transferring',
      sent: 0.18,
    },
    { name: 'desk-lamp', protocol: 'arduino-esp32', file: 'bin', member: 'planning', job: null },
    {
      name: 'shed-door',
      protocol: 'arduino-esp32',
      file: 'bin',
      member: 'skipped',
      job: null,
      message: 'Skipped: offline when its turn came.',
    },
  ];
  if (scenario === 'fleet') {
    devices = fleetBoards.map((board, index) =>
      device({
        id: `fleet:${board.name}`,
        name: board.name,
        protocol: board.protocol,
        address: `192.168.1.${101 + index}`,
        firmwareVersion: board.job === 'committed' ? '1.4.2' : board.protocol === 'mongoose-os' ? '1.4.1' : '2.0.3',
        online: board.member !== 'skipped',
        lastSeen: board.member === 'skipped' ? now - 20 * 60_000 : now - 3_000,
      }),
    );
    jobs = fleetBoards.flatMap((board, index) => {
      if (!board.job || !board.file) return [];
      const file = fleetFiles[board.file];
      const ended = ['committed', 'failed', 'rolled-back'].includes(board.job);
      const sent = Math.round((board.sent ?? 1) * file.size);
      return [
        job({
          id: `fleet-job-${index}`,
          state: board.job,
          deviceId: `fleet:${board.name}`,
          deviceName: board.name,
          target: `192.168.1.${101 + index}:80`,
          protocol: board.protocol,
          image: { ...file, sha256: sha, format: board.file === 'zip' ? 'mongoose-fw-zip' : 'esp-app' },
          createdAt: now - (ended ? 50_000 : 12_000) + index,
          endedAt: ended ? now - 20_000 : null,
          commitPolicy: 'auto',
          progress: { bytesSent: sent, totalBytes: file.size, bytesPerSecond: 151_000, etaSeconds: 4 },
          toVersion: board.job === 'committed' ? file.version : null,
          result:
            board.result ??
            (board.job === 'committed'
              ? { code: 'success', message: `Committed ${file.version} on ${board.name}.`, deviceMessage: null }
              : null),
        }),
      ];
    });
  }
  const fleetRuns: FleetRun[] =
    scenario !== 'fleet'
      ? []
      : [
          {
            id: 'fleet-1',
            createdAt: now - 52_000,
            endedAt: null,
            state: 'running',
            images: [
              { ...fleetFiles.zip, format: 'mongoose-fw-zip' },
              { ...fleetFiles.bin, format: 'esp-app' },
            ],
            options: {
              commitPolicy: 'auto',
              concurrency: 4,
              stopOnFailure: false,
              skipOffline: true,
              onlyOutdated: false,
              staged: false,
            },
            members: fleetBoards.map((board, index) => ({
              deviceId: `fleet:${board.name}`,
              deviceName: board.name,
              transport: 'lan',
              imageId: board.file ? fleetFiles[board.file].imageId : null,
              fileName: board.file ? fleetFiles[board.file].fileName : null,
              state: board.member,
              jobId: board.job ? `fleet-job-${index}` : null,
              message: board.message ?? board.result?.message ?? null,
              attempt: 1,
              pilot: false,
            })),
            totals: {
              waiting: 0,
              running: 4,
              awaitingCommit: 0,
              succeeded: 2,
              failed: 1,
              rolledBack: 1,
              skipped: 1,
              cancelled: 0,
            },
            message: null,
          },
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

  // The live upload of the scenario keeps moving so the card looks real. Its bytes follow the page's
  // clock, not the number of ticks: under the screenshot tests' fixed clock (page.clock.setFixedTime)
  // it holds still, so the pictures can be compared with their baselines.
  const startedSending = new Map(
    jobs.filter((candidate) => candidate.state === 'transferring').map((live) => [live.id, live.progress.bytesSent]),
  );
  setInterval(() => {
    const live = jobs.find((candidate) => candidate.state === 'transferring' && startedSending.has(candidate.id));
    if (!live) return;
    const { totalBytes } = live.progress;
    const rate = live.protocol === 'mcumgr-smp' ? 18_400 : 151_000;
    const bytesSent = Math.min(
      totalBytes,
      startedSending.get(live.id)! + Math.floor((rate * (Date.now() - now)) / 1000),
    );
    if (bytesSent === live.progress.bytesSent) return;
    update(live.id, {
      progress: { ...live.progress, bytesSent, etaSeconds: Math.ceil((totalBytes - bytesSent) / rate) },
    });
  }, 250);

  const later = (ms: number, step: () => void) => setTimeout(step, ms);
  const settle = <T>(value: T, ms = 120) =>
    new Promise<T>((resolve) => setTimeout(() => resolve(structuredClone(value)), ms));
  const find = (jobId: string) => {
    const found = jobs.find((candidate) => candidate.id === jobId);
    if (!found) throw new Error(`No job ${jobId}`);
    return found;
  };
  const finish = (id: string, state: JobState, message: string, extra: Partial<Job> = {}) =>
    update(id, {
      state,
      endedAt: Date.now(),
      result: { code: state === 'rolled-back' ? 'rolled-back' : 'success', message, deviceMessage: null },
      ...extra,
    });

  // An SMP push as the engine runs it: connect, upload with link facts, test, reset, confirm; the
  // device's slots and version change at the end so the slot table can be looked at afterwards.
  const pushSmp = (created: Job, target: Device, image: ImageInfo, mode: NonNullable<Job['mode']>) => {
    const id = created.id;
    const hash = image.facts.find((fact) => fact.label === 'Image hash')?.value ?? image.sha256;
    const resetOnly = inRecovery(target.id);
    update(id, { mode, ...(resetOnly ? { bootMode: recoveryBoot } : {}) });
    later(300, () => update(id, { state: 'connecting' }));
    later(900, () =>
      update(id, {
        state: 'transferring',
        link: smpLinkOf(target),
        progress: { ...created.progress, bytesPerSecond: 19_200, etaSeconds: 12 },
      }),
    );
    let sent = 0;
    const timer = setInterval(() => {
      const current = find(id);
      if (current.state !== 'transferring') return;
      // About 6 s for the 236 KiB image: the pictures of the moving upload are taken on busy CI
      // machines, where 2.4 s was over before the shot settled (the card was already Confirmed).
      sent = Math.min(image.size, sent + 12_000);
      update(id, {
        progress: { ...current.progress, bytesSent: sent, etaSeconds: Math.ceil((image.size - sent) / 19_200) },
      });
      if (sent < image.size) return;
      clearInterval(timer);
      const old = (smpSlots[target.id] ?? []).find((slot) => slot.active);
      later(300, () => update(id, { state: 'rebooting' }));
      if (resetOnly) {
        later(1800, () =>
          finish(
            id,
            'updated',
            `${target.name} took ${image.version} in slot 0 and was reset: the bootloader cannot test or confirm, so it boots it as it is.`,
            { toVersion: image.version },
          ),
        );
        return;
      }
      later(1800, () => update(id, { state: 'verifying', toVersion: image.version }));
      later(2400, () => mode !== 'test-only' && update(id, { state: 'committing' }));
      later(3000, () => {
        smpSlots[target.id] = [
          smpSlot(0, image.version ?? '?', hash, { active: true, confirmed: mode !== 'test-only' }),
          ...(old ? [smpSlot(1, old.version, old.hash, { confirmed: mode === 'test-only' })] : []),
        ];
        devices = devices.map((candidate) =>
          candidate.id === target.id ? { ...candidate, firmwareVersion: image.version } : candidate,
        );
        emit.devices();
        if (mode === 'test-only')
          finish(
            id,
            'updated',
            `${target.name} runs ${image.version} unconfirmed: the next reset goes back to ${old?.version ?? 'the old image'} unless it is confirmed.`,
          );
        else finish(id, 'committed', `${target.name} runs ${image.version} and it is confirmed.`);
      });
    }, 300);
  };

  const recorded = window.otaBenchDesignHistory ?? null;

  const api: OtaBenchApi = {
    listDevices: () => settle(devices),
    addDevice: ({ target }) => {
      const added = device({
        id: `addr:${target}`,
        name: target,
        protocol: 'mongoose-os',
        address: target.split(':')[0],
        protocolEvidence: 'probe',
        services: [],
      });
      devices = [...devices, added];
      later(50, emit.devices);
      return settle(added, 400);
    },
    // A port's settings change at once; allowing a port the fixture has not probed probes it: silent.
    setSerialPort: ({ deviceId, ...change }) => {
      const port = devices.find((candidate) => candidate.id === deviceId);
      if (!port?.serial) return Promise.reject(new Error(`${deviceId} is not a serial port.`));
      if (!port.online) return Promise.reject(new Error(`${port.serial.path} is not plugged in: its settings wait.`));
      const probeNow = change.allowed === true && !port.serial.allowed && port.serial.probe === 'unprobed';
      const changed: Device = {
        ...port,
        serial: { ...port.serial, ...change, ...(probeNow ? { probe: 'probing' as const } : {}) },
      };
      devices = devices.map((candidate) => (candidate.id === deviceId ? changed : candidate));
      later(50, emit.devices);
      if (probeNow) {
        later(700, () => {
          devices = devices.map((candidate) =>
            candidate.id === deviceId && candidate.serial
              ? {
                  ...candidate,
                  serial: {
                    ...candidate.serial,
                    probe: 'silent',
                    probeMessage: `No MCUmgr answer at ${candidate.serial.baudRate} baud within 1 s.`,
                  },
                }
              : candidate,
          );
          emit.devices();
        });
      }
      return settle(changed, 150);
    },
    deviceStatus: ({ deviceId }) => {
      const target = devices.find((candidate) => candidate.id === deviceId);
      if (!target) return Promise.reject(new Error(`No device ${deviceId}`));
      return settle(
        {
          device: target,
          reachable: true,
          firmwareVersion: target.firmwareVersion,
          firmwareId: null,
          bootState: null,
          slots: target.protocol === 'esp-link' ? espSlots : null,
          imageSlots: target.protocol === 'mcumgr-smp' ? (smpSlots[deviceId] ?? []) : null,
          details: {},
        },
        600,
      );
    },
    getDiscoveryStatus: () => settle(discovery),
    openImageDialog: () => {
      const chosen = {
        'html-image': images.html,
        'esp-link-pair': images.pair,
        'esp-link-wrong-slot': images.wrongSlot,
        'ble-smp': images.smp,
        'ble-smp-identical': images.smpIdentical,
        'serial-smp': images.smp,
      }[scenario as string];
      return settle(chosen ?? images.mongoose, 300);
    },
    openFolderDialog: () => settle(images.pair, 300),
    inspectDroppedFiles: (files) => settle(files.length === 2 ? images.pair : images.mongoose, 300),
    planPush: ({ deviceId, imageId }) => settle(planFor(deviceId, imageId), 350),
    listJobs: () => settle(jobs),
    push: (request) => {
      const target = devices.find((candidate) => candidate.id === request.deviceId);
      if (!target) return Promise.reject(new Error(`No device ${request.deviceId}`));
      const id = `job-${Date.now()}`;
      const requested =
        Object.values(images).find((candidate) => candidate.imageId === request.imageId) ?? images.mongoose;
      // A pair sends the member the board asks for (the engine sets job.image to it once planned).
      const image = requested.members ? requested.members[1] : requested;
      const created: Job = job({
        id,
        state: 'queued',
        deviceId: target.id,
        deviceName: target.name,
        target:
          target.transport === 'ble'
            ? (target.address ?? target.id)
            : target.transport === 'serial'
              ? target.serial!.path
              : `${target.id.startsWith('udp:') ? 'udp://' : ''}${target.address}:${target.port}`,
        protocol: target.protocol,
        createdAt: Date.now(),
        stateSince: Date.now(),
        commitPolicy: request.commitPolicy,
        fromVersion: target.firmwareVersion,
        log: [],
        image: {
          fileName: image.fileName,
          size: image.size,
          sha256: image.sha256,
          format: image.format,
          version: image.version,
        },
        progress: { bytesSent: 0, totalBytes: image.size, bytesPerSecond: 0, etaSeconds: null },
      });
      jobs = [...jobs, created];
      if (target.protocol === 'mcumgr-smp') {
        pushSmp(created, target, requested, request.mode ?? 'test-and-confirm');
        return settle(created, 80);
      }
      later(300, () => update(id, { state: 'connecting' }));
      later(700, () =>
        update(id, {
          state: 'transferring',
          progress: { ...created.progress, bytesPerSecond: 310_000, etaSeconds: 5 },
        }),
      );
      let sent = 0;
      const timer = setInterval(() => {
        sent = Math.min(image.size, sent + 90_000);
        const current = find(id);
        if (current.state !== 'transferring') return;
        update(id, {
          progress: { ...current.progress, bytesSent: sent, etaSeconds: Math.ceil((image.size - sent) / 310_000) },
        });
        if (sent < image.size) return;
        clearInterval(timer);
        later(300, () => update(id, { state: 'rebooting' }));
        later(2500, () => update(id, { state: 'verifying', toVersion: image.version }));
        later(3200, () =>
          target.protocol === 'esp-link'
            ? request.override
              ? finish(
                  id,
                  'rolled-back',
                  `${target.name} booted back into slot 1 and runs ${target.firmwareVersion} again: ${image.fileName} was most likely linked for the other slot.`,
                  { toVersion: target.firmwareVersion },
                )
              : finish(id, 'updated', `${target.name} now runs ${image.version} from slot 2.`)
            : request.commitPolicy === 'auto'
              ? finish(id, 'committed', `${target.name} runs ${image.version} and it is committed.`)
              : update(id, {
                  state: 'awaiting-commit',
                  commitDeadline: Date.now() + request.commitTimeoutSeconds * 1000,
                }),
        );
      }, 300);
      return settle(created, 80);
    },
    cancelJob: ({ jobId }) =>
      settle(
        update(jobId, {
          state: 'cancelled',
          endedAt: Date.now(),
          result: {
            code: 'cancelled',
            message: 'Cancelled before the board received the whole file; it still runs its old firmware.',
            deviceMessage: null,
          },
        }),
      ),
    commitJob: ({ jobId }) => {
      const committing = update(jobId, { state: 'committing' });
      later(700, () =>
        finish(jobId, 'committed', `${committing.deviceName} runs ${committing.toVersion} and it is committed.`),
      );
      return settle(committing);
    },
    revertJob: ({ jobId }) => {
      const reverting = update(jobId, { state: 'reverting' });
      later(1500, () =>
        finish(
          jobId,
          'rolled-back',
          `Reverted on request: ${reverting.deviceName} runs ${reverting.fromVersion} again.`,
          { toVersion: reverting.fromVersion },
        ),
      );
      return settle(reverting);
    },
    dismissJob: ({ jobId }) => {
      jobs = jobs.filter((candidate) => candidate.id !== jobId);
      return settle(null);
    },
    // The design fixture shows the slot panel; its buttons need the real engine (test/e2e/ble.spec.ts).
    imageSlotAction: ({ deviceId, action }) =>
      Promise.reject(new Error(`${action} on ${deviceId}: slot actions are not part of the design fixture`)),
    commitDevice: ({ deviceId }) => Promise.reject(new Error(`commit on ${deviceId}: not part of the design fixture`)),
    revertDevice: ({ deviceId }) => Promise.reject(new Error(`revert on ${deviceId}: not part of the design fixture`)),
    // No board of the design fixture has credentials saved; the real store is shown in credentials.spec.ts.
    savedCredentials: ({ deviceId }) => settle({ deviceId, saved: null, keychain: 'available' as const }),
    forgetCredentials: ({ deviceId }) => settle({ deviceId, saved: null, keychain: 'available' as const }),
    // Fleet runs and the history are shown with the real engine (test/e2e/fleet.spec.ts, history.spec.ts).
    startFleet: () => Promise.reject(new Error('fleet runs are not part of the design fixture')),
    listFleets: () => settle(fleetRuns),
    cancelFleet: ({ fleetId }) => Promise.reject(new Error(`no fleet ${fleetId} in the design fixture`)),
    retryFleet: ({ fleetId }) => Promise.reject(new Error(`no fleet ${fleetId} in the design fixture`)),
    commitFleet: ({ fleetId }) => Promise.reject(new Error(`no fleet ${fleetId} in the design fixture`)),
    dismissFleet: () => settle(null),
    // The history's scripted rows come from fake-history.ts when visual.spec.ts installed it (else none).
    listHistory: (query) => settle(recorded?.list(query) ?? []),
    historyEntry: ({ jobId }) =>
      recorded
        ? settle(recorded.entry(jobId))
        : Promise.reject(new Error(`no history row ${jobId} in the design fixture`)),
    exportHistory: ({ format, query }) =>
      settle({ fileName: `ota-bench-history.${format}`, rows: recorded?.list(query).length ?? 0 }),
    reopenHistoryImage: ({ jobId }) => {
      const refusal = recorded ? recorded.reopenRefusal(jobId) : `no history row ${jobId} in the design fixture`;
      return refusal ? Promise.reject(new Error(refusal)) : settle(images.mongoose, 300);
    },
    listInventory: () => settle(recorded?.inventory() ?? []),
    setDeviceNote: ({ deviceId, label, notes }) =>
      recorded
        ? settle(recorded.setNote(deviceId, label, notes))
        : Promise.reject(new Error(`no inventory row ${deviceId} in the design fixture`)),
    onFleetChanged: () => () => undefined,
    onHistoryChanged: () => () => undefined,
    onDevicesChanged: (listener) => (listeners.devices.add(listener), () => listeners.devices.delete(listener)),
    onJobChanged: (listener) => (listeners.job.add(listener), () => listeners.job.delete(listener)),
    onDiscoveryChanged: (listener) => (listeners.discovery.add(listener), () => listeners.discovery.delete(listener)),
  };

  Object.defineProperty(window, 'otaBench', { value: Object.freeze(api), configurable: false });
}
