// This station as a DICOM node: on/off, AE title, port, address, unknown cameras, limits and TLS
// files. Every field is checked by the shared schema (dicomNodeSettingsSchema) before saving, with
// its message next to it; saving restarts the listener (dicom.settings.update, IT-only).
import { useEffect, useState, type FormEvent } from 'react';
import { dicomNodeSettingsSchema, type DicomNodeSettings } from '../../../shared/dicom-settings.ts';
import { station } from '../bridge.ts';
import { useAction } from '../use-action.ts';
import { checkFields, numberErrors, wholeNumber } from '../dicom-text.ts';
import { FormField as Field, useFormDraft } from './FormField.tsx';

interface Draft {
  enabled: boolean;
  aeTitle: string;
  port: string;
  address: string;
  allowUnknownCameras: boolean;
  maxAssociations: string;
  maxObjectMegabytes: string;
  idleTimeoutSeconds: string;
  certFile: string;
  keyFile: string;
  caFile: string;
}

const NUMBERS = ['port', 'maxAssociations', 'maxObjectMegabytes', 'idleTimeoutSeconds'] as const;

const toDraft = (s: DicomNodeSettings): Draft => ({
  enabled: s.enabled,
  aeTitle: s.aeTitle,
  port: String(s.port),
  address: s.address,
  allowUnknownCameras: s.allowUnknownCameras,
  maxAssociations: String(s.maxAssociations),
  maxObjectMegabytes: String(s.maxObjectMegabytes),
  idleTimeoutSeconds: String(s.idleTimeoutSeconds),
  certFile: s.tls?.certFile ?? '',
  keyFile: s.tls?.keyFile ?? '',
  caFile: s.tls?.caFile ?? '',
});

/** The draft as the schema's input, plus a TLS message when only one of certificate and key is given. */
function fromDraft(d: Draft): { values: Record<string, unknown>; tlsError: string | null } {
  const [cert, key, ca] = [d.certFile.trim(), d.keyFile.trim(), d.caFile.trim()];
  const tlsError = (cert && !key) || (!cert && key) ? 'Give both the certificate file and the key file, or neither (no TLS).' : !cert && ca ? 'A CA file needs the certificate and key files too.' : null;
  const values: Record<string, unknown> = {
    enabled: d.enabled,
    aeTitle: d.aeTitle,
    address: d.address,
    allowUnknownCameras: d.allowUnknownCameras,
    tls: cert && key ? { certFile: cert, keyFile: key, caFile: ca || null } : null,
  };
  for (const f of NUMBERS) values[f] = wholeNumber(d[f]);
  return { values, tlsError };
}

export function DicomNodeForm({ locked, onSaved }: { locked: boolean; onSaved: () => void }) {
  const [loaded, setLoaded] = useState<Draft | null>(null);
  useEffect(() => {
    void station.call('dicom.settings.get', {}).then((s) => setLoaded(toDraft(s)));
  }, []);
  return loaded && <NodeForm initial={loaded} locked={locked} onSaved={onSaved} />;
}

function NodeForm({ initial, locked, onSaved }: { initial: Draft; locked: boolean; onSaved: () => void }) {
  const [saved, setSaved] = useState<string | null>(null);
  const { draft, setDraft, errors, setErrors, set, text } = useFormDraft(initial, () => setSaved(null));
  const { run, busy, error } = useAction();

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const { values, tlsError } = fromDraft(draft);
    const checked = checkFields(dicomNodeSettingsSchema, values);
    const found = checked.ok ? {} : numberErrors(checked.errors, values, NUMBERS);
    if (tlsError) found['certFile'] = tlsError;
    setErrors(found);
    if (!checked.ok || tlsError) return;
    const status = await run(() => station.call('dicom.settings.update', checked.value));
    if (!status) return;
    const s = await station.call('dicom.settings.get', {});
    setDraft(toDraft(s));
    setSaved(status.listener.state === 'failed' ? 'Saved, but the node is not listening: see above.' : 'Saved. The listener restarted with these settings.');
    onSaved();
  };

  return (
    <form className="panel dicom-node" onSubmit={save} aria-label="This station" data-testid="dicom-node-form" noValidate>
      <h2>This station</h2>
      <fieldset className="it-fields" disabled={locked || busy}>
        <label className="check">
          <input type="checkbox" name="enabled" checked={draft.enabled} onChange={(e) => set('enabled', e.target.checked)} /> Listen for cameras (C-STORE images, C-FIND worklist, C-ECHO)
        </label>
        <div className="dicom-grid">
          <Field label="AE title" error={errors['aeTitle']} hint="What the camera calls this station (the called AE title).">{text('aeTitle', { maxLength: 16 })}</Field>
          <Field label="Port" error={errors['port']} hint="104 or 11112 are usual.">{text('port', { inputMode: 'numeric' })}</Field>
          <Field label="Address" error={errors['address']} hint="0.0.0.0: every network address of this computer.">{text('address')}</Field>
          <Field label="Associations at once" error={errors['maxAssociations']}>{text('maxAssociations', { inputMode: 'numeric' })}</Field>
          <Field label="Largest object (MB)" error={errors['maxObjectMegabytes']}>{text('maxObjectMegabytes', { inputMode: 'numeric' })}</Field>
          <Field label="Idle timeout (seconds)" error={errors['idleTimeoutSeconds']}>{text('idleTimeoutSeconds', { inputMode: 'numeric' })}</Field>
        </div>
        <label className="check">
          <input type="checkbox" name="allowUnknownCameras" checked={draft.allowUnknownCameras} onChange={(e) => set('allowUnknownCameras', e.target.checked)} /> Accept cameras that are not in the list below
        </label>
        <div className="dicom-grid">
          <Field label="TLS certificate file (PEM)" error={errors['certFile'] || errors['tls']} hint="Leave empty for no TLS.">{text('certFile')}</Field>
          <Field label="TLS key file (PEM)" error={errors['keyFile']}>{text('keyFile')}</Field>
          <Field label="CA file for camera certificates (optional)" error={errors['caFile']}>{text('caFile')}</Field>
        </div>
        <div className="itlock-actions">
          <button className="button primary">Save and restart the listener</button>
        </div>
      </fieldset>
      {error && <div className="notice error" role="alert">{error}</div>}
      {saved && <div className="notice info" role="status">{saved}</div>}
    </form>
  );
}
