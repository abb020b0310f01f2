// The question addDevice asks before contacting an address outside the local network: a native
// dialog of the main process, which page script can neither draw nor answer (address-gate.ts).
import { dialog } from 'electron';
import type { BrowserWindow, MessageBoxOptions } from 'electron';
import type { ConfirmRemoteAddress } from './address-gate.ts';

/** Button indexes: Cancel is first and the default, so Enter or Esc does not contact anything. */
const CANCEL = 0;
const CONTACT = 1;

export function remoteAddressQuestion(host: string, port: number): MessageBoxOptions {
  const shown = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return {
    type: 'warning',
    title: 'Add a board outside your network?',
    message: `Contact ${shown}?`,
    detail:
      'This address is not on your local network. OTA Bench will send it HTTP requests to find out which firmware it runs. ' +
      'Continue only if you typed this address yourself.',
    buttons: ['Cancel', 'Contact it'],
    defaultId: CANCEL,
    cancelId: CANCEL,
    noLink: true,
  };
}

type ShowMessageBox = (win: BrowserWindow | null, options: MessageBoxOptions) => Promise<{ response: number }>;

const showMessageBox: ShowMessageBox = (win, options) =>
  win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options);

export function createRemoteAddressConfirm(
  getWindow: () => BrowserWindow | null,
  show: ShowMessageBox = showMessageBox,
): ConfirmRemoteAddress {
  return async ({ host, port }) => (await show(getWindow(), remoteAddressQuestion(host, port))).response === CONTACT;
}
