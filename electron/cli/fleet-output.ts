// What a fleet run prints. Human: one line per board as its phase changes (its percent at most every
// few seconds, not a flood), then a table and the totals. `--json`: every event names its board
// (`deviceId`) and run (`fleetId`); one `result` line per board, as a single push ends with, then a
// `summary` line that adds up to the number of boards.
import type { Device, Job } from '../../shared/domain.ts';
import { FLEET_MEMBER_TERMINAL, type FleetMember, type FleetRun } from '../../shared/fleet.ts';
import type { FinalResult, Output } from './output.ts';
import {
  OUTCOME_WORDS,
  outcomeLine,
  phaseWords,
  progressWords,
  totalsLine,
  uncommittedInRun,
  versionChange,
  type FleetOutcome,
  type FleetSummary,
} from './fleet-messages.ts';
import { credentialsHint } from './messages.ts';

/** How often one board's transfer is reported: human lines, JSON `progress` events. */
export const PROGRESS_EVERY_MS = { human: 5000, json: 1000 } as const;

/** A board named with --to that could not be found, left out (--skip-offline) before the run. */
export interface UnfoundBoard {
  ref: string;
  message: string;
}

export interface FleetResult extends FinalResult {
  deviceId: string | null;
  fleetId: string | null;
  outcome: FleetOutcome;
}

/** A member's end as the summary counts it; one still waiting for a decision was left uncommitted (a success). */
function outcomeOf(member: FleetMember): FleetOutcome {
  if (member.state === 'awaiting-commit') return 'succeeded';
  if (FLEET_MEMBER_TERMINAL.includes(member.state)) return member.state as FleetOutcome;
  return 'cancelled';
}

export class FleetReporter {
  private fleetId: string | null = null;
  private readonly members = new Map<string, FleetMember>();
  /** The latest job of each board, by device id. */
  private readonly jobs = new Map<string, Job>();
  private readonly phases = new Map<string, string>();
  private readonly jobStates = new Map<string, string>();
  private readonly progressAt = new Map<string, number>();
  private readonly shownLog = new Set<string>();
  private readonly devices: Map<string, Device>;
  private readonly out: Output;
  private readonly now: () => number;
  private readonly nameWidth: number;

  /** --user/--password were given: a refused password says to check them rather than to give them. */
  private readonly credentialsGiven: boolean;

  constructor(out: Output, devices: Device[], options: { now?: () => number; credentialsGiven?: boolean } = {}) {
    this.out = out;
    this.credentialsGiven = options.credentialsGiven ?? false;
    const now = options.now ?? Date.now;
    this.now = now;
    this.devices = new Map(devices.map((d) => [d.id, d]));
    this.nameWidth = Math.min(24, Math.max(0, ...devices.map((d) => d.name.length)));
  }

  /** The run as fleetChanged reports it (the first run seen is this CLI's own). */
  runChanged(run: FleetRun): void {
    if (this.fleetId && run.id !== this.fleetId) return;
    this.fleetId = run.id;
    for (const member of run.members) {
      const before = this.members.get(member.deviceId);
      this.members.set(member.deviceId, member);
      const changed =
        !before ||
        before.state !== member.state ||
        before.jobId !== member.jobId ||
        before.message !== member.message ||
        before.imageId !== member.imageId;
      if (!changed) continue;
      this.out.event('member', { fleetId: run.id, ...member });
      this.showPhase(member);
    }
  }

  /** A job of one of the run's boards changed: its phase, its progress, its log (JSON). */
  jobChanged(job: Job): void {
    if (!this.devices.has(job.deviceId)) return;
    const member = this.members.get(job.deviceId);
    if (member?.jobId && member.jobId !== job.id) return; // an earlier attempt's late event
    this.jobs.set(job.deviceId, job);
    const ids = { fleetId: this.fleetId, deviceId: job.deviceId, jobId: job.id };
    for (const entry of job.log) {
      const key = `${job.id}|${entry.at}|${entry.text}`;
      if (this.shownLog.has(key)) continue;
      this.shownLog.add(key);
      this.out.event('log', { ...ids, at: entry.at, text: entry.text });
    }
    if (this.jobStates.get(job.id) !== job.state) {
      this.jobStates.set(job.id, job.state);
      this.progressAt.set(job.id, this.now());
      this.out.event('job', {
        ...ids,
        state: job.state,
        at: job.stateSince,
        progress: job.progress,
        commitDeadline: job.commitDeadline,
        mode: job.mode,
        link: job.link,
      });
      if (member) this.showPhase(member);
      return;
    }
    if (job.state !== 'transferring') return;
    const every = this.out.json ? PROGRESS_EVERY_MS.json : PROGRESS_EVERY_MS.human;
    if (this.now() - (this.progressAt.get(job.id) ?? 0) < every) return;
    this.progressAt.set(job.id, this.now());
    this.out.event('progress', { ...ids, ...job.progress, link: job.link });
    this.boardLine(job.deviceId, `sending ${progressWords(job)}`);
  }

  /** One result line per board (in the run's order), then the boards left out before it, then the summary. */
  finish(run: FleetRun | null, unfound: UnfoundBoard[] = []): { results: FleetResult[]; summary: FleetSummary } {
    if (run) this.runChanged(run);
    const results = [...this.members.values()].map((m) => this.resultOf(m));
    for (const board of unfound) {
      results.push({
        state: 'skipped',
        result: 'skipped',
        outcome: 'skipped',
        message: board.message,
        fromVersion: null,
        toVersion: null,
        deviceId: null,
        deviceName: board.ref,
        fleetId: this.fleetId,
      });
    }
    const count = (outcome: FleetOutcome) => results.filter((r) => r.outcome === outcome).length;
    const summary: FleetSummary = {
      succeeded: count('succeeded'),
      failed: count('failed'),
      rolledBack: count('rolled-back'),
      skipped: count('skipped'),
      cancelled: count('cancelled'),
    };
    for (const result of results) this.out.event('result', result);
    if (!this.out.json) this.printTable(results);
    this.out.event('summary', { fleetId: this.fleetId, deviceId: null, ...summary, boards: results.length });
    this.out.line(totalsLine(summary));
    return { results, summary };
  }

  private resultOf(member: FleetMember): FleetResult {
    const job = member.jobId ? this.jobs.get(member.deviceId) : undefined;
    const outcome = outcomeOf(member);
    const common = {
      outcome,
      deviceId: member.deviceId,
      deviceName: member.deviceName,
      fleetId: this.fleetId,
      fileName: member.fileName,
      attempt: member.attempt,
    };
    if (job && job.id === member.jobId) {
      const uncommitted = job.state === 'awaiting-commit' && outcome === 'succeeded';
      const fallback = outcome === 'succeeded' ? 'success' : outcome === 'cancelled' ? 'cancelled' : 'update-failed';
      const authHint =
        job.result?.code === 'auth-failed' ? ` ${credentialsHint(this.credentialsGiven, job.protocol)}` : '';
      return {
        ...common,
        state: job.state,
        result: job.result?.code ?? fallback,
        message: uncommitted
          ? uncommittedInRun(job)
          : `${member.message ?? job.result?.message ?? OUTCOME_WORDS[outcome]}${authHint}`,
        deviceMessage: job.result?.deviceMessage ?? null,
        fromVersion: job.fromVersion,
        toVersion: job.toVersion,
        jobId: job.id,
      };
    }
    // Nothing was sent: skipped, cancelled before its turn, or refused by its plan.
    return {
      ...common,
      state: outcome === 'failed' ? 'refused' : outcome,
      result: outcome === 'failed' ? 'update-failed' : outcome,
      message: member.message ?? OUTCOME_WORDS[outcome],
      deviceMessage: null,
      fromVersion: this.devices.get(member.deviceId)?.firmwareVersion ?? null,
      toVersion: null,
      jobId: member.jobId,
    };
  }

  private showPhase(member: FleetMember): void {
    if (FLEET_MEMBER_TERMINAL.includes(member.state)) {
      const key = `end|${member.attempt}|${member.state}`;
      if (this.phases.get(member.deviceId) === key) return;
      this.phases.set(member.deviceId, key);
      const result = this.resultOf(member);
      this.boardLine(
        member.deviceId,
        outcomeLine(result.outcome, result.message, result.deviceMessage as string | null),
      );
      return;
    }
    const job = this.jobs.get(member.deviceId);
    // The run's changes are coalesced, its jobs' are not: a job that works means its board runs.
    const state = job && (member.state === 'waiting' || member.state === 'planning') ? 'running' : member.state;
    const words = phaseWords(state, job, member.fileName ?? job?.image.fileName ?? null);
    if (!words || this.phases.get(member.deviceId) === words) return;
    this.phases.set(member.deviceId, words);
    this.boardLine(member.deviceId, words);
  }

  private boardLine(deviceId: string, text: string): void {
    const name = this.members.get(deviceId)?.deviceName ?? this.devices.get(deviceId)?.name ?? deviceId;
    this.out.line(`  ${name.padEnd(this.nameWidth)}  ${text}`);
  }

  private printTable(results: FleetResult[]): void {
    const rows = results.map((r) => [
      String(r.deviceName ?? r.deviceId ?? ''),
      String(r.fileName ?? '—'),
      OUTCOME_WORDS[r.outcome],
      versionChange(r.fromVersion, r.toVersion, typeof r.jobId === 'string'),
      r.message,
    ]);
    const header = ['BOARD', 'FILE', 'RESULT', 'VERSION', 'MESSAGE'];
    const widths = header.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((row) => row[i]!.length))));
    const format = (row: string[]) =>
      row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
    this.out.line('');
    this.out.line(format(header));
    for (const row of rows) this.out.line(format(row));
  }
}
