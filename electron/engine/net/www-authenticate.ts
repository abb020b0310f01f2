// Parses a WWW-Authenticate header (RFC 9110 §11.6.1) into challenges. Boards and anything posing
// as one can send anything here, so this is a single linear scan with hard limits (no regular
// expressions that can backtrack), quoted strings with backslash escapes, several challenges in one
// header, and a duplicate or malformed parameter ends the parse instead of guessing.

export interface Challenge {
  /** Lower-cased auth scheme: `basic`, `digest`, … */
  scheme: string;
  /** Lower-cased parameter names; values unquoted. No prototype, so `__proto__` is just a name. */
  params: Record<string, string>;
  /** The token68 form (`Negotiate abc==`), when the scheme uses it instead of parameters. */
  token68?: string;
}

const MAX_HEADER = 8192;
const MAX_CHALLENGES = 16;
const MAX_PARAMS = 32;

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[-._~+/0-9A-Za-z]/;
const isSpace = (c: string | undefined) => c === ' ' || c === '\t';

/** Every challenge in the header (or headers, joined or as an array); [] for nothing usable. */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const text = Array.isArray(header) ? header.join(', ') : header;
  if (text.length > MAX_HEADER) return [];
  const out: Challenge[] = [];
  let i = 0;
  let current: Challenge | null = null;

  const skipSpace = () => {
    while (isSpace(text[i])) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < text.length && TCHAR.test(text[i]!)) i++;
    return text.slice(start, i);
  };
  const quoted = (): string | null => {
    // At the opening quote; returns null when the string never closes.
    i++;
    let value = '';
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return value;
      }
      if (c === '\\' && i + 1 < text.length) {
        value += text[i + 1];
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    return null;
  };

  while (i < text.length) {
    skipSpace();
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (i >= text.length) break;
    const name = token();
    if (name === '') break; // a character no token or separator may hold: stop, keep what parsed
    skipSpace();
    if (text[i] === '=' && current && !token68Ahead(text, i)) {
      // auth-param of the current challenge
      i++;
      skipSpace();
      const value = text[i] === '"' ? quoted() : token();
      if (value === null) break;
      const key = name.toLowerCase();
      if (Object.hasOwn(current.params, key) || Object.keys(current.params).length >= MAX_PARAMS) {
        out.pop(); // RFC 7235: each parameter name only once; a repeated one makes the challenge void
        break;
      }
      current.params[key] = value;
      continue;
    }
    // A new challenge: `scheme`, maybe followed by token68 or by its first parameter.
    if (out.length >= MAX_CHALLENGES) break;
    current = { scheme: name.toLowerCase(), params: Object.create(null) as Record<string, string> };
    out.push(current);
    const token68 = readToken68(text, i);
    if (token68) {
      current.token68 = token68.value;
      i = token68.end;
      current = null;
    }
  }
  return out;
}

/** `name=` followed by `=`s and then the end or a comma: the tail of a token68, not a parameter. */
function token68Ahead(text: string, at: number): boolean {
  let j = at;
  while (text[j] === '=') j++;
  while (isSpace(text[j])) j++;
  return j > at + 1 && (j >= text.length || text[j] === ',');
}

function readToken68(text: string, start: number): { value: string; end: number } | null {
  let j = start;
  while (j < text.length && TOKEN68_CHAR.test(text[j]!)) j++;
  if (j === start) return null;
  while (text[j] === '=') j++;
  const end = j;
  while (isSpace(text[j])) j++;
  // `realm=x` is a parameter (one `=` then a value); `abc==` or `abc` alone is token68.
  if (j < text.length && text[j] !== ',') return null;
  return { value: text.slice(start, end), end };
}
