// Plan checks about the board rather than the file: a protocol the user forced (judged by that
// protocol's own test, see protocols/recognise.ts) and a board that needs a password.
import type { Device, PreflightCheck } from '../../../shared/domain.ts';
import { PROTOCOL_LABELS } from '../../../shared/domain.ts';
import type { Target } from '../net/http-client.ts';
import { lastChallenge, rememberedCredentials } from '../net/board-auth.ts';
import type { UpdateProtocol } from '../protocols/update-protocol.ts';

/** When `protocol` is not the one the board was identified as: what the protocol itself makes of the board. */
export async function forcedProtocolCheck(
  protocol: UpdateProtocol,
  device: Device,
  target: Target,
  signal?: AbortSignal,
): Promise<PreflightCheck | null> {
  if (protocol.id === device.protocol) return null;
  const label = `Forced protocol: ${PROTOCOL_LABELS[protocol.id]}`;
  const identified =
    device.protocol === 'unknown'
      ? 'OTA Bench could not tell its protocol'
      : `it was identified as ${PROTOCOL_LABELS[device.protocol]}`;
  if (!protocol.recognise)
    return {
      id: 'protocol',
      label,
      status: 'warn',
      detail: `You named the protocol; ${identified}.`,
      overridable: false,
    };
  const { verdict, detail } = await protocol.recognise(target, signal);
  if (verdict === 'yes') return { id: 'protocol', label, status: 'pass', detail, overridable: false };
  if (verdict === 'unknown')
    return {
      id: 'protocol',
      label,
      status: 'warn',
      detail: `${detail} Pushing as you asked; ${identified}.`,
      overridable: false,
    };
  // Strong evidence, not certainty: "Push anyway" (--force) sends it, and the result says what the board answered.
  return {
    id: 'protocol',
    label,
    status: 'fail',
    detail: `This board does not look like ${PROTOCOL_LABELS[protocol.id]}: ${detail}`,
    overridable: true,
  };
}

/**
 * A board that asks for credentials: say so before anything is sent. When no challenge is known yet
 * (a board listed from mDNS before its probe finished), the protocol's own question finds out.
 */
export async function passwordCheck(
  protocol: UpdateProtocol,
  device: Device,
  target: Target,
  signal?: AbortSignal,
): Promise<PreflightCheck | null> {
  if (!lastChallenge(target) && !rememberedCredentials(target))
    await protocol.recognise?.(target, signal).catch(() => null);
  // An HTTP challenge only: TXT auth_upload=yes is ArduinoOTA's (espota) password, not the web updater's.
  const asked = lastChallenge(target) ?? device.authChallenge ?? null;
  if (!asked) return null;
  const how = ` (${asked})`;
  const credentials = rememberedCredentials(target);
  if (credentials)
    return {
      id: 'auth',
      label: 'Password',
      status: 'pass',
      detail: `It asks for a password${how}; OTA Bench answers as "${credentials.user}".`,
      overridable: false,
    };
  return {
    id: 'auth',
    label: 'Password',
    status: 'warn',
    detail: `${device.name} needs a password${how}: give its user name and password.`,
    overridable: false,
  };
}
