// The engine's one word helper. Numbers are said by shared/format.ts, the one module the CLI, the
// engine and the UI share: import them from there.

/** `an HTML page`, `a UF2 file`, `an ESP8266 image`: the article goes by how the words are said. */
export function withArticle(words: string): string {
  return /^(?:[aeiouAEIO]|Un|HTML|XML|S-|MCU)/.test(words) ? `an ${words}` : `a ${words}`;
}
