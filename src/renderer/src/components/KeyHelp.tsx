// "?" on any screen: the one key map (keymap.ts), as a table, grouped by where the keys work.
import { Dialog } from './Dialog.tsx';
import { KEY_MAP, type KeyScope } from '../keymap.ts';

const WHERE: Record<KeyScope, string> = {
  everywhere: 'Everywhere',
  worklist: 'Worklist',
  exam: 'Exam (on a photo)',
  cameras: 'Cameras',
  'large-view': 'Large view of a photo',
};

export function KeyHelp({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keys" onClose={onClose} wide testId="key-help" readOnly>
      <p className="muted">The same key means the same thing on every screen. Keys do nothing while you type in a field.</p>
      <div className="key-help-groups">
        {(Object.keys(WHERE) as KeyScope[]).map((scope) => (
          <section key={scope} aria-label={WHERE[scope]}>
            <h3>{WHERE[scope]}</h3>
            <table className="key-help">
              <tbody>
                {KEY_MAP.filter((b) => b.scopes.includes(scope)).map((b) => (
                  <tr key={b.action}>
                    <th scope="row">{b.keys.map((k, i) => <span key={k}>{i > 0 && ' or '}<kbd>{k}</kbd></span>)}</th>
                    <td>{b.does}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
    </Dialog>
  );
}
