// decodeURIComponent throws URIError on a malformed percent-escape (`%zz`, a cut UTF-8 sequence).
// Hosts answer such a request with 400, schemas report a plain field problem: nothing may let the
// throw escape.

/** The decoded text, or null when `s` holds a malformed percent-escape. */
export function safeDecode(s: string): string | null {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}
