// What a push would do before it does it: which file goes (a pair sends one member), why, and every
// pre-flight check with its verdict. The UI and the CLI show this plan; the job runner computes it
// again right before sending, so what the user saw is what is enforced.
import type { Device, PreflightCheck, PushPlan } from '../../../shared/domain.ts';
import { PROTOCOL_LABELS } from '../../../shared/domain.ts';
import { UpdateError } from '../update-error.ts';
import { commitStateCheck } from './commit-state.ts';
import { check } from '../protocols/preflight-check.ts';
import { withArticle } from '../format.ts';
import type { Target } from '../net/http-client.ts';
import type { ImageOnDisk, ProtocolPlan, UpdateProtocol } from '../protocols/update-protocol.ts';
import { forcedProtocolCheck, passwordCheck } from './board-checks.ts';
import { planFingerprint } from './plan-fingerprint.ts';

export interface PlannedPush {
  plan: PushPlan;
  /** The file to send, when the plan has one. */
  send: ImageOnDisk;
  protocolPlan: ProtocolPlan | null;
}

/** Checks for protocols without a plan of their own: the format, then the protocol's preflight. */
async function genericChecks(protocol: UpdateProtocol, image: ImageOnDisk, device: Device): Promise<PreflightCheck[]> {
  const { info } = image;
  const label = `Image ${PROTOCOL_LABELS[protocol.id]} takes`;
  if (info.problem) return [check('format', label, 'fail', info.problem)];
  if (!info.pushableWith.includes(protocol.id)) {
    const what =
      info.format === 'esp8266-ota-pair'
        ? 'a user1/user2 pair, which only esp-link boards take'
        : withArticle(info.formatLabel);
    return [
      check(
        'format',
        label,
        'fail',
        `This file is ${what}; ${withArticle(PROTOCOL_LABELS[protocol.id])} board cannot take it.`,
      ),
    ];
  }
  const checks = [check('format', label, 'pass', `${info.formatLabel}.`)];
  const refusal = await protocol.preflight?.(image, { arch: device.arch });
  if (refusal) checks.push(check('device', 'Matches the board', 'fail', refusal));
  return checks;
}

export function verdictOf(checks: PreflightCheck[]): Pick<PushPlan, 'verdict' | 'message'> {
  const final = checks.find((c) => c.status === 'fail' && !c.overridable);
  if (final) return { verdict: 'refused', message: final.detail };
  const soft = checks.find((c) => c.status === 'fail');
  if (soft) return { verdict: 'needs-override', message: soft.detail };
  return { verdict: 'ready', message: null };
}

/** The verdict of these checks, and the fingerprint "Push anyway" names this plan by. */
export function judgePlan(
  checks: PreflightCheck[],
  plan: Pick<PushPlan, 'deviceId' | 'imageId'>,
): Pick<PushPlan, 'verdict' | 'message' | 'fingerprint'> {
  return {
    ...verdictOf(checks),
    fingerprint: planFingerprint({ deviceId: plan.deviceId, imageId: plan.imageId, checks }),
  };
}

export async function planPush(
  protocol: UpdateProtocol,
  image: ImageOnDisk,
  device: Device,
  target: Target | null,
  signal?: AbortSignal,
): Promise<PlannedPush> {
  let protocolPlan: ProtocolPlan | null = null;
  let checks: PreflightCheck[];
  if (!target) {
    checks = [check('board', 'Board reachable', 'fail', `${device.name} has no known address; is it online?`)];
  } else if (protocol.plan) {
    try {
      protocolPlan = await protocol.plan({ image, device, target, signal });
      checks = protocolPlan.checks;
    } catch (error) {
      if (!(error instanceof UpdateError) || error.code === 'cancelled') throw error;
      checks = [
        check(
          'board',
          'Board answers',
          'fail',
          `${error.message}${error.deviceMessage ? ` (it said: "${error.deviceMessage}")` : ''}`,
        ),
      ];
    }
  } else {
    checks = await genericChecks(protocol, image, device);
  }
  if (target) {
    const forced = await forcedProtocolCheck(protocol, device, target, signal);
    const password = await passwordCheck(protocol, device, target, signal);
    checks = [...(forced ? [forced] : []), ...checks, ...(password ? [password] : [])];
  }
  const send = protocolPlan?.send ?? image;
  const { info } = send;

  // Test-then-commit firmware (Mongoose OS) takes no update while one is uncommitted: ask before sending.
  const reachable = !checks.some((c) => c.id === 'board' && c.status === 'fail');
  const commitCheck = target && reachable ? await commitStateCheck(protocol, device, target, signal) : null;
  if (commitCheck) checks = [...checks, commitCheck];
  return {
    send,
    protocolPlan,
    plan: {
      deviceId: device.id,
      imageId: image.info.imageId,
      protocol: protocol.id,
      send: { imageId: info.imageId, fileName: info.fileName, size: info.size, sha256: info.sha256 },
      reason: protocolPlan?.reason ?? null,
      slots: protocolPlan?.slots ?? null,
      imageSlots: null,
      checks,
      ...judgePlan(checks, { deviceId: device.id, imageId: image.info.imageId }),
    },
  };
}
