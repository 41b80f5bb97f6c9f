// Issue 10, the decisions of the operator's flow that need no browser: the one key map (a key means
// one thing on every screen, R/L are the eyes everywhere, reject is X or Delete), the status
// strip's order and words, and where the focus goes after photos are filed.
import { describe, expect, it } from 'vitest';
import { KEY_MAP, keyAction, keyName, tabKey, type KeyScope } from '../../src/renderer/src/keymap.ts';
import { duplicateText, folderGoneText, stripItems, type StripInput } from '../../src/renderer/src/status-strip.ts';
import { focusAfterMove, type CardRef } from '../../src/renderer/src/screens/exam-keys.ts';

const key = (k: string, mods: { ctrl?: boolean; shift?: boolean; alt?: boolean } = {}) => ({ key: k, ctrlKey: !!mods.ctrl, metaKey: false, altKey: !!mods.alt, shiftKey: !!mods.shift });
const SCOPES: KeyScope[] = ['worklist', 'exam', 'cameras', 'large-view'];

describe('the one key map', () => {
  it('R and L are the right and left eye on every screen that files photos; reject is X or Delete', () => {
    for (const scope of ['exam', 'cameras', 'large-view'] as const) {
      expect(keyAction(key('r'), scope), scope).toBe('eye-right');
      expect(keyAction(key('R', { shift: true }), scope), scope).toBe('eye-right');
      expect(keyAction(key('l'), scope), scope).toBe('eye-left');
    }
    expect(keyAction(key('x'), 'exam')).toBe('reject');
    expect(keyAction(key('Delete'), 'exam')).toBe('reject');
    expect(keyAction(key('x'), 'large-view')).toBe('reject');
  });

  it('no key means two things on one screen', () => {
    for (const scope of SCOPES) {
      const seen = new Map<string, string>();
      for (const b of KEY_MAP.filter((x) => x.scopes.includes(scope) || x.scopes.includes('everywhere'))) {
        for (const k of b.keys) {
          expect(seen.get(k), `${k} on ${scope}: ${seen.get(k)} and ${b.action}`).toBeUndefined();
          seen.set(k, b.action);
        }
      }
    }
  });

  it('the keys of the walk: / search, N walk-in, Space and Shift+arrows choose, B best, G ungradable, Ctrl+Enter complete, Ctrl+Z undo, ? help', () => {
    expect(keyAction(key('/'), 'exam')).toBe('search');
    expect(keyAction(key('n'), 'worklist')).toBe('new-walk-in');
    expect(keyAction(key('n'), 'exam')).toBeNull();
    expect(keyAction(key(' '), 'exam')).toBe('select');
    expect(keyAction(key('ArrowRight', { shift: true }), 'exam')).toBe('extend-next');
    expect(keyAction(key('ArrowLeft', { shift: true }), 'exam')).toBe('extend-previous');
    expect(keyAction(key('ArrowDown'), 'exam')).toBe('next');
    expect(keyAction(key('b'), 'exam')).toBe('best');
    expect(keyAction(key('g'), 'exam')).toBe('ungradable');
    expect(keyAction(key('Enter', { ctrl: true }), 'exam')).toBe('complete');
    expect(keyAction(key('Enter'), 'exam')).toBe('open');
    expect(keyAction(key('z', { ctrl: true }), 'worklist')).toBe('undo');
    expect(keyAction(key('?', { shift: true }), 'cameras')).toBe('help');
    expect(keyAction(key('z'), 'large-view')).toBe('zoom');
    expect(keyAction(key('r', { ctrl: true }), 'exam')).toBeNull();
  });

  it('Alt+1 … Alt+8 are the screen tabs', () => {
    expect(tabKey(key('3', { alt: true }))).toBe(3);
    expect(tabKey(key('9', { alt: true }))).toBeNull();
    expect(tabKey(key('3'))).toBeNull();
    expect(keyName(key('ArrowUp', { shift: true }))).toBe('Shift+↑');
  });
});

const base: StripInput = { sources: [], notices: [], refused: [], duplicates: [], dismissed: new Set(), today: '2026-03-02' };
const source = (state: 'watching' | 'unreachable', p: string) => ({ id: p, kind: 'folder' as const, path: p, polling: false, state, stateDetail: null, lastFileAt: null, imageCount: 0, createdAt: '' });

describe('the status strip', () => {
  it('a camera folder that is gone comes first, with the action to take', () => {
    const items = stripItems({
      ...base,
      sources: [source('watching', '/ok'), source('unreachable', '/media/camera/EXPORT')],
      duplicates: [{ imageId: 'i1', fileName: 'b.jpg', sameAs: 'a.jpg', at: '' }],
      notices: [{ level: 'warning', message: 'Sending is paused.', at: 'x' }],
    });
    expect(items.map((i) => i.kind)).toEqual(['folder-gone', 'notice', 'duplicate']);
    expect(items[0]!.text).toBe('Camera folder /media/camera/EXPORT is gone: reconnect the camera or check the cable.');
    expect(items[0]!.actions).toEqual([{ label: 'Open Sources', href: '#/sources' }]);
    expect(folderGoneText('D:\\Export')).toBe('Camera folder D:\\Export is gone: reconnect the camera or check the cable.');
  });

  it('a file with bytes the station already had is said by name; a dismissed one is not', () => {
    const d = [
      { imageId: 'i2', fileName: 'copy2.jpg', sameAs: 'first.jpg', at: '' },
      { imageId: 'i1', fileName: 'copy.jpg', sameAs: 'first.jpg', at: '' },
    ];
    expect(duplicateText(d.slice(1))).toBe('Already taken in: copy.jpg is the same as first.jpg, so it is not added again.');
    expect(duplicateText(d)).toContain('(2 such files.)');
    expect(stripItems({ ...base, duplicates: d, dismissed: new Set(['duplicate:i2:copy2.jpg', 'duplicate:i1:copy.jpg']) })).toEqual([]);
  });

  it("today's refused files offer the Inbox; older ones are the Inbox's business", () => {
    const refused = (id: string, at: string) => ({ id, status: 'error', error: 'This file is not a photo.', fileName: `${id}.jpg`, ingestedAt: at }) as never;
    const today = new Date(2026, 2, 2, 10, 0).toISOString();
    const items = stripItems({ ...base, refused: [refused('new', today), refused('old', new Date(2026, 2, 1, 10, 0).toISOString())] });
    expect(items).toHaveLength(1);
    expect(items[0]!.text).toBe('Refused: new.jpg. This file is not a photo.');
    expect(items[0]!.actions[0]).toEqual({ label: 'Open Inbox', href: '#/inbox' });
  });
});

describe('the focus after photos are filed', () => {
  const cards: CardRef[] = [
    { id: 'x1', section: 'unknown' },
    { id: 'x2', section: 'unknown' },
    { id: 'r1', section: 'OD' },
    { id: 'r2', section: 'OD' },
    { id: 'l1', section: 'OS' },
  ];
  it('goes to the photo that takes their place in the list they left', () => {
    expect(focusAfterMove(cards, ['x1'], 'OS')).toEqual({ id: 'x2', section: 'unknown' });
    expect(focusAfterMove(cards, ['r1'], 'OS')).toEqual({ id: 'r2', section: 'OD' });
    expect(focusAfterMove(cards, ['r2'], 'OS')).toEqual({ id: 'r1', section: 'OD' });
  });
  it('else to the (first) photo filed, in its new place; null when it left the exam', () => {
    expect(focusAfterMove(cards, ['x1', 'x2'], 'OD')).toEqual({ id: 'x1', section: 'OD' });
    expect(focusAfterMove(cards, ['l1'], 'OD')).toEqual({ id: 'l1', section: 'OD' });
    expect(focusAfterMove(cards, ['l1'], null)).toBeNull();
  });
});
