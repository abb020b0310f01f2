import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ConsoleFrameDecoder, encodeConsoleFrames } from '../../../electron/engine/smp/console-framing.ts';
import {
  SERIAL_DEFAULT_MAX_PACKET,
  SerialOpenError,
  openSerialSmpTransport,
  serialErrorKind,
  serialOpenErrorMessage,
  type OpenSerialPort,
  type SerialPortLike,
} from '../../../electron/engine/smp/serial-transport.ts';

class FakePort extends EventEmitter {
  written: Buffer[] = [];
  /** write() answers false (buffer full) for this many calls, then drains on the next tick. */
  fullFor = 0;
  /** Each write completes only when release() is called. */
  holdWrites = false;
  private held: Array<() => void> = [];
  closed = false;

  write(data: Buffer, callback: (error: Error | null | undefined) => void): boolean {
    this.written.push(Buffer.from(data));
    const complete = () => callback(null);
    if (this.holdWrites) this.held.push(complete);
    else setImmediate(complete);
    if (this.fullFor > 0) {
      this.fullFor--;
      setTimeout(() => this.emit('drain'), 5);
      return false;
    }
    return true;
  }
  release(): void {
    for (const complete of this.held.splice(0)) complete();
  }
  close(callback?: (error: Error | null) => void): void {
    this.closed = true;
    setImmediate(() => callback?.(null));
  }
}

function opener(port: FakePort): OpenSerialPort {
  return async () => port as unknown as SerialPortLike;
}

const packet = (size: number, fill: number) => {
  const bytes = Buffer.alloc(size, fill);
  bytes.writeUInt16BE(size - 8, 2);
  return bytes;
};

describe('openSerialSmpTransport', () => {
  it('frames packets out, decodes packets in, labels the link, defaults to a 256-byte packet', async () => {
    const port = new FakePort();
    const lines: string[] = [];
    const transport = await openSerialSmpTransport({
      path: '/dev/ttyACM0',
      baudRate: 115200,
      flowControl: 'none',
      timeoutMs: 1000,
      openPort: opener(port),
      onConsoleLine: (text) => lines.push(text),
    });
    expect(transport.kind).toBe('serial');
    expect(transport.label).toBe('serial /dev/ttyACM0, 115200 baud');
    expect(transport.defaultMaxPacket).toBe(SERIAL_DEFAULT_MAX_PACKET);
    expect(SERIAL_DEFAULT_MAX_PACKET).toBe(256);
    const got: Buffer[] = [];
    transport.onPacket((p) => got.push(p));
    await transport.send(packet(40, 1));
    expect(new ConsoleFrameDecoder().push(Buffer.concat(port.written))).toEqual([packet(40, 1)]);
    port.emit('data', Buffer.from('\x1b[0m<inf> app: \x07hello\x1b[0m\r\n'));
    port.emit('data', encodeConsoleFrames(packet(300, 2)));
    expect(got).toEqual([packet(300, 2)]);
    expect(lines).toEqual(['<inf> app: hello']);
    expect(transport.skippedSummary()).toMatch(/^skipped 1 console line/);
  });

  it('never interleaves two packets and waits for drain when the stream is full', async () => {
    const port = new FakePort();
    port.holdWrites = true;
    const transport = await openSerialSmpTransport({
      path: '/dev/ttyACM0',
      baudRate: 115200,
      flowControl: 'rts-cts',
      timeoutMs: 1000,
      openPort: opener(port),
    });
    const first = transport.send(packet(400, 1));
    const second = transport.send(packet(400, 2));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(port.written).toHaveLength(1); // the second waits until the first was written
    port.holdWrites = false;
    port.fullFor = 1;
    port.release();
    await Promise.all([first, second]);
    expect(new ConsoleFrameDecoder().push(Buffer.concat(port.written))).toEqual([packet(400, 1), packet(400, 2)]);
  });

  it('tells its listeners once when the cable is pulled, and rejects sends afterwards', async () => {
    const port = new FakePort();
    const transport = await openSerialSmpTransport({
      path: '/dev/ttyACM0',
      baudRate: 115200,
      flowControl: 'none',
      timeoutMs: 1000,
      openPort: opener(port),
    });
    const reasons: string[] = [];
    transport.onClose((reason) => reasons.push(reason));
    port.emit('close', Object.assign(new Error('disconnected'), { disconnected: true }));
    port.emit('error', new Error('EIO'));
    expect(reasons).toEqual(['/dev/ttyACM0 went away (cable pulled, or the board reset)']);
    expect(transport.connected).toBe(false);
    await expect(transport.send(packet(10, 0))).rejects.toThrow(/was closed/);
  });

  it('close() by us is not reported as the link dropping, and is idempotent', async () => {
    const port = new FakePort();
    const transport = await openSerialSmpTransport({
      path: 'COM5',
      baudRate: 9600,
      flowControl: 'none',
      timeoutMs: 1000,
      openPort: opener(port),
    });
    const reasons: string[] = [];
    transport.onClose((reason) => reasons.push(reason));
    await transport.close();
    await transport.close();
    port.emit('close', null);
    expect(reasons).toEqual([]);
    expect(port.closed).toBe(true);
  });

  it('retries while the port is missing (a board re-enumerating), up to the timeout', async () => {
    const port = new FakePort();
    let attempts = 0;
    const transport = await openSerialSmpTransport({
      path: '/dev/ttyACM0',
      baudRate: 115200,
      flowControl: 'none',
      timeoutMs: 3000,
      openPort: async () => {
        attempts++;
        if (attempts < 3) throw new Error('Error: No such file or directory, cannot open /dev/ttyACM0');
        return port as unknown as SerialPortLike;
      },
    });
    expect(attempts).toBe(3);
    expect(transport.connected).toBe(true);
    await expect(
      openSerialSmpTransport({
        path: '/dev/ttyACM9',
        baudRate: 115200,
        flowControl: 'none',
        timeoutMs: 300,
        openPort: async () => {
          throw new Error('Error: No such file or directory, cannot open /dev/ttyACM9');
        },
      }),
    ).rejects.toThrow('/dev/ttyACM9 is not there (unplugged, or the board is resetting)');
  });

  it('fails at once, in words, when another program holds the port', async () => {
    const attempt = openSerialSmpTransport({
      path: '/dev/ttyACM0',
      baudRate: 115200,
      flowControl: 'none',
      timeoutMs: 5000,
      openPort: async () => {
        throw new Error('Error Resource temporarily unavailable Cannot lock port');
      },
    });
    await expect(attempt).rejects.toBeInstanceOf(SerialOpenError);
    await expect(attempt).rejects.toThrow(
      'another program has /dev/ttyACM0 open (a serial monitor, mcumgr, west …); close it and try again',
    );
  });

  it('is cancelled by its signal', async () => {
    const controller = new AbortController();
    const attempt = openSerialSmpTransport({
      path: '/dev/ttyACM0',
      baudRate: 115200,
      flowControl: 'none',
      timeoutMs: 5000,
      signal: controller.signal,
      openPort: () => new Promise(() => undefined),
    });
    controller.abort();
    await expect(attempt).rejects.toThrow('opening the serial port was cancelled');
  });
});

describe('serial open errors in words', () => {
  it('classifies Linux, macOS and Windows wordings', () => {
    expect(serialErrorKind(new Error('Error: Permission denied, cannot open /dev/ttyACM0'), 'linux')).toBe(
      'permission',
    );
    expect(serialErrorKind(Object.assign(new Error('x'), { code: 'EBUSY' }), 'linux')).toBe('busy');
    expect(serialErrorKind(new Error('Opening COM5: Access denied'), 'win32')).toBe('busy');
    expect(serialErrorKind(new Error('Opening COM7: File not found'), 'win32')).toBe('missing');
    expect(serialErrorKind(new Error('something else'), 'darwin')).toBe('other');
    expect(
      serialOpenErrorMessage(new Error('Error: Permission denied, cannot open /dev/ttyACM0'), '/dev/ttyACM0', 'linux'),
    ).toMatch(/dialout/);
    expect(serialOpenErrorMessage(new Error('weird\u001b[31m failure'), '/dev/ttyS0', 'linux')).toBe(
      '/dev/ttyS0 could not be opened: weird [31m failure',
    );
  });
});
