// The one question of a fleet run with `--commit prompt`: once nothing runs and healthy boards wait,
// "Commit all N healthy boards? [c]ommit all / [r]evert all / [w]ait". Asked again until it gets c, r
// or w, and given up when the run stops waiting (every window closed): a prompt must never outlive
// the question it asks.
import readline from 'node:readline/promises';
import { forTerminal, type Output } from './output.ts';
import { commitAllAnswerRefused } from './fleet-messages.ts';

export type CommitAllAnswer = 'commit' | 'revert' | 'wait';

export async function askCommitAll(
  out: Output,
  question: string,
  over: Promise<unknown>,
  onInterrupt: () => void,
): Promise<CommitAllAnswer | null> {
  // With --json the question goes to stderr: stdout carries only JSON lines.
  const screen = out.json ? process.stderr : process.stdout;
  const rl = readline.createInterface({ input: process.stdin, output: screen, terminal: Boolean(process.stdin.isTTY) });
  // In a terminal readline takes Ctrl-C itself: it cancels the run, as it does while boards are pushed.
  rl.on('SIGINT', onInterrupt);
  // The iterator queues lines: answers piped in ahead of the question are not lost.
  const lines = rl[Symbol.asyncIterator]();
  const ended = over.then(() => null);
  rl.setPrompt(forTerminal(question));
  try {
    for (;;) {
      if (!screen.destroyed) rl.prompt();
      const next = lines.next().then(
        (line) => (line.done ? null : String(line.value)),
        () => null,
      );
      const answer = await Promise.race([next, ended]);
      if (answer === null) {
        if (!screen.destroyed) screen.write('\n');
        return null;
      }
      const choice = answer.trim().toLowerCase();
      if (['c', 'commit'].includes(choice)) return 'commit';
      if (['r', 'revert'].includes(choice)) return 'revert';
      if (['w', 'wait'].includes(choice)) return 'wait';
      if (!screen.destroyed) screen.write(`${forTerminal(commitAllAnswerRefused(answer.trim()))}\n`);
    }
  } finally {
    rl.close();
  }
}
