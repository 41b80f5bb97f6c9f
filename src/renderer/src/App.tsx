import { useEffect, useState } from 'react';
import { InboxScreen } from './screens/Inbox.tsx';
import { SourcesScreen } from './screens/Sources.tsx';
import { NoticeBar } from './components/NoticeBar.tsx';
import { WorklistScreen } from './screens/Worklist.tsx';
import { ExamScreen } from './screens/Exam.tsx';
import { UnassignedScreen } from './screens/Unassigned.tsx';
import { AuditScreen } from './screens/Audit.tsx';
import { ShiftButton } from './components/Shift.tsx';
import { CamerasScreen } from './screens/Cameras.tsx';
import { CameraBanner } from './components/CameraBanner.tsx';
import { SyncIndicator } from './components/SyncIndicator.tsx';
import { QueueScreen } from './screens/Queue.tsx';
import { CloudSettingsScreen } from './screens/CloudSettings.tsx';
import { SettingsScreen } from './screens/Settings.tsx';
import { UpdateIndicator } from './components/UpdateIndicator.tsx';

const SCREENS = [
  { id: 'worklist', label: 'Worklist', key: '1' },
  { id: 'unassigned', label: 'Unassigned', key: '2' },
  { id: 'inbox', label: 'Inbox', key: '3' },
  { id: 'sources', label: 'Sources', key: '4' },
  { id: 'cameras', label: 'Cameras', key: '5' },
  { id: 'queue', label: 'Queue', key: '6' },
  { id: 'cloud', label: 'Cloud', key: '7' },
  { id: 'settings', label: 'Settings', key: '8' },
] as const;
// Screens reached from another screen, not from a tab: #/exam/<order id>, #/audit/<order id>.
const ROUTES = ['exam', 'audit'] as const;
type ScreenId = (typeof SCREENS)[number]['id'] | (typeof ROUTES)[number];

const fromHash = (): ScreenId => {
  const h = location.hash.replace(/^#\/?/, '').split('/')[0];
  return SCREENS.some((s) => s.id === h) || (ROUTES as readonly string[]).includes(h ?? '') ? (h as ScreenId) : 'worklist';
};

export function App() {
  const [screen, setScreen] = useState<ScreenId>(fromHash);

  useEffect(() => {
    const onHash = () => setScreen(fromHash());
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey) return;
      const target = SCREENS.find((s) => s.key === e.key);
      if (target) {
        e.preventDefault();
        location.hash = `#/${target.id}`;
      }
    };
    window.addEventListener('hashchange', onHash);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('keydown', onKey);
    };
  }, []);

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand" aria-label="Capture Station">
          <span className="brand-mark" aria-hidden>◉</span> Capture Station
        </div>
        <nav className="tabs" aria-label="Screens">
          {SCREENS.map((s) => (
            <a
              key={s.id}
              href={`#/${s.id}`}
              className={s.id === screen || (s.id === 'worklist' && (screen === 'exam' || screen === 'audit')) ? 'tab active' : 'tab'}
              aria-current={s.id === screen ? 'page' : undefined}
              title={`Alt+${s.key}`}
            >
              {s.label}
            </a>
          ))}
        </nav>
        <div className="topbar-right">
          <UpdateIndicator />
          <SyncIndicator />
          <ShiftButton />
        </div>
      </header>
      <NoticeBar />
      <CameraBanner onCamerasScreen={screen === 'cameras'} />
      <main className="content">
        {screen === 'worklist' && <WorklistScreen />}
        {screen === 'exam' && <ExamScreen />}
        {screen === 'unassigned' && <UnassignedScreen />}
        {screen === 'audit' && <AuditScreen />}
        {screen === 'inbox' && <InboxScreen />}
        {screen === 'sources' && <SourcesScreen />}
        {screen === 'cameras' && <CamerasScreen />}
        {screen === 'queue' && <QueueScreen />}
        {screen === 'cloud' && <CloudSettingsScreen />}
        {screen === 'settings' && <SettingsScreen />}
      </main>
    </div>
  );
}
