const timeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const clockFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const formatDateTime = (iso: string | null): string => (iso ? timeFmt.format(new Date(iso)) : '—');
export const formatClock = (iso: string | null): string => (iso ? clockFmt.format(new Date(iso)) : '—');

export function formatBytes(n: number | null): string {
  if (n === null) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function folderOf(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts.slice(-3, -1).join('/') || p;
}
