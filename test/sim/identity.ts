// Stable, readable identities for simulated boards, derived from their first address so that a
// bench is the same every run: 127.0.0.10 → MAC 24:0A:C4:00:00:0A (an Espressif OUI).
export function macFromAddress(address: string, oui = '240AC4'): string {
  const tail = address
    .split('.')
    .slice(1)
    .map((octet) => Number(octet).toString(16).padStart(2, '0'));
  return (oui + tail.join('')).toUpperCase().slice(0, 12);
}
