// Which waiting members may start now. Pure: the run asks it after every change. At most
// `concurrency` members hold a slot (planning or running; a board waiting for "Commit all healthy"
// holds none); members that need a shared resource (Bluetooth boards share the one radio, ArduinoOTA
// boards a fixed connect-back port) go one at a time across every run; a staged run's pilot goes
// alone until it has proved healthy; a stopped or cancelled run starts nothing.
import type { FleetMember } from '../../../shared/fleet.ts';
import { holdsSlot } from './fleet-totals.ts';

export interface SchedulerView {
  members: readonly FleetMember[];
  concurrency: number;
  /** False once the run stopped (stop on failure, a failed pilot) or was cancelled. */
  mayStart: boolean;
  /** Staged rollout whose pilot has not proved healthy yet. */
  pilotPending: boolean;
  /** The shared resource a member needs exclusively, or null (fleet-resources.ts). */
  resourceOf(member: FleetMember): string | null;
  /** Resources held now, by this run or any other. */
  busyResources: ReadonlySet<string>;
}

/** Indexes into `members` to start now, in the run's order. */
export function membersToStart(view: SchedulerView): number[] {
  if (!view.mayStart) return [];
  let active = view.members.filter((m) => holdsSlot(m.state)).length;
  if (view.pilotPending) {
    const pilot = view.members.findIndex((m) => m.pilot);
    const alone = active === 0 && pilot >= 0 && view.members[pilot]!.state === 'waiting';
    return alone && free(view, view.members[pilot]!, view.busyResources) ? [pilot] : [];
  }
  const taken = new Set(view.busyResources);
  const starts: number[] = [];
  view.members.forEach((member, index) => {
    if (member.state !== 'waiting' || active >= view.concurrency || !free(view, member, taken)) return;
    const resource = view.resourceOf(member);
    if (resource) taken.add(resource);
    starts.push(index);
    active++;
  });
  return starts;
}

function free(view: SchedulerView, member: FleetMember, taken: ReadonlySet<string>): boolean {
  const resource = view.resourceOf(member);
  return resource === null || !taken.has(resource);
}
