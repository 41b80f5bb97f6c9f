// The About box: version, host, update channel and the updater's status line, data folder (copyable) and when the station started.
import { useEffect, useRef, useState } from 'react';
import { useStationQuery } from '../use-station.ts';
import { formatDateTime } from '../format.ts';
import { Dialog } from './Dialog.tsx';
import { localClock, updateStatusLine } from '../update-text.ts';
import '../it-lock.css';

const HOST_TEXT = { electron: 'Desktop app', headless: 'Background service (opened in a browser)' } as const;

export function AboutBox({ onClose }: { onClose: () => void }) {
  const { data } = useStationQuery('station.info', {}, []);
  const { data: updates } = useStationQuery('updates.status', {}, ['updates.changed']);
  const folder = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  // The folder arrives after the dialog opened: the cursor goes to it then, selected, so Ctrl+C copies it.
  const loaded = !!data;
  useEffect(() => {
    if (loaded) folder.current?.focus();
  }, [loaded]);
  const copy = async () => {
    folder.current?.select();
    try {
      await navigator.clipboard.writeText(data?.dataDir ?? '');
      setCopied(true);
    } catch {
      // No clipboard access (an insecure browser context): the text is selected, Ctrl+C copies it.
      setCopied(false);
    }
  };
  return (
    <Dialog title="About Capture Station" onClose={onClose} testId="about-box">
      <div className="about">
        {data ? (
          <dl>
            <dt>Version</dt><dd data-testid="about-version">{data.version}</dd>
            <dt>Runs as</dt><dd>{HOST_TEXT[data.host]}</dd>
            <dt>Update channel</dt><dd data-testid="about-channel">{updates?.channel ?? '…'}</dd>
            <dt>Updates</dt><dd data-testid="about-updates">{updates ? updateStatusLine(updates, localClock) : '…'}</dd>
            <dt>Data folder</dt>
            <dd>
              <div className="copy-row">
                <input ref={folder} readOnly value={data.dataDir} aria-label="Data folder" onFocus={(e) => e.currentTarget.select()} data-autofocus />
                <button type="button" className="button small" onClick={() => void copy()}>{copied ? 'Copied' : 'Copy'}</button>
              </div>
            </dd>
            <dt>Started</dt><dd>{formatDateTime(data.startedAt)}</dd>
          </dl>
        ) : (
          <p className="muted">Asking the station…</p>
        )}
      </div>
    </Dialog>
  );
}
