// Exact linking (issue 13 item 2): an image carrying the Study Instance UID of one of the station's
// orders links to it first, then accession / step id, then patient id.
import { describe, expect, it } from 'vitest';
import { emptyFacts, type ImageFacts } from '../../src/shared/domain.ts';
import { buildMatchIndex, indexOrder, matchImage, unindexOrder, type MatchOrder } from '../../src/main/core/worklist/matching.ts';
import { at, DAY, order } from '../fixtures/match-orders.ts';

const UID_ANNA = '2.25.100000000000000000000000000000000001';
const UID_BERT = '2.25.100000000000000000000000000000000002';
const UID_DONE = '2.25.100000000000000000000000000000000004';

const facts = (extra: Partial<ImageFacts>): ImageFacts => ({ ...emptyFacts(), format: 'dicom', takenAt: at(DAY), ...extra });

const orders: MatchOrder[] = [
  order('o-anna', 'P100', { studyInstanceUid: UID_ANNA, mwlAccessionNumber: 'A0000000001', mwlRequestedProcedureId: 'R0000000001', mwlStepId: 'S0000000001' }),
  order('o-bert', 'P200', { studyInstanceUid: UID_BERT, accessionNumber: 'ACC-2', mwlAccessionNumber: 'ACC-2', mwlStepId: 'S0000000002' }),
  order('o-done', 'P400', { status: 'complete', studyInstanceUid: UID_DONE }),
];

describe('matchImage: the Study Instance UID of a worklist item', () => {
  const index = buildMatchIndex(orders);

  it('links exactly by the UID (strong, rule "study-uid"), with the eye from the facts', () => {
    const r = matchImage(facts({ studyUid: UID_ANNA, patientId: 'P100', laterality: 'OD', lateralitySource: 'dicom-image' }), index);
    expect(r).toEqual({ orderId: 'o-anna', rule: 'study-uid', confidence: 'strong', eye: 'OD', needsLaterality: false, note: null });
  });

  it('a UID with DICOM padding (trailing NUL) is the same UID', () => {
    expect(matchImage(facts({ studyUid: `${UID_ANNA}\0` }), index).orderId).toBe('o-anna');
  });

  it('the UID wins over an accession number that names another order', () => {
    const r = matchImage(facts({ studyUid: UID_ANNA, accessionNumber: 'ACC-2' }), index);
    expect([r.orderId, r.rule]).toEqual(['o-anna', 'study-uid']);
  });

  it("the UID wins over a patient id that points to another order, and that is visible: weak, with a note", () => {
    const r = matchImage(facts({ studyUid: UID_ANNA, patientId: 'P200', patientIdSource: 'metadata' }), index);
    expect(r.orderId).toBe('o-anna');
    expect(r.rule).toBe('study-uid');
    expect(r.confidence).toBe('weak');
    expect(r.note).toMatch(/Study Instance UID.*another patient/);
    // Without the UID the same patient id goes to that patient's own order.
    expect(matchImage(facts({ patientId: 'P200', patientIdSource: 'metadata' }), index).orderId).toBe('o-bert');
  });

  it('a UID that is not one of ours (the camera made its own) falls through to accession, then patient id', () => {
    const own = '1.2.392.200036.9125.2.1234';
    const byAcc = matchImage(facts({ studyUid: own, accessionNumber: 'A0000000001' }), index);
    expect([byAcc.orderId, byAcc.rule, byAcc.confidence]).toEqual(['o-anna', 'accession', 'strong']);
    const byPatient = matchImage(facts({ studyUid: own, patientId: 'P200' }), index);
    expect([byPatient.orderId, byPatient.rule]).toEqual(['o-bert', 'patient-id']);
  });

  it("the served accession, requested procedure id and step id link like the provider's own", () => {
    expect(matchImage(facts({ accessionNumber: 'a0000000001' }), index).orderId).toBe('o-anna');
    expect(matchImage(facts({ scheduledStepId: 'S0000000001' }), index).orderId).toBe('o-anna');
    expect(matchImage(facts({ scheduledStepId: 'R0000000001' }), index).orderId).toBe('o-anna');
  });

  it('a UID naming a completed exam holds the image back instead of linking by patient id', () => {
    const r = matchImage(facts({ studyUid: UID_DONE, patientId: 'P100' }), index);
    expect(r.orderId).toBeNull();
    expect(r.note).toMatch(/already complete/);
  });

  it('two open orders with the same UID (a provider sent it twice) are not guessed between', () => {
    const twice = buildMatchIndex([...orders, order('o-copy', 'P100', { studyInstanceUid: UID_ANNA })]);
    const r = matchImage(facts({ studyUid: UID_ANNA }), twice);
    expect(r.orderId).toBeNull();
    expect(r.note).toMatch(/Several open exams/);
  });

  it('indexOrder / unindexOrder keep the UID key current', () => {
    const index2 = buildMatchIndex(orders);
    unindexOrder(index2, 'o-anna');
    expect(matchImage(facts({ studyUid: UID_ANNA }), index2).orderId).toBeNull();
    indexOrder(index2, orders[0]!);
    expect(matchImage(facts({ studyUid: UID_ANNA }), index2).orderId).toBe('o-anna');
  });
});
