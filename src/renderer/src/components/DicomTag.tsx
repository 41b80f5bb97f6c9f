// On an exam tile: the photo came by DICOM from this camera ("DICOM · CAM1") and how it was linked
// to the exam ("Linked by worklist item (Study Instance UID)"). Nothing for a photo from a folder.
import type { ExamImage } from '../../../shared/contract/index.ts';
import { dicomTagText, linkedByText } from '../dicom-text.ts';
import '../dicom.css';

export function DicomOrigin({ img }: { img: ExamImage }) {
  if (!img.dicom) return null;
  const linked = linkedByText(img.matchRule, img.matchConfidence);
  const camera = img.dicom.cameraName ? `${img.dicom.cameraName} (AE title ${img.dicom.callingAe})` : `AE title ${img.dicom.callingAe}, not in the camera list`;
  return (
    <div className="wl-card-info dicom-origin" data-testid="dicom-origin">
      <span className="dicom-tag" title={`Received over DICOM from ${camera}`} data-testid="dicom-tag">{dicomTagText(img.dicom)}</span>
      {linked && <span className="small muted" data-testid="linked-by">{linked}</span>}
    </div>
  );
}
