// The IT lock's rule lives with each method in the contract (`{ itOnly: true }`). This test is the
// list: a new method that looks like a setting must be classified on purpose, either IT-only (added
// to IT_ONLY) or allowed to operators with a reason (OPERATOR_ALLOWED).
import { describe, expect, it } from 'vitest';
import { methods, type MethodName } from '../../src/shared/contract/index.ts';

/** Methods refused while the IT lock is on: they change where photos go or come from, or IT's own settings. */
const IT_ONLY: MethodName[] = [
  'cameras.removeProfile', // device profiles: where on a camera photos are read from, and their file-name rules
  'cameras.saveProfile',
  'itLock.removePin', // the lock itself (these also need the current PIN)
  'dicom.cameras.remove', // DICOM: which cameras may send photos, and the station's node settings
  'dicom.cameras.save',
  'dicom.settings.update',
  'itLock.setPin',
  'pacs.routes.remove', // PACS routes: where images received over DICOM are forwarded
  'pacs.routes.save',
  'settings.update', // station settings: file-name rules, limits, site id, quality thresholds
  'sources.add', // watched folders: where photos come from
  'sources.remove',
  'sync.settings.update', // cloud: where photos go
  'updates.settings.update', // updates: where the station's own software comes from (feed, proxy, channel)
  'worklist.settings.update', // worklist sources: where orders (and so patient identity) come from
];

/** Methods that look like settings (see LOOKS_LIKE_A_SETTING) but operators keep, and why. */
const OPERATOR_ALLOWED: Partial<Record<MethodName, string>> = {
  'settings.get': 'reads only: locked screens show the values read-only',
  'sync.settings.get': 'reads only (secrets only as hints)',
  'worklist.settings.get': 'reads only (the token only as "set")',
  'updates.settings.get': 'reads only: the About box shows the channel',
  'cameras.profiles': 'reads only: the device profiles in the order they are tried',
  'sources.list': 'reads only: the watched folders and their state',
  'sync.settings.test': 'changes nothing: sends a small probe file with the saved (or typed) settings, so an operator can tell IT what is wrong',
  'orders.create': 'a walk-in patient is capture work',
  'orders.update': 'correcting a walk-in order is capture work',
  'orders.setCapturingNow': 'marking the exam being photographed is capture work',
  'exam.setUngradable': 'an eye that cannot be photographed is capture work',
  'operators.add': 'names for the shift; not a setting of where photos go',
  'pacs.routes.list': 'reads only: the PACS routes and their addresses',
  'pacs.routes.test': 'changes nothing: a C-ECHO to the saved (or typed) PACS, so an operator can tell IT what is wrong',
  'dicom.settings.get': 'reads only: the DICOM node settings (AE title, port, limits)',
  // Not matched by the pattern, listed because they were decided on purpose:
  'sync.pause': 'changes when photos go, not where: an operator may need the bandwidth back (the tray offers it); nothing is lost',
  'sync.resume': 'sends what is already queued to the place IT configured',
  'sync.retry': 'sends failed jobs again to the place IT configured',
  'cameras.rescan': 'takes in a plugged-in camera again with the profile IT set',
  'worklist.refresh': 'asks the worklist sources IT configured, now instead of at the next poll',
  'itLock.unlock': 'needs the PIN itself',
  'itLock.lock': 'anyone may lock',
};

/** Names that look like a setting: the word settings, a profile/rule/route/source, or a verb that changes something. */
const LOOKS_LIKE_A_SETTING = /settings|profile|rule|route|source|^[^.]+\.(add|remove|save|update|set|delete|install|configure|change|create|edit)/i;

const names = Object.keys(methods) as MethodName[];
const itOnly = (name: MethodName): boolean => 'itOnly' in methods[name] && methods[name].itOnly === true;

describe('IT-only methods (the IT lock)', () => {
  it('the contract marks exactly the listed methods IT-only', () => {
    expect(names.filter(itOnly).sort()).toEqual([...IT_ONLY].sort());
  });

  it('every method that looks like a setting is IT-only or allowed to operators with a reason', () => {
    const unclassified = names.filter((n) => LOOKS_LIKE_A_SETTING.test(n) && !itOnly(n) && !OPERATOR_ALLOWED[n]);
    expect(unclassified, 'classify these: { itOnly: true } in the contract, or OPERATOR_ALLOWED here with a reason').toEqual([]);
  });

  it('the operator allow-list names real methods, none of them IT-only, each with a reason', () => {
    for (const [name, reason] of Object.entries(OPERATOR_ALLOWED)) {
      expect(names, name).toContain(name);
      expect(itOnly(name as MethodName), name).toBe(false);
      expect(reason!.length, name).toBeGreaterThan(10);
    }
  });

  it('everything an operator needs for capture stays open', () => {
    const capture: MethodName[] = ['worklist.list', 'exam.get', 'exam.complete', 'exam.pickBest', 'images.assign', 'images.retry', 'cameras.sendBurst', 'unassigned.list', 'operators.signIn', 'sync.pause', 'sync.resume'];
    for (const m of capture) expect(itOnly(m), m).toBe(false);
  });
});
