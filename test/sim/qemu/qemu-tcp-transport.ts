// An SmpTransport to a QEMU board started with serial { kind: 'tcp', port } (qemu-board.ts): the emulated
// UART's bytes over a loopback TCP socket, with the same console framing and transport code as a real
// serial port (smp/serial-transport.ts wrapSerialPort). Run inside the netns runner.
//   const transport = await openQemuTcpSmpTransport(board.tcpPort!, { timeoutMs: 5000 });
// kind 'serial', label "serial qemu-tcp:127.0.0.1:PORT, 115200 baud" (the baud rate is nominal: QEMU does
// not throttle its socket serial).
import net from 'node:net';
import {
  wrapSerialPort,
  type SerialPortLike,
  type SerialSmpTransport,
} from '../../../electron/engine/smp/serial-transport.ts';

export async function openQemuTcpSmpTransport(
  port: number,
  options: { timeoutMs?: number; lineLengthMax?: number; onConsoleLine?: (text: string) => void } = {},
): Promise<SerialSmpTransport> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const attempt = net.connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      attempt.destroy();
      reject(new Error(`QEMU's serial socket on port ${port} did not accept within ${options.timeoutMs ?? 5000} ms`));
    }, options.timeoutMs ?? 5000);
    attempt.once('connect', () => {
      clearTimeout(timer);
      resolve(attempt);
    });
    attempt.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  socket.setNoDelay(true);
  const portLike: SerialPortLike = {
    write: (data, callback) => socket.write(data, (error) => callback(error ?? null)),
    close: (callback) => {
      socket.destroy();
      setImmediate(() => callback?.(null));
    },
    on: ((event: string, listener: (...args: never[]) => void) => {
      // A socket's 'close' passes hadError (a boolean); the transport expects an error-like value or nothing.
      if (event === 'close') socket.on('close', () => (listener as () => void)());
      else socket.on(event, listener as (...args: unknown[]) => void);
      return portLike;
    }) as SerialPortLike['on'],
    once: (event, listener) => socket.once(event, listener),
  };
  return wrapSerialPort(portLike, {
    path: `qemu-tcp:127.0.0.1:${port}`,
    baudRate: 115200,
    lineLengthMax: options.lineLengthMax,
    onConsoleLine: options.onConsoleLine,
  });
}
