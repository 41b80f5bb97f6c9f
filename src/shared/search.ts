// How people are searched for, everywhere (the worklist, the patient pickers, the all-days search):
// accents and case are folded ("muller" finds "Müller", "garcia" finds "García"), punctuation is
// ignored ("obrien" finds "O'Brien", "lopez garcia" finds "López-García") and so is word order
// ("Grace Okonkwo" finds "Okonkwo, Grace"). Pure: the core's search (in memory and in SQLite, as
// a registered function) and the renderer use this one file, so they can never disagree.

/** Letters that Unicode does not decompose into a base letter plus an accent. */
const SPECIAL: Record<string, string> = {
  ß: 'ss',
  ẞ: 'ss',
  ø: 'o',
  Ø: 'o',
  ł: 'l',
  Ł: 'l',
  đ: 'd',
  Đ: 'd',
  ð: 'd',
  Ð: 'd',
  þ: 'th',
  Þ: 'th',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  ı: 'i',
  ħ: 'h',
  Ħ: 'h',
};
const SPECIAL_RE = new RegExp(`[${Object.keys(SPECIAL).join('')}]`, 'g');

/** Apostrophes join (O'Brien, D’Souza); every other non-letter, non-digit separates words. */
const APOSTROPHES = /['’‘`´ʼ]/g;
const SEPARATORS = /[^\p{L}\p{N}]+/gu;
const MARKS = /\p{M}+/gu;

/** Folded words of a text: lower case, no accents, no punctuation, single spaces. */
export function foldForSearch(text: string | null | undefined): string {
  if (!text) return '';
  return text
    .normalize('NFKD')
    .replace(MARKS, '')
    .replace(SPECIAL_RE, (c) => SPECIAL[c] ?? c)
    .toLowerCase()
    .replace(APOSTROPHES, '')
    .replace(SEPARATORS, ' ')
    .trim();
}

/** The query's folded words; empty when it has none (then everything matches). */
export function searchTokens(query: string | null | undefined): string[] {
  const folded = foldForSearch(query);
  return folded === '' ? [] : folded.split(' ');
}

/**
 * A predicate for one query: true when every word of the query occurs in one of the fields (in
 * any order; within a field, words may be written apart or together: "p 55" finds "P55").
 */
export function makeSearch(query: string | null | undefined): (fields: readonly (string | null | undefined)[]) => boolean {
  const tokens = searchTokens(query);
  if (tokens.length === 0) return () => true;
  return (fields) => {
    const folded = fields.map(foldForSearch).filter((f) => f !== '');
    const compact = folded.map((f) => f.replace(/ /g, ''));
    return tokens.every((t) => compact.some((f) => f.includes(t)));
  };
}

/** One-off form of makeSearch. */
export const matchesSearch = (query: string | null | undefined, fields: readonly (string | null | undefined)[]): boolean => makeSearch(query)(fields);
