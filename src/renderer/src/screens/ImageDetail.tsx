import { useEffect, useRef, useState } from 'react';
import { useStationQuery } from '../use-station.ts';
import { station } from '../bridge.ts';
import { EyeBadge, QualityBadge, StatusBadge } from '../components/Badges.tsx';
import { formatBytes, formatDateTime } from '../format.ts';

const LABELS: Record<string, string> = {
  patientId: 'Patient ID', patientIdSource: 'Patient ID read from', accessionSource: 'Accession read from', fileNameRuleId: 'File-name rule', patientName: 'Patient name', birthDate: 'Birth date', sex: 'Sex', accessionNumber: 'Accession number',
  scheduledStepId: 'Worklist item', laterality: 'Eye', lateralitySource: 'Eye read from', field: 'Field', takenAt: 'Taken (UTC)',
  takenOffset: 'Camera time offset', make: 'Camera make', model: 'Camera model', serial: 'Camera serial', modality: 'Modality',
  studyUid: 'Study UID', seriesUid: 'Series UID', sopUid: 'SOP instance UID', sopClassUid: 'SOP class', transferSyntaxUid: 'Transfer syntax',
  width: 'Width (px)', height: 'Height (px)', pixelSpacingMm: 'Pixel spacing (mm)', format: 'Format',
};

export function ImageDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const { data, error } = useStationQuery('images.get', { id }, ['images.changed']);
  const [actionError, setActionError] = useState<string | null>(null);
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const retry = async () => {
    try {
      setActionError(null);
      await station.call('images.retry', { id });
    } catch (err) {
      setActionError((err as Error).message);
    }
  };

  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Image detail" data-testid="image-detail">
      <div className="detail">
        <div className="detail-head">
          <h2>{data?.fileName ?? 'Image'}</h2>
          <button ref={closeRef} className="button" onClick={onClose}>Close (Esc)</button>
        </div>
        {error && <div className="notice error" role="alert">{error}</div>}
        {data && (
          <div className="detail-body">
            <div className="detail-image">
              {data.fullUrl ? <img src={data.fullUrl} alt={`Full-size photo ${data.fileName}`} /> : <div className="no-thumb large">{data.status === 'error' ? data.error : data.previewNote ?? 'No preview'}</div>}
            </div>
            <div className="detail-facts">
              <div className="row-title">
                {data.status !== 'error' && <EyeBadge eye={data.laterality} />}
                <StatusBadge image={data} />
                <QualityBadge quality={data.quality} />
              </div>
              {data.status === 'error' && (
                <div className="notice error">
                  <p>{data.error}</p>
                  <button className="button" onClick={retry}>Try this file again</button>
                  {actionError && <p role="alert">{actionError}</p>}
                </div>
              )}
              {data.quality && data.quality.reasons.length > 0 && (
                <ul className="reasons" aria-label="Quality hints">{data.quality.reasons.map((r) => <li key={r}>{r}</li>)}</ul>
              )}
              <table className="facts">
                <tbody>
                  <tr><th>Source file</th><td className="path">{data.sourcePath}</td></tr>
                  <tr><th>Taken in</th><td>{formatDateTime(data.ingestedAt)}</td></tr>
                  <tr><th>Size</th><td>{formatBytes(data.sizeBytes)}</td></tr>
                  <tr><th>SHA-256</th><td className="path">{data.sha256 ?? '—'}</td></tr>
                  {Object.entries(data.facts)
                    .filter(([, v]) => v !== null && v !== undefined && v !== '')
                    .map(([k, v]) => (
                      <tr key={k}><th>{LABELS[k] ?? k}</th><td>{k === 'takenAt' ? formatDateTime(String(v)) : Array.isArray(v) ? v.join(' × ') : String(v)}</td></tr>
                    ))}
                </tbody>
              </table>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
