// Byte and duration formatting for engine messages and the CLI (the renderer has its own copy of
// presentation helpers because it cannot import engine code).
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
}

/** `an HTML page`, `a UF2 file`, `an ESP8266 image`: the article goes by how the words are said. */
export function withArticle(words: string): string {
  return /^(?:[aeiouAEIO]|Un|HTML|XML|S-|MCU)/.test(words) ? `an ${words}` : `a ${words}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}` : `${s} s`;
}
