import { useEffect, useState } from 'react';
import { InboxScreen } from './screens/Inbox.tsx';
import { SourcesScreen } from './screens/Sources.tsx';
import { WorklistScreen } from './screens/Worklist.tsx';
import { ExamScreen } from './screens/Exam.tsx';
import { UnassignedScreen } from './screens/Unassigned.tsx';
import { AuditScreen } from './screens/Audit.tsx';
import { ShiftButton } from './components/Shift.tsx';
import { CamerasScreen } from './screens/Cameras.tsx';
import { StatusStrip } from './components/StatusStrip.tsx';
import { KeyHelp } from './components/KeyHelp.tsx';
import { isTyping, keyAction, tabKey } from './keymap.ts';
import { pendingFocus, useFocusRescue } from './focus.ts';
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
  const [help, setHelp] = useState(false);
  useFocusRescue();

  useEffect(() => {
    const onHash = () => setScreen(fromHash());
    // The key map's keys that work on every screen (keymap.ts): Alt+digit tabs, ? help, / search.
    const onKey = (e: KeyboardEvent) => {
      const tab = tabKey(e);
      const target = tab === null ? undefined : SCREENS.find((s) => s.key === String(tab));
      if (target) {
        e.preventDefault();
        location.hash = `#/${target.id}`;
        return;
      }
      if (e.defaultPrevented || isTyping(e.target) || document.querySelector('[aria-modal="true"]')) return;
      const action = keyAction(e, 'everywhere');
      if (action === 'help') {
        e.preventDefault();
        setHelp(true);
      } else if (action === 'search' && screen !== 'worklist') {
        e.preventDefault();
        pendingFocus.search = true;
        location.hash = '#/worklist';
      }
    };
    window.addEventListener('hashchange', onHash);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('keydown', onKey);
    };
  }, [screen]);

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden>◉</span><span className="brand-name"> Capture Station</span>
        </div>
        <nav className="tabs" aria-label="Screens">
          {SCREENS.map((s) => (
            <a
              key={s.id}
              href={`#/${s.id}`}
              className={s.id === screen || (s.id === 'worklist' && (screen === 'exam' || screen === 'audit')) ? 'tab active' : 'tab'}
              aria-current={s.id === screen ? 'page' : undefined}
              title={`Alt+${s.key}`}
              aria-keyshortcuts={`Alt+${s.key}`}
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
      <StatusStrip onCamerasScreen={screen === 'cameras'} onKeys={() => setHelp(true)} />
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
      {help && <KeyHelp onClose={() => setHelp(false)} />}
    </div>
  );
}
