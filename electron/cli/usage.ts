// Command-line mistakes in our own words: node:util's parseArgs speaks of "positional arguments" and
// "'--to <value>' argument missing"; a newcomer should read what to type instead.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A mistake on the command line: exit status 2 and one sentence, no stack. */
export class UsageError extends Error {}

const STRING_OPTIONS = new Set([
  'timeout',
  'to',
  'protocol',
  'commit',
  'commit-timeout',
  'health-seconds',
  'reboot-timeout',
  'user',
  'password',
  'mode',
  'ota-port',
  'concurrency',
  'serial',
  'udp',
  'baud',
  'flow',
]);

/** One sentence for a parseArgs error (ERR_PARSE_ARGS_*), naming the option as the user typed it. */
export function optionErrorWords(error: Error & { code?: string }): string {
  const option = /'(-{1,2}[^' ,]+)/.exec(error.message)?.[1] ?? '';
  const name = option.replace(/^-+/, '');
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `there is no option ${option || 'like that'}. See ota-bench --help.`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return STRING_OPTIONS.has(name)
        ? `${option} needs a value (${option} VALUE). See ota-bench --help.`
        : `${option} is a switch and takes no value. See ota-bench --help.`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument. See ota-bench --help.`;
    default:
      return `${error.message.split('\n')[0]} See ota-bench --help.`;
  }
}

/**
 * The version in package.json. This file runs from electron/cli/ (sources) or dist/cli/ (the
 * prebuilt CLI): both are two folders below the package root.
 */
export function packageVersion(): string {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
