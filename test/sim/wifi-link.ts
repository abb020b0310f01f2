// Makes the private network namespace carry TCP the way a board on Wi-Fi sees it, so what the
// uploader reports is what a user would see: an Ethernet/Wi-Fi MTU on loopback (with loopback's
// 64 KiB MTU the sender's kernel would buffer a megabyte and any progress count would run far
// ahead) and the small receive window of lwIP on an ESP (TCP_WND = 4 × 1436 = 5744 bytes). Linux
// cannot set SO_RCVBUF from Node, so the window is the namespace's `net.ipv4.tcp_rmem`: it applies
// to every TCP socket opened afterwards in this namespace, the uploader's too, which only receives
// short answers. Idempotent; only ever inside the namespace run-in-netns.js made (root there).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { assertPrivateNetwork } from '../support/netns-guard.ts';

export const ESP_RECEIVE_WINDOW = 5744;
const WIFI_MTU = 1500;
const RMEM = `4096 ${ESP_RECEIVE_WINDOW} ${ESP_RECEIVE_WINDOW}`;

let applied = false;

export function emulateWifiLink(): void {
  if (applied) return;
  assertPrivateNetwork('the Wi-Fi link emulation');
  applied = true;
  try {
    const rmemPath = '/proc/sys/net/ipv4/tcp_rmem';
    if (readFileSync(rmemPath, 'utf8').trim().split(/\s+/).join(' ') !== RMEM) writeFileSync(rmemPath, RMEM);
    const mtu = Number(readFileSync('/sys/class/net/lo/mtu', 'utf8'));
    if (mtu !== WIFI_MTU) execFileSync('ip', ['link', 'set', 'lo', 'mtu', String(WIFI_MTU)], { stdio: 'pipe' });
  } catch (error) {
    // The boards still work, only with loopback's buffers: progress figures will not be realistic.
    console.warn(
      `[sim] cannot give the namespace a Wi-Fi-like link (${(error as Error).message.split('\n')[0]}); simulated boards get loopback's large TCP buffers.`,
    );
  }
}
