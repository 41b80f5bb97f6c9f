import { describe, expect, it } from 'vitest';
import { emptyFacts, type ImageFacts } from '../../src/shared/domain.ts';
import {
  buildMatchIndex,
  indexOrder,
  matchImage,
  unindexOrder,
  type MatchFacts,
  type MatchOrder,
} from '../../src/main/core/worklist/matching.ts';
import { at, DAY, order } from '../fixtures/match-orders.ts';

const facts = (extra: Partial<ImageFacts> & Partial<MatchFacts>): ImageFacts & Partial<MatchFacts> => ({
  ...emptyFacts(),
  takenAt: at(DAY),
  ...extra,
});

const orders: MatchOrder[] = [
  order('o-anna', 'P100', { accessionNumber: 'ACC-1', scheduledStepId: 'SPS-1', externalOrderId: 'EXT-1' }),
  order('o-bert', 'p 200', { accessionNumber: 'ACC-2' }),
  order('o-carl', 'P300'),
  order('o-done', 'P400', { status: 'complete', accessionNumber: 'ACC-4' }),
  order('o-sent', 'P500', { status: 'sent' }),
];

describe('matchImage: the rules, most reliable first', () => {
  const index = buildMatchIndex(orders);

  it('1. a scheduled procedure step id in the metadata is a strong "accession" match', () => {
    const r = matchImage(facts({ scheduledStepId: 'sps-1', laterality: 'OD', lateralitySource: 'dicom-image' }), index);
    expect(r).toEqual({ orderId: 'o-anna', rule: 'accession', confidence: 'strong', eye: 'OD', needsLaterality: false, note: null });
  });

  it('1. the external order id (worklist item) is matched like a step id', () => {
    expect(matchImage(facts({ scheduledStepId: 'EXT-1' }), index).orderId).toBe('o-anna');
  });

  it('1. an accession number in the metadata is a strong "accession" match', () => {
    const r = matchImage(facts({ accessionNumber: ' acc-2 ' }), index);
    expect([r.orderId, r.rule, r.confidence]).toEqual(['o-bert', 'accession', 'strong']);
  });

  it('2. a patient id in the metadata that names one open exam is a strong "patient-id" match', () => {
    const r = matchImage(facts({ patientId: 'P 200' }), index);
    expect([r.orderId, r.rule, r.confidence]).toEqual(['o-bert', 'patient-id', 'strong']);
  });

  it('3. a patient id from the file-name rule is a weak "filename-rule" match', () => {
    const r = matchImage(facts({ patientId: 'P300', fileNameRuleMatched: true, laterality: 'OS', lateralitySource: 'filename' }), index);
    expect(r).toEqual({ orderId: 'o-carl', rule: 'filename-rule', confidence: 'weak', eye: 'OS', needsLaterality: false, note: null });
  });

  it('3. an accession number from the file-name rule is weak too', () => {
    const r = matchImage(facts({ accessionNumber: 'ACC-1', fileNameRuleMatched: true }), index);
    expect([r.orderId, r.rule, r.confidence]).toEqual(['o-anna', 'filename-rule', 'weak']);
  });

  it('3. the caller can say that the patient id came from the metadata even when a rule matched', () => {
    const r = matchImage(facts({ patientId: 'P300', fileNameRuleMatched: true, patientIdSource: 'metadata' }), index);
    expect([r.orderId, r.rule]).toEqual(['o-carl', 'patient-id']);
  });

  it('4. an image that says nothing goes to the exam marked "capturing now" (weak)', () => {
    const withCapturing = buildMatchIndex(orders, 'o-carl');
    const r = matchImage(facts({}), withCapturing);
    expect(r).toEqual({ orderId: 'o-carl', rule: 'capturing-now', confidence: 'weak', eye: null, needsLaterality: true, note: null });
  });

  it('otherwise the image is unassigned', () => {
    expect(matchImage(facts({}), index)).toEqual({
      orderId: null,
      rule: null,
      confidence: null,
      eye: null,
      needsLaterality: true,
      note: null,
    });
  });
});

describe('matchImage: precedence', () => {
  const index = buildMatchIndex(orders, 'o-carl');

  it('accession wins over patient id and capturing now', () => {
    // Same patient, two open exams: the accession number says which one.
    const twoExams = buildMatchIndex([...orders, order('o-anna-2', 'P100', { accessionNumber: 'ACC-9' })], 'o-carl');
    expect(matchImage(facts({ accessionNumber: 'ACC-9', patientId: 'P100' }), twoExams).orderId).toBe('o-anna-2');
  });

  it('a step id wins over an accession number', () => {
    expect(matchImage(facts({ scheduledStepId: 'SPS-1', accessionNumber: 'ACC-2' }), index).orderId).toBe('o-anna');
  });

  it('a metadata patient id wins over capturing now', () => {
    const r = matchImage(facts({ patientId: 'P200' }), index);
    expect([r.orderId, r.rule]).toEqual(['o-bert', 'patient-id']);
  });

  it('a file-name patient id wins over capturing now', () => {
    const r = matchImage(facts({ patientId: 'P200', fileNameRuleMatched: true }), index);
    expect([r.orderId, r.rule]).toEqual(['o-bert', 'filename-rule']);
  });

  it('an accession number that is not on the worklist falls through to the patient id', () => {
    const r = matchImage(facts({ accessionNumber: 'NOT-KNOWN', patientId: 'P200' }), index);
    expect([r.orderId, r.rule]).toEqual(['o-bert', 'patient-id']);
  });

  it('an unknown accession number alone still goes to capturing now, with a note', () => {
    const r = matchImage(facts({ accessionNumber: 'CAMERA-MADE-123' }), index);
    expect([r.orderId, r.rule]).toEqual(['o-carl', 'capturing-now']);
    expect(r.note).toMatch(/not on the worklist/);
  });
});

describe('matchImage: never guesses', () => {
  it('a patient with two open exams on different days and no hint stays unassigned', () => {
    const index = buildMatchIndex([order('a', 'P1', { scheduledAt: at('2025-02-20') }), order('b', 'P1', { scheduledAt: at('2025-02-27') })]);
    const r = matchImage(facts({ patientId: 'P1' }), index);
    expect([r.orderId, r.rule, r.confidence]).toEqual([null, null, null]);
    expect(r.note).toMatch(/several open exams/);
  });

  it('... but takes the one scheduled on the day the image was taken', () => {
    const index = buildMatchIndex([order('old', 'P1', { scheduledAt: at('2025-02-20') }), order('today', 'P1')]);
    expect(matchImage(facts({ patientId: 'P1' }), index).orderId).toBe('today');
  });

  it('... uses "now" for the day when the image has no capture time', () => {
    const index = buildMatchIndex([order('old', 'P1', { scheduledAt: at('2025-02-20') }), order('today', 'P1')]);
    const noTime = facts({ patientId: 'P1', takenAt: null });
    expect(matchImage(noTime, index, { now: new Date(at(DAY)) }).orderId).toBe('today');
    expect(matchImage(noTime, index, { now: new Date(at('2025-02-20')) }).orderId).toBe('old');
    expect(matchImage(noTime, index, { now: new Date(at('2025-01-01')) }).orderId).toBeNull();
  });

  it('... and two exams on the same day are ambiguous unless one is marked capturing now', () => {
    const twoToday = [order('a', 'P1'), order('b', 'P1')];
    expect(matchImage(facts({ patientId: 'P1' }), buildMatchIndex(twoToday)).orderId).toBeNull();
    const r = matchImage(facts({ patientId: 'P1' }), buildMatchIndex(twoToday, 'b'));
    expect([r.orderId, r.rule]).toEqual(['b', 'patient-id']);
  });

  it('an ambiguous patient id is not passed on to the "capturing now" exam of someone else', () => {
    const index = buildMatchIndex([order('a', 'P1'), order('b', 'P1'), order('c', 'P2')], 'c');
    expect(matchImage(facts({ patientId: 'P1' }), index).orderId).toBeNull();
  });

  it('an image naming a patient not on the worklist does not go to capturing now', () => {
    const index = buildMatchIndex(orders, 'o-carl');
    const r = matchImage(facts({ patientId: 'P999' }), index);
    expect(r.orderId).toBeNull();
    expect(r.note).toMatch(/not on the open worklist/);
    expect(matchImage(facts({ patientId: 'P999', fileNameRuleMatched: true }), index).orderId).toBeNull();
  });

  it('an accession number whose exam names another patient is a contradiction, not a match', () => {
    const r = matchImage(facts({ accessionNumber: 'ACC-1', patientId: 'P200' }), buildMatchIndex(orders));
    expect(r.orderId).toBeNull();
    expect(r.note).toMatch(/does not belong/);
  });

  it('an accession number shared by two open exams is not resolved by guessing', () => {
    const index = buildMatchIndex([order('a', 'P1', { accessionNumber: 'X' }), order('b', 'P2', { accessionNumber: 'X' })]);
    const r = matchImage(facts({ accessionNumber: 'X' }), index);
    expect(r.orderId).toBeNull();
    expect(r.note).toMatch(/Several open exams/);
  });

  it('an image naming a completed exam is held back with a note', () => {
    const index = buildMatchIndex(orders, 'o-carl');
    const r = matchImage(facts({ accessionNumber: 'ACC-4' }), index);
    expect(r.orderId).toBeNull();
    expect(r.note).toMatch(/already complete/);
    const byPatient = matchImage(facts({ patientId: 'P500' }), index);
    expect(byPatient.orderId).toBeNull();
    expect(byPatient.note).toMatch(/already complete/);
  });

  it('a "capturing now" exam that is no longer open is ignored', () => {
    expect(matchImage(facts({}), buildMatchIndex(orders, 'o-done')).orderId).toBeNull();
    expect(matchImage(facts({}), buildMatchIndex(orders, 'no-such-order')).orderId).toBeNull();
  });

  it('notes never contain identifiers from the image', () => {
    const index = buildMatchIndex([order('a', 'SECRET1'), order('b', 'SECRET1')]);
    const r = matchImage(facts({ patientId: 'SECRET1', accessionNumber: 'SECRET2' }), index);
    expect(r.note).not.toBeNull();
    expect(r.note).not.toMatch(/SECRET/);
  });
});

describe('matchImage: laterality is never guessed', () => {
  const index = buildMatchIndex(orders, 'o-carl');

  it('takes the eye from the facts (metadata or file-name rule)', () => {
    expect(matchImage(facts({ patientId: 'P100', laterality: 'OS', lateralitySource: 'dicom-image' }), index).eye).toBe('OS');
    expect(matchImage(facts({ laterality: 'OD', lateralitySource: 'filename', fileNameRuleMatched: true }), index).eye).toBe('OD');
  });

  it('asks for it when the facts have none, for strong, weak and unassigned results alike', () => {
    for (const f of [facts({ accessionNumber: 'ACC-1' }), facts({ patientId: 'P300', fileNameRuleMatched: true }), facts({})]) {
      const r = matchImage(f, index);
      expect(r.eye).toBeNull();
      expect(r.needsLaterality).toBe(true);
    }
    expect(matchImage(facts({ patientId: 'P999' }), index).needsLaterality).toBe(true);
  });
});

describe('the match index', () => {
  it('can be kept current one order at a time', () => {
    const index = buildMatchIndex(orders);
    indexOrder(index, order('o-new', 'P900', { accessionNumber: 'ACC-900' }));
    expect(matchImage(facts({ accessionNumber: 'ACC-900' }), index).orderId).toBe('o-new');
    // Completing Bert's exam: his images no longer match it.
    indexOrder(index, order('o-bert', 'P200', { accessionNumber: 'ACC-2', status: 'complete' }));
    expect(matchImage(facts({ patientId: 'P200' }), index).orderId).toBeNull();
    // An edit that changes the accession number drops the old key.
    indexOrder(index, order('o-new', 'P900', { accessionNumber: 'ACC-901' }));
    expect(matchImage(facts({ accessionNumber: 'ACC-900' }), index).orderId).toBeNull();
    unindexOrder(index, 'o-new');
    expect(matchImage(facts({ accessionNumber: 'ACC-901' }), index).orderId).toBeNull();
    expect(index.byPatientId.has('P900')).toBe(false);
  });

  it('answers correctly among 20,000 orders', () => {
    const many: MatchOrder[] = Array.from({ length: 20_000 }, (_, i) =>
      order(`o${i}`, `P${i}`, { accessionNumber: `A${i}`, scheduledAt: at(`2025-03-${String((i % 28) + 1).padStart(2, '0')}`) }),
    );
    const index = buildMatchIndex(many, 'o7');
    expect(index.orders.size).toBe(20_000);
    expect(matchImage(facts({ accessionNumber: 'A19999' }), index).orderId).toBe('o19999');
    expect(matchImage(facts({ patientId: 'p 12345' }), index).orderId).toBe('o12345');
    expect(matchImage(facts({}), index).orderId).toBe('o7');
  });
});
