// Where a LAN device is reached over HTTP: its address and port, or nothing while it has no address.
// Used by the LAN side, the job runner, the commit flow and the commit watch (none of which import
// each other for it).
import type { Device } from '../../../shared/domain.ts';
import type { Target } from './http-client.ts';

export const targetOf = (device: Device): Target | null =>
  device.address ? { host: device.address, port: device.port } : null;
