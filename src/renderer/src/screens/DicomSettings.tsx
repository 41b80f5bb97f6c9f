// Settings > DICOM (issue 13 item 5): the listener's state in words, this station as a DICOM node,
// the cameras (with what each last sent and the callers that were refused), and the PACS routes
// with their C-ECHO test. IT-only under the lock bar: locked, the values stay visible but disabled.
import { useStationQuery } from '../use-station.ts';
import { LockBar, useItLock } from '../components/ItLock.tsx';
import { DicomNodeForm } from '../components/DicomNodeForm.tsx';
import { DicomCameras } from '../components/DicomCameras.tsx';
import { PacsRoutes } from '../components/PacsRoutes.tsx';
import { associationsText, listenerSentence } from '../dicom-text.ts';
import '../it-lock.css';
import '../dicom.css';

export function DicomSettingsScreen() {
  const { data: status, error, reload } = useStationQuery('dicom.status', {}, ['dicom.changed']);
  const { locked } = useItLock();
  return (
    <section aria-label="DICOM" data-testid="dicom-settings" className="dicom-settings">
      <p className="muted">
        Cameras on the clinic network send their images to this station over DICOM and ask it for the worklist. Set the same AE title and port
        on each camera as its destination and worklist server.
      </p>
      <LockBar what="Camera network settings" />
      {error && <div className="notice error" role="alert">{error}</div>}
      {status && (
        <div className={`dicom-state ${status.listener.state}`} role="status" data-testid="dicom-listener-state" data-state={status.listener.state}>
          <strong>{listenerSentence(status.listener)}</strong>
          {status.listener.state === 'listening' && <span className="muted"> {associationsText(status.listener)}.</span>}
        </div>
      )}
      <DicomNodeForm locked={locked} onSaved={() => void reload()} />
      {status && <DicomCameras status={status} locked={locked} />}
      {status && <PacsRoutes locked={locked} stationAeTitle={status.listener.aeTitle} cameras={status.cameras.map((c) => c.aeTitle)} />}
    </section>
  );
}
