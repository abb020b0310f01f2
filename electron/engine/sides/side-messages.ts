// The sides' longer sentences (lan-side.ts, ble-side.ts): why a device cannot be pushed to, found or
// committed, kept out of the sides' control flow.
import type { Device, ProtocolId } from '../../../shared/domain.ts';
import { PROTOCOL_LABELS } from '../../../shared/domain.ts';

/** Commit/revert asked of firmware that has neither. */
export function noCommitControl(device: Pick<Device, 'name' | 'protocol'>): string {
  return `${device.name} (${PROTOCOL_LABELS[device.protocol]}) has no commit/revert: its firmware is final once it boots.`;
}

/** Slot actions asked of a device that is not an MCUboot (SMP) device. */
export function noMcubootSlots(device: Pick<Device, 'name' | 'protocol'>): string {
  return `${device.name} (${PROTOCOL_LABELS[device.protocol]}) has no MCUboot slots to act on.`;
}

/** A LAN board whose protocol OTA Bench cannot push over (unknown, or not supported yet). */
export function noPushProtocol(
  device: Pick<Device, 'name' | 'probeNote' | 'authChallenge'>,
  protocol: ProtocolId,
): string {
  if (protocol !== 'unknown')
    return `Cannot push to ${device.name}: pushing over ${PROTOCOL_LABELS[protocol]} is not supported yet.`;
  const note = device.probeNote ? ` (${device.probeNote})` : '';
  const ask = device.authChallenge
    ? 'It asks for a password: give its user name and password so OTA Bench can look behind it, or name'
    : 'Name';
  return (
    `Cannot push to ${device.name}: OTA Bench could not tell which update protocol it speaks${note}. ` +
    `${ask} its protocol.`
  );
}

/** A Bluetooth address that no scan has reported; `status` is the radio's discovery status. */
export function bleAddressNotSeen(address: string, status: { state: string; message: string }): string {
  const hint = status.state === 'scanning' ? ' yet; is it on and advertising?' : `: ${status.message}`;
  return `No Bluetooth device with address ${address} has been seen${hint}`;
}

/** A BLE device that advertises a service OTA Bench lists but cannot push over yet. */
export function blePushNotYet(device: Pick<Device, 'name' | 'protocol'>): string {
  return (
    `${device.name} advertises ${PROTOCOL_LABELS[device.protocol]}; OTA Bench lists it now, ` +
    'and pushing over that service comes in a later version.'
  );
}
