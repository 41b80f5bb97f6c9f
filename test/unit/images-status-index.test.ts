// The refused-files query (status strip, Inbox) runs after every images.changed event: it must use
// the images_status index (migration 010), not walk the whole images table.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDatabase } from '../../src/main/core/store/connection.ts';
import { tempDir } from '../fixtures/headless.ts';

const plan = (db: ReturnType<typeof openDatabase>['db'], sql: string, ...args: unknown[]) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join(' | ');

describe('refused files by status', () => {
  it('are listed newest first and counted through the images_status index', () => {
    const { db } = openDatabase(path.join(tempDir('db'), 'station.db'));
    const list = plan(db, 'SELECT * FROM images WHERE status = ? ORDER BY ingested_at DESC, id DESC LIMIT ?', 'error', 20);
    expect(list).toMatch(/USING INDEX images_status/);
    expect(list).not.toMatch(/TEMP B-TREE/);
    expect(plan(db, 'SELECT count(*) AS n FROM images WHERE status = ?', 'error')).toMatch(/USING COVERING INDEX images_status/);
    db.close();
  });
});
