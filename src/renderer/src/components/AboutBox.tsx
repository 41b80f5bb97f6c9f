// The About box: version, host, update channel, data folder (copyable) and when the station started.
import { useEffect, useRef, useState } from 'react';
import { isMethodName } from '../../../shared/contract/index.ts';
import { station } from '../bridge.ts';
import { useStationQuery } from '../use-station.ts';
import { formatDateTime } from '../format.ts';
import { Dialog } from './Dialog.tsx';
import '../it-lock.css';

const HOST_TEXT = { electron: 'Desktop app', headless: 'Background service (opened in a browser)' } as const;
// The updater's settings carry the channel; until that part of the contract exists this box says so.
const UPDATE_SETTINGS = 'updates.settings.get';

function useChannel(): string | null {
  const [channel, setChannel] = useState<string | null>(null);
  useEffect(() => {
    if (!isMethodName(UPDATE_SETTINGS)) return;
    const call = station.call as (m: string, input?: unknown) => Promise<{ channel?: unknown }>;
    call(UPDATE_SETTINGS, {}).then(
      (s) => setChannel(typeof s.channel === 'string' ? s.channel : null),
      () => setChannel(null),
    );
  }, []);
  return channel;
}

export function AboutBox({ onClose }: { onClose: () => void }) {
  const { data } = useStationQuery('station.info', {}, []);
  const channel = useChannel();
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
            <dt>Update channel</dt><dd data-testid="about-channel">{channel ?? 'not set up on this station'}</dd>
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
