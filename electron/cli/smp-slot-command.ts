// `ota-bench commit|revert DEVICE` on an MCUmgr/SMP device: what was done to its MCUboot slots, what
// the next reset does, and the slots as the device lists them afterwards (engine imageSlotAction).
import type { Device } from '../../shared/domain.ts';
import type { OtaEngine } from '../engine/engine-api.ts';
import { printImageSlots } from './describe.ts';
import type { Output } from './output.ts';

export async function smpSlotCommand(
  engine: OtaEngine,
  out: Output,
  device: Device,
  command: 'commit' | 'revert',
): Promise<number> {
  const result = await engine.imageSlotAction({ deviceId: device.id, action: command });
  out.event('slots', result);
  out.line(result.message);
  out.line(result.nextReset);
  if (result.imageSlots) {
    out.line(`Slots of ${device.name} now:`);
    printImageSlots(out, result.imageSlots);
  }
  out.result({
    state: result.done ? 'done' : 'failed',
    result: result.done ? 'success' : 'update-failed',
    message: result.done ? `${device.name}: ${command} done.` : `${device.name}: ${command} not done.`,
    fromVersion: null,
    toVersion: result.firmwareVersion,
  });
  return result.done ? 0 : 1;
}
