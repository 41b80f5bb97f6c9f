// Which eye, from words. A guess is only made when the words name one eye and nothing else.
import type { Laterality } from '../../../shared/domain.ts';

// The file-name rules' eye words live with the rules (shared, so the rules screen uses them too).
export { eyeValueToLaterality } from '../../../shared/filename-rules.ts';

// Whole words only: "OD"/"OS" in capitals (lower-case "os"/"od" are ordinary words in several
// languages), "right eye"/"left eye" and the Latin names in any case. Digits and letters around a
// token make it part of another word; '_' and '-' do not (file-like captions: "img_OD_1").
const RIGHT_PATTERNS = [/(?<![A-Za-z0-9])OD(?![A-Za-z0-9])/, /(?<![a-z0-9])(right[\s_-]*eye|oculus[\s_-]+dexter)(?![a-z0-9])/i];
const LEFT_PATTERNS = [/(?<![A-Za-z0-9])OS(?![A-Za-z0-9])/, /(?<![a-z0-9])(left[\s_-]*eye|oculus[\s_-]+sinister)(?![a-z0-9])/i];
const BOTH_PATTERNS = [/(?<![A-Za-z0-9])OU(?![A-Za-z0-9])/, /(?<![a-z0-9])both[\s_-]+eyes(?![a-z0-9])/i];

/** Laterality named in free text (captions, comments), or null when absent or ambiguous. */
export function lateralityFromText(texts: ReadonlyArray<string | null | undefined>): Laterality | null {
  let right = false;
  let left = false;
  for (const text of texts) {
    if (!text) continue;
    if (BOTH_PATTERNS.some((p) => p.test(text))) return null;
    right ||= RIGHT_PATTERNS.some((p) => p.test(text));
    left ||= LEFT_PATTERNS.some((p) => p.test(text));
  }
  if (right === left) return null; // neither, or both: not a fact
  return right ? 'OD' : 'OS';
}
