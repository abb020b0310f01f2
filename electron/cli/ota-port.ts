// --ota-port: the TCP port an ArduinoOTA board connects back to (espota's --host_port). A fixed port
// is what a user opens in the host firewall; without it OTA Bench takes a free one per push. The
// engine reads it from OTA_BENCH_OTA_PORT (protocols/arduino-ota.ts), so the CLI sets that.
import { UsageError } from './usage.ts';

export function otaPort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port < 1 || port > 65535)
    throw new UsageError(`--ota-port wants a TCP port from 1 to 65535, not "${value}".`);
  return port;
}

/** Applies --ota-port for this process's pushes. */
export function useOtaPort(value: string | undefined): void {
  if (value !== undefined) process.env.OTA_BENCH_OTA_PORT = String(otaPort(value));
}
