// Reads one fact of an inspected image by label, failing loudly when the inspector did not report it.
import type { ImageFact } from '../../../shared/domain.ts';

export function factValue(info: { facts: ImageFact[] }, label: string): string {
  const found = info.facts.find((f) => f.label === label);
  if (!found) throw new Error(`no fact "${label}"; facts: ${info.facts.map((f) => f.label).join(', ')}`);
  return found.value;
}
