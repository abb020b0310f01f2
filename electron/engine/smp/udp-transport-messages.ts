// Sentences about an SMP-over-UDP link, for the job card and the CLI (udp-transport.ts).

/** "10.0.0.7:1337", "[fd00::7]:1337". */
export function udpEndpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** ICMP port unreachable came back: the host is there, nothing listens on the SMP port. */
export function udpNothingAnswers(address: string, port: number): string {
  return (
    `nothing answers SMP on ${address} port ${port}: is CONFIG_MCUMGR_TRANSPORT_UDP enabled ` +
    'and the board on the network?'
  );
}

export function udpHostNotFound(host: string, reason: string): string {
  return `the board's address ${host} could not be resolved (${reason})`;
}

export function udpOpenTimedOut(host: string, seconds: number): string {
  return `resolving ${host} took longer than ${seconds.toFixed(1)} s`;
}

export function udpSocketFailed(endpoint: string, reason: string): string {
  return `the UDP socket to ${endpoint} failed: ${reason}`;
}

export function udpClosed(endpoint: string): string {
  return `the UDP link to ${endpoint} was closed`;
}

export const UDP_OPEN_CANCELLED = 'opening the UDP link was cancelled';
