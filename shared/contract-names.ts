// The names of the IPC contract, without zod. The sandboxed preload imports this file: a sandboxed
// preload may only require 'electron', so nothing here may pull in a dependency. contract.ts
// re-exports all of it and ties `commandNames` to its schemas (`satisfies Record<CommandName, …>`).
const commandNameList = [
  'listDevices',
  'addDevice',
  'deviceStatus',
  'setSerialPort',
  'getDiscoveryStatus',
  'openImageDialog',
  'openFolderDialog',
  'inspectDroppedFiles',
  'planPush',
  'listJobs',
  'push',
  'cancelJob',
  'commitJob',
  'revertJob',
  'dismissJob',
  'commitDevice',
  'revertDevice',
  'imageSlotAction',
  'savedCredentials',
  'forgetCredentials',
  'startFleet',
  'listFleets',
  'cancelFleet',
  'retryFleet',
  'commitFleet',
  'dismissFleet',
  'listHistory',
  'historyEntry',
  'exportHistory',
  'reopenHistoryImage',
  'listInventory',
  'setDeviceNote',
] as const;
const eventNameList = ['devicesChanged', 'jobChanged', 'discoveryChanged', 'fleetChanged', 'historyChanged'] as const;

export type CommandName = (typeof commandNameList)[number];
export type EventName = (typeof eventNameList)[number];

export const commandNames: CommandName[] = [...commandNameList];
export const eventNames: EventName[] = [...eventNameList];

export const commandChannel = (name: CommandName): string => `ota-bench:${name}`;
export const eventChannel = (name: EventName): string => `ota-bench:event:${name}`;
export const subscriptionName = (name: EventName): `on${Capitalize<EventName>}` =>
  `on${name[0].toUpperCase()}${name.slice(1)}` as `on${Capitalize<EventName>}`;

/** Every key the preload may expose: used by the security test and the preload itself. */
export const exposedApiKeys: string[] = [...commandNames, ...eventNames.map(subscriptionName)];

/** Electron prefixes errors thrown by `ipcMain.handle` with "Error invoking remote method '…': Error: ". */
export function cleanIpcError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '');
}
