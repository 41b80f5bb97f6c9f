// The worklist server's Pending responses (issue 13 benchmark): a day's list is hundreds of
// responses that differ only in their identifier, so they share one command set, encoded once;
// dcmjs-dimse would otherwise encode the same command set through dcmjs for each one (~0.4 ms each,
// most of the server's time for a list of 500). The bytes must be exactly what the library writes.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { MWL_FIND_SOP_CLASS, pendingResponses } from '../../src/main/core/worklist/mwl/scp-find.ts';

const dimse = createRequire(import.meta.url)('dcmjs-dimse') as typeof import('dcmjs-dimse');
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

function request(): import('dcmjs-dimse').requests.CFindRequest {
  const r = dimse.requests.CFindRequest.createWorklistFindRequest({ PatientID: '' });
  r.setMessageId(7);
  return r;
}

describe('pendingResponses', () => {
  it('every response shares one command set, and it is encoded once', () => {
    const identifiers = Array.from({ length: 50 }, (_, i) => Buffer.from(`item ${i} `));
    const out = pendingResponses(request(), identifiers, EXPLICIT_LE);
    expect(out).toHaveLength(50);
    const commands = new Set(out.map((r) => r.getCommandDataset()));
    expect(commands.size).toBe(1);
    const first = out[0]!.getCommandDataset().getDenaturalizedCommandDataset();
    expect(out[49]!.getCommandDataset().getDenaturalizedCommandDataset()).toBe(first); // the same buffer: not encoded again
    expect(out.map((r) => r.getDataset()!.getDenaturalizedDataset().toString())).toEqual(identifiers.map(String));
  });

  it('the shared command set is byte for byte what the library writes for one response built its own way', () => {
    const rq = request();
    const [mine] = pendingResponses(rq, [Buffer.from('ab')], EXPLICIT_LE);
    const theirs = dimse.responses.CFindResponse.fromRequest(rq);
    theirs.setAffectedSopClassUid(MWL_FIND_SOP_CLASS);
    theirs.setStatus(dimse.constants.Status.Pending);
    theirs.setDataset(new dimse.Dataset({}, EXPLICIT_LE));
    expect(mine!.getCommandDataset().getDenaturalizedCommandDataset()).toEqual(theirs.getCommandDataset().getDenaturalizedCommandDataset());
    expect(mine!.getMessageIdBeingRespondedTo()).toBe(7);
    expect(mine!.getStatus()).toBe(dimse.constants.Status.Pending);
  });

  it('each response names the worklist SOP class, not the library\'s Study Root default', () => {
    const [r] = pendingResponses(request(), [Buffer.from('ab')], EXPLICIT_LE);
    expect(r!.getAffectedSopClassUid()).toBe(MWL_FIND_SOP_CLASS);
  });

  it('a change to the shared command set is written, never the stale bytes', () => {
    const [r] = pendingResponses(request(), [Buffer.from('ab')], EXPLICIT_LE);
    const before = r!.getCommandDataset().getDenaturalizedCommandDataset();
    r!.setStatus(dimse.constants.Status.Success);
    const after = r!.getCommandDataset().getDenaturalizedCommandDataset();
    expect(after).not.toEqual(before);
    expect(new dimse.Dataset(after, '1.2.840.10008.1.2').getElement('Status')).toBe(dimse.constants.Status.Success);
  });
});
