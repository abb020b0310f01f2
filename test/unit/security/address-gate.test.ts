// addDevice makes the main process contact what the page names. The gate lets local-network
// addresses through, asks the user (a native dialog) before anything else, and limits how many
// probes a page can start.
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import {
  createAddressGate,
  isLocalNetworkHost,
  type ConfirmRemoteAddress,
} from '../../../electron/main/address-gate.ts';
import { createCommandDispatcher } from '../../../electron/main/ipc-server.ts';
import { createTrustedSenderCheck } from '../../../electron/main/trusted-sender.ts';
import { APP_INDEX_HTML, fakeEngine, topFrame, type FakeEngine } from './fakes.ts';

const electron = vi.hoisted(() => ({ showMessageBox: vi.fn<(...args: unknown[]) => Promise<{ response: number }>>() }));
vi.mock('electron', () => ({ dialog: { showMessageBox: electron.showMessageBox } }));
const { createRemoteAddressConfirm, remoteAddressQuestion } = await import('../../../electron/main/address-dialog.ts');

describe('isLocalNetworkHost', () => {
  it.each([
    '10.0.0.7',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.1.42',
    '169.254.10.20',
    '127.0.0.1',
    '127.29.0.1',
    '::1',
    'fd12:3456::1',
    'fc00::1',
    'fe80::1',
    'fe80::1%eth0',
    '::ffff:192.168.1.5',
    'esp32.local',
    'ESP32.LOCAL.',
    'mOS-esp32-00000A',
    'localhost',
    'esp-link',
  ])('%s is local', (host) => expect(isLocalNetworkHost(host)).toBe(true));

  it.each([
    '8.8.8.8',
    '172.32.0.1',
    '172.15.255.255',
    '192.169.0.1',
    '100.64.0.1',
    '0.0.0.0',
    '1.1.1.1',
    '2001:4860:4860::8888',
    'fe00::1',
    '::ffff:8.8.8.8',
    'example.com',
    'board.lan',
    'evil.local.example.com',
    '134744072',
    '0x08080808',
    '',
  ])('%s is not', (host) => expect(isLocalNetworkHost(host)).toBe(false));
});

describe('the gate', () => {
  let confirm: Mock<ConfirmRemoteAddress>;
  let probe: Mock<() => Promise<string>>;
  beforeEach(() => {
    confirm = vi.fn<ConfirmRemoteAddress>(async () => false);
    probe = vi.fn(async () => 'device');
  });

  it('probes a local address without asking', async () => {
    const gate = createAddressGate({ confirm });
    await expect(gate.admit('192.168.1.20:8080', probe)).resolves.toBe('device');
    await expect(gate.admit('[fe80::1]:80', probe)).resolves.toBe('device');
    expect(confirm).not.toHaveBeenCalled();
    expect(probe).toHaveBeenCalledTimes(2);
  });

  it('asks before contacting an address outside the network; declined = nothing is contacted', async () => {
    const gate = createAddressGate({ confirm });
    await expect(gate.admit('example.com:8080', probe)).rejects.toThrow(
      'Not added: example.com:8080 is outside your local network, and contacting it was not confirmed.',
    );
    expect(confirm).toHaveBeenCalledWith({ host: 'example.com', port: 8080 });
    expect(probe).not.toHaveBeenCalled();
  });

  it('confirmed = probed, and the same address is not asked about again', async () => {
    confirm.mockResolvedValue(true);
    const gate = createAddressGate({ confirm });
    await gate.admit('8.8.8.8', probe);
    await gate.admit('http://8.8.8.8:80/', probe);
    expect(confirm).toHaveBeenCalledTimes(1);
    expect(confirm).toHaveBeenCalledWith({ host: '8.8.8.8', port: 80 });
    expect(probe).toHaveBeenCalledTimes(2);
    await gate.admit('8.8.4.4', probe).catch(() => {});
    expect(confirm).toHaveBeenCalledTimes(2);
  });

  it('udp:// follows the host:port rules (1337 by default); serial: goes through for serial device paths only', async () => {
    const gate = createAddressGate({ confirm });
    await expect(gate.admit('udp://192.168.1.30', probe)).resolves.toBe('device');
    await expect(gate.admit('udp://[fd00::7]:1400', probe)).resolves.toBe('device');
    await expect(gate.admit('udp://example.com', probe)).rejects.toThrow(
      'Not added: udp://example.com:1337 is outside your local network, and contacting it was not confirmed.',
    );
    expect(confirm).toHaveBeenCalledWith({ host: 'example.com', port: 1337 });
    await expect(gate.admit('serial:/dev/ttyACM0@115200', probe)).resolves.toBe('device');
    await expect(gate.admit('serial:/dev/pts/3', probe)).resolves.toBe('device');
    await expect(gate.admit('serial:COM5', probe)).resolves.toBe('device');
    await expect(gate.admit('serial:/dev/sda', probe)).rejects.toThrow(/\/dev\/sda is not a serial port/);
    await expect(gate.admit('serial:/etc/passwd', probe)).rejects.toThrow(/is not a serial port/);
    expect(confirm).toHaveBeenCalledTimes(1);
    expect(probe).toHaveBeenCalledTimes(5);
  });

  it('asks one question at a time', async () => {
    let answer!: (yes: boolean) => void;
    confirm.mockImplementation(() => new Promise((resolve) => (answer = resolve)));
    const gate = createAddressGate({ confirm });
    const first = gate.admit('example.com', probe);
    await expect(gate.admit('example.org', probe)).rejects.toThrow(/another address is waiting for your answer/);
    answer(true);
    await first;
    expect(confirm).toHaveBeenCalledTimes(1);
  });

  it('a known device (by id or name) passes without a probe budget, as does what is not an address', async () => {
    const gate = createAddressGate({
      confirm,
      isKnownDevice: (target) => target === 'id:board.example.com',
      maxPerMinute: 0,
    });
    await gate.admit('id:board.example.com', probe);
    await gate.admit('c0:de:00:00:00:01', probe);
    expect(confirm).not.toHaveBeenCalled();
    expect(probe).toHaveBeenCalledTimes(2);
  });

  it('runs at most two probes at once', async () => {
    const release: Array<() => void> = [];
    const slow = vi.fn(() => new Promise<string>((resolve) => release.push(() => resolve('device'))));
    const gate = createAddressGate({ confirm });
    const running = [gate.admit('192.168.1.1', slow), gate.admit('192.168.1.2', slow)];
    await expect(gate.admit('192.168.1.3', slow)).rejects.toThrow(
      /Not added yet: 2 addresses are being probed already/,
    );
    expect(slow).toHaveBeenCalledTimes(2);
    release.forEach((done) => done());
    await Promise.all(running);
    await expect(gate.admit('192.168.1.3', probe)).resolves.toBe('device');
  });

  it('runs at most 20 probes a minute', async () => {
    let clock = 0;
    const gate = createAddressGate({ confirm, now: () => clock });
    for (let i = 0; i < 20; i++) await gate.admit(`192.168.1.${i + 1}`, probe);
    await expect(gate.admit('192.168.1.99', probe)).rejects.toThrow(/more than 20 addresses in a minute/);
    clock = 60_001;
    await expect(gate.admit('192.168.1.99', probe)).resolves.toBe('device');
    expect(probe).toHaveBeenCalledTimes(21);
  });
});

describe('addDevice through the IPC server', () => {
  let engine: FakeEngine;
  let confirm: Mock<ConfirmRemoteAddress>;
  let dispatch: ReturnType<typeof createCommandDispatcher>;
  const fromApp = { senderFrame: topFrame(pathToFileURL(APP_INDEX_HTML).href) } as never;
  beforeEach(() => {
    engine = fakeEngine();
    confirm = vi.fn<ConfirmRemoteAddress>(async () => false);
    dispatch = createCommandDispatcher({
      engine,
      isTrustedSender: createTrustedSenderCheck({ kind: 'file', indexHtml: APP_INDEX_HTML }),
      dialogs: {
        openImageDialog: vi.fn(async () => null),
        openFolderDialog: vi.fn(async () => null),
        saveExport: vi.fn(async () => null),
      },
      confirmRemoteAddress: confirm,
    });
  });

  it('an Internet host the user declines never reaches the engine', async () => {
    await expect(dispatch('addDevice', fromApp, [{ target: 'attacker.example:443' }])).rejects.toThrow(
      /Not added: attacker\.example:443 is outside your local network/,
    );
    expect(engine.resolveDevice).not.toHaveBeenCalled();
  });

  it('a LAN board is probed as before', async () => {
    await dispatch('addDevice', fromApp, [{ target: '192.168.1.20:8080' }]);
    expect(engine.resolveDevice).toHaveBeenCalledWith('192.168.1.20:8080');
    expect(confirm).not.toHaveBeenCalled();
  });

  it('a device the engine already lists by name is not a probe', async () => {
    engine.listDevices.mockReturnValue([{ id: 'id:x', name: 'Bench.board.example', hostname: null }]);
    await dispatch('addDevice', fromApp, [{ target: 'bench.board.example' }]);
    expect(confirm).not.toHaveBeenCalled();
    expect(engine.resolveDevice).toHaveBeenCalledWith('bench.board.example');
  });
});

describe('the native question', () => {
  it('Cancel is the default and the cancel button; only "Contact it" says yes', async () => {
    const question = remoteAddressQuestion('2001:db8::1', 8080);
    expect(question.message).toBe('Contact [2001:db8::1]:8080?');
    expect(question.buttons).toEqual(['Cancel', 'Contact it']);
    expect(question).toMatchObject({ defaultId: 0, cancelId: 0, type: 'warning' });

    const win = { id: 'the window' } as never;
    electron.showMessageBox.mockResolvedValueOnce({ response: 1 }).mockResolvedValueOnce({ response: 0 });
    const confirm = createRemoteAddressConfirm(() => win);
    await expect(confirm({ host: 'example.com', port: 80 })).resolves.toBe(true);
    await expect(confirm({ host: 'example.com', port: 80 })).resolves.toBe(false);
    expect(electron.showMessageBox).toHaveBeenCalledWith(
      win,
      expect.objectContaining({ message: 'Contact example.com:80?' }),
    );
  });
});
