import { useEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useStationQuery } from '../use-station.ts';
import { EyeBadge, PhotoTime, QualityBadge, StatusBadge, UnsendableBadge } from '../components/Badges.tsx';
import { SyncBadge } from '../components/SyncIndicator.tsx';
import { ImageDetail } from './ImageDetail.tsx';
import { folderOf } from '../format.ts';
import '../worklist.css';

const ROW_HEIGHT = 104;

export function InboxScreen() {
  const { data, error } = useStationQuery('images.list', { limit: 2000 }, ['images.changed']);
  const items = data?.items ?? [];
  const [selected, setSelected] = useState(0);
  const [openId, setOpenId] = useState<string | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: items.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });

  useEffect(() => {
    if (selected >= items.length && items.length > 0) setSelected(items.length - 1);
  }, [items.length, selected]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (openId) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = Math.max(0, Math.min(items.length - 1, selected + (e.key === 'ArrowDown' ? 1 : -1)));
      setSelected(next);
      virtualizer.scrollToIndex(next);
    } else if (e.key === 'Enter' && items[selected]) {
      setOpenId(items[selected].id);
    }
  };

  const ready = items.filter((i) => i.status === 'ready').length;
  const refused = items.filter((i) => i.status === 'error').length;

  return (
    <section className="inbox" aria-label="Inbox">
      <div className="screen-head">
        <h1>Inbox</h1>
        <p className="muted">
          {data ? `${ready} photo${ready === 1 ? '' : 's'} taken in${refused ? ` · ${refused} file${refused === 1 ? '' : 's'} refused` : ''} · newest first` : 'Loading…'}
        </p>
      </div>
      {error && <div className="notice error" role="alert">{error}</div>}
      {data && items.length === 0 && (
        <div className="empty">
          <p>No photos yet.</p>
          <p className="muted">Photos appear here the moment the camera saves them into a watched folder (see Sources).</p>
        </div>
      )}
      <div ref={scrollRef} className="list" role="listbox" aria-label="Images, newest first" tabIndex={0} onKeyDown={onKeyDown}
        aria-activedescendant={items[selected] ? `img-${items[selected].id}` : undefined}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((row) => {
            const img = items[row.index]!;
            return (
              <div
                key={img.id}
                id={`img-${img.id}`}
                role="option"
                aria-selected={row.index === selected}
                data-testid="inbox-row"
                data-status={img.status}
                className={`row ${row.index === selected ? 'selected' : ''} ${img.status}`}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${row.start}px)` }}
                onClick={() => {
                  setSelected(row.index);
                  setOpenId(img.id);
                }}
              >
                <div className="thumb">
                  {img.thumbnailUrl ? <img src={img.thumbnailUrl} alt={`Photo ${img.fileName}`} loading="lazy" /> : <span className="no-thumb">{img.status === 'error' ? '!' : 'No preview'}</span>}
                </div>
                <div className="row-main">
                  <div className="row-title">
                    {img.status !== 'error' && <EyeBadge eye={img.eye ?? img.laterality} />}
                    <StatusBadge image={img} />
                    <UnsendableBadge image={img} />
                    <QualityBadge quality={img.quality} />
                    <SyncBadge state={img.syncState} />
                    <span className="file-name" title={img.sourcePath}>{img.fileName}</span>
                  </div>
                  {img.status === 'error' ? (
                    <div className="reason" data-testid="refusal-reason">{img.error}</div>
                  ) : (
                    <div className="row-facts">
                      <span><b>Taken</b> <PhotoTime time={img.time} /></span>
                      <span><b>Patient ID</b> {img.patientId ?? '—'}</span>
                      <span className="wl-inbox-exam" data-testid="inbox-exam">
                        <b>Exam</b>{' '}
                        {img.orderId ? (
                          <span className="wl-inbox-link">{img.orderLabel ?? 'open'}{img.eye ? ` · ${img.eye}` : ' · eye not known'}</span>
                        ) : (
                          <span className="wl-inbox-link">{img.rejected ? 'Rejected' : 'Unassigned'}</span>
                        )}
                        {img.matchConfidence === 'weak' && <span className="wl-chip check">check link</span>}
                      </span>
                      <span><b>Folder</b> {folderOf(img.sourcePath)}</span>
                      {img.previewNote && <span className="muted">{img.previewNote}</span>}
                      {img.unsendable && <span className="unsendable-note" data-testid="unsendable-note" title={img.unsendable}>Will not be sent: export it from the camera as JPEG</span>}
                    </div>
                  )}
                </div>
              </div>
            );
          })}
        </div>
      </div>
      {openId && <ImageDetail id={openId} onClose={() => { setOpenId(null); scrollRef.current?.focus(); }} />}
    </section>
  );
}
