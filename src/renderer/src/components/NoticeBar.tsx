import { useStationQuery } from '../use-station.ts';

/** Things the operator or IT must know now (a database moved aside, a paused queue, ...). */
export function NoticeBar() {
  const { data, error } = useStationQuery('station.info', {}, ['notice']);
  if (error) return <div className="notice error" role="alert">{error}</div>;
  const notices = data?.notices.filter((n) => n.level !== 'info') ?? [];
  if (notices.length === 0) return null;
  return (
    <div className="notices">
      {notices.map((n) => (
        <div key={n.at + n.message} className={`notice ${n.level}`} role="alert">
          {n.message}
        </div>
      ))}
    </div>
  );
}
