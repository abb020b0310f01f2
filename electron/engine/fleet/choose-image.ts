// A member's turn, before its job: leave it out (offline, already on that version, no file for it)
// or pick the image it gets. Among the run's images, the candidates are those its protocol takes;
// with several, the same plan as a single push decides (the first that is ready). A board that could
// take a file is pushed even when the plan refuses it: its job plans again right before sending,
// fails with the failing check in its own words, and the history keeps a row for it.
import type { Device, ImageInfo, PushPlan } from '../../../shared/domain.ts';
import type { Credentials, PlanOptions } from '../engine-api.ts';
import { alreadyRuns, noFileFor, offlineWhenItsTurnCame } from './fleet-messages.ts';

export type MemberChoice =
  { kind: 'push'; image: ImageInfo } | { kind: 'skip'; image: ImageInfo | null; message: string };

export interface ChoiceRules {
  skipOffline: boolean;
  onlyOutdated: boolean;
  credentials?: Credentials;
}

type Planner = (deviceId: string, imageId: string, signal?: AbortSignal, options?: PlanOptions) => Promise<PushPlan>;

const VERDICT_RANK: Record<PushPlan['verdict'], number> = { ready: 0, 'needs-override': 1, refused: 2 };

export async function chooseImage(
  device: Device,
  images: readonly ImageInfo[],
  rules: ChoiceRules,
  planPush: Planner,
  signal: AbortSignal,
): Promise<MemberChoice> {
  const candidates = images.filter((image) => image.problem === null && image.pushableWith.includes(device.protocol));
  // The file it would have got is still worth showing on its row.
  if (rules.skipOffline && !device.online)
    return { kind: 'skip', image: candidates[0] ?? null, message: offlineWhenItsTurnCame() };
  if (candidates.length === 0) return { kind: 'skip', image: null, message: noFileFor(device.protocol) };
  // The board's own report, as discovery has it: nothing to ask it when every candidate is that version.
  const current = device.firmwareVersion;
  const outdated = rules.onlyOutdated && current ? candidates.filter((image) => image.version !== current) : candidates;
  if (outdated.length === 0) return { kind: 'skip', image: candidates[0]!, message: alreadyRuns(current!) };
  // One candidate, or a board that is offline: nothing to choose; the job tries and says why it fails.
  if (outdated.length === 1 || !device.online) return { kind: 'push', image: outdated[0]! };

  let best: { image: ImageInfo; rank: number } | null = null;
  for (const image of outdated) {
    const plan = await planPush(device.id, image.imageId, signal, { credentials: rules.credentials });
    const rank = VERDICT_RANK[plan.verdict];
    if (rank === 0) return { kind: 'push', image };
    if (!best || rank < best.rank) best = { image, rank };
  }
  return { kind: 'push', image: best!.image };
}
