// The station's one search rule (shared/search.ts): accents, case, punctuation and word order do
// not matter, and patient IDs may be typed with or without their spaces.
import { describe, expect, it } from 'vitest';
import { foldForSearch, matchesSearch, searchTokens } from '../../src/shared/search.ts';

const name = (query: string, ...names: string[]) => names.map((n) => matchesSearch(query, [n]));

describe('search folding', () => {
  it('finds accented names typed without accents, in any case', () => {
    expect(matchesSearch('muller', ['Müller, Anna'])).toBe(true);
    expect(matchesSearch('garcia', ['García Lorca, Federico'])).toBe(true);
    expect(matchesSearch('MULLER', ['Müller'])).toBe(true);
    expect(matchesSearch('müller', ['Muller'])).toBe(true);
    expect(matchesSearch('sao joao', ['São João'])).toBe(true);
  });

  it('ignores word order and the comma of "Family, Given"', () => {
    expect(matchesSearch('Grace Okonkwo', ['Okonkwo, Grace'])).toBe(true);
    expect(matchesSearch('okonkwo grace', ['Grace Okonkwo'])).toBe(true);
    expect(matchesSearch('Grace Smith', ['Okonkwo, Grace'])).toBe(false);
  });

  it('folds letters that have no accent to strip: ß, ø, Ł, æ', () => {
    expect(name('strasse', 'Straße, Jens')).toEqual([true]);
    expect(name('soren', 'Søren Kierkegaard')).toEqual([true]);
    expect(name('lodz', 'Łódź, Ewa')).toEqual([true]);
    expect(name('wojciech lukasz', 'Łukasz, Wojciech')).toEqual([true]);
    expect(name('aero nils', 'Ærø, Nils')).toEqual([true]);
    expect(foldForSearch('Straße Øster Łukasz')).toBe('strasse oster lukasz');
  });

  it('treats hyphens as word breaks and apostrophes as nothing', () => {
    expect(matchesSearch('lopez garcia', ['López-García, María'])).toBe(true);
    expect(matchesSearch('lopez-garcia', ['López García, María'])).toBe(true);
    expect(matchesSearch('obrien', ["O'Brien, Sean"])).toBe(true);
    expect(matchesSearch("o'brien", ['O’Brien, Sean'])).toBe(true);
    expect(matchesSearch('o brien', ["O'Brien, Sean"])).toBe(true);
    expect(matchesSearch('dsouza', ['D’Souza, Priya'])).toBe(true);
  });

  it('matches patient IDs with or without spaces, and words across the searchable fields', () => {
    expect(matchesSearch('p 55', ['Someone', 'P55'])).toBe(true);
    expect(matchesSearch('P55', ['Someone', 'P 55'])).toBe(true);
    expect(matchesSearch('grace 40021', ['Okonkwo, Grace', '40021', null])).toBe(true);
    expect(matchesSearch('grace 40022', ['Okonkwo, Grace', '40021', null])).toBe(false);
  });

  it('an empty or punctuation-only query matches everything', () => {
    expect(searchTokens('  ,- ')).toEqual([]);
    expect(matchesSearch('', ['anything'])).toBe(true);
    expect(matchesSearch(' , ', [null])).toBe(true);
  });
});
