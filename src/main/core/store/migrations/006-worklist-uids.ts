import type { Database } from 'better-sqlite3';
import { worklistIdentities } from '../../../../shared/dicom-uid.ts';

// The identities every order carries on the DICOM network (issue 13 item 2): the StudyInstanceUID,
// accession number, requested procedure id and scheduled step id the worklist server hands to a
// camera, which copies them into each image so it comes back linked exactly. Made once when the
// order is created (a provider's own values are kept when they fit DICOM) and never changed, even
// when the provider later edits the order. Existing orders get theirs here.
// scheduled_station_ae: the Scheduled Station AE Title a provider's item names (null: any camera
// of this station).
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE orders ADD COLUMN study_instance_uid TEXT;
    ALTER TABLE orders ADD COLUMN mwl_accession_number TEXT;
    ALTER TABLE orders ADD COLUMN mwl_requested_procedure_id TEXT;
    ALTER TABLE orders ADD COLUMN mwl_step_id TEXT;
    ALTER TABLE orders ADD COLUMN scheduled_station_ae TEXT;
  `);
  const rows = db
    .prepare<[], { id: string; accession_number: string | null; external_order_id: string | null; scheduled_step_id: string | null }>(
      'SELECT id, accession_number, external_order_id, scheduled_step_id FROM orders',
    )
    .all();
  const set = db.prepare(`UPDATE orders SET study_instance_uid = @studyInstanceUid, mwl_accession_number = @accessionNumber,
      mwl_requested_procedure_id = @requestedProcedureId, mwl_step_id = @scheduledStepId WHERE id = @id`);
  for (const r of rows) {
    const ids = worklistIdentities({ accessionNumber: r.accession_number, requestedProcedureId: r.external_order_id, scheduledStepId: r.scheduled_step_id });
    set.run({ id: r.id, ...ids });
  }
  // Not unique: two provider items may name the same study; matching then asks the operator.
  db.exec(`
    CREATE INDEX orders_study_uid ON orders(study_instance_uid);
    CREATE INDEX orders_mwl_accession ON orders(mwl_accession_number);
  `);
}
