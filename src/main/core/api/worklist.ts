// The worklist contract methods (src/shared/contract/worklist.ts), implemented over the worklist
// feature's services. Inputs arrive already validated by dispatch.
import { toWorklistSettingsView } from '../../../shared/worklist-settings.ts';
import type { WorklistFeature } from '../worklist/feature.ts';
import { ExamViews } from './exam-views.ts';
import type { Handlers, MediaUrls } from './types.ts';

export type WorklistMethodName =
  | 'worklist.list'
  | 'worklist.providers'
  | 'worklist.refresh'
  | 'worklist.settings.get'
  | 'worklist.settings.update'
  | 'orders.create'
  | 'orders.update'
  | 'orders.capturingNow'
  | 'orders.setCapturingNow'
  | 'exam.get'
  | 'exam.pickBest'
  | 'exam.setUngradable'
  | 'exam.complete'
  | 'exam.reopen'
  | 'images.assign'
  | 'images.confirmMatch'
  | 'images.reject'
  | 'images.unreject'
  | 'unassigned.list'
  | 'audit.list'
  | 'operators.list'
  | 'operators.add'
  | 'operators.signIn'
  | 'operators.signOut';

export type WorklistHandlers = Handlers<WorklistMethodName>;

const ok = { ok: true as const };

/** "Name · patient ID" of an order, for lists that show which exam a photo is on. */
export function orderLabel(f: WorklistFeature, orderId: string): string | null {
  const o = f.repo.byId(orderId);
  return o ? `${o.patient_name} · ${o.patient_id}` : null;
}

export interface WorklistApiDeps {
  urls: MediaUrls;
  /** The station's site (settings.siteId); '' = one site, show everything. */
  siteId(): string;
}

export function worklistApi(f: WorklistFeature, deps: WorklistApiDeps): WorklistHandlers {
  const { exams, operators } = f;
  const views = new ExamViews({ repo: f.repo, urls: deps.urls, siteId: deps.siteId, burstGapSeconds: () => f.settings().burstGapSeconds });
  const summaryOf = (id: string) => views.summaryOf(f.repo.byId(id)!);
  return {
    'worklist.list': (input) => views.worklist(input),
    'worklist.providers': () => ({ items: f.sync.status() }),
    'worklist.refresh': async () => {
      await f.sync.pollAll();
      return { items: f.sync.status() };
    },
    'worklist.settings.get': () => toWorklistSettingsView(f.settings()),
    'worklist.settings.update': (patch) => f.updateSettings(patch),

    'orders.create': ({ order, allowDuplicate }) => {
      const r = exams.createOrder(order, allowDuplicate);
      return r.created ? { created: true as const, order: summaryOf(r.id) } : { created: false as const, duplicates: r.duplicates.map((o) => views.summaryOf(o)) };
    },
    'orders.update': ({ id, order }) => {
      exams.updateOrder(id, order);
      return summaryOf(id);
    },
    'orders.capturingNow': () => {
      const id = f.repo.capturingNowId();
      const o = id ? f.repo.byId(id) : undefined;
      return o ? { orderId: o.id, patientName: o.patient_name, patientId: o.patient_id } : null;
    },
    'orders.setCapturingNow': ({ id, on }) => {
      exams.setCapturingNow(id, on);
      return ok;
    },

    'exam.get': ({ orderId }) => views.exam(orderId),
    'exam.pickBest': ({ orderId, eye, imageId }) => {
      exams.pickBest(orderId, eye, imageId);
      return ok;
    },
    'exam.setUngradable': ({ orderId, eye, reason }) => {
      exams.setUngradable(orderId, eye, reason);
      return ok;
    },
    'exam.complete': ({ orderId }) => ({ ok: true as const, revision: exams.complete(orderId) }),
    'exam.reopen': ({ orderId }) => {
      exams.reopen(orderId);
      return ok;
    },

    'images.assign': ({ imageIds, orderId, eye }) => {
      exams.assign(imageIds, orderId, eye);
      return ok;
    },
    'images.confirmMatch': ({ imageIds }) => {
      exams.confirmMatch(imageIds);
      return ok;
    },
    'images.reject': ({ imageId, reason }) => {
      exams.reject(imageId, reason);
      return ok;
    },
    'images.unreject': ({ imageId }) => {
      exams.unreject(imageId);
      return ok;
    },

    'unassigned.list': ({ limit }) => views.unassigned(limit),
    'audit.list': ({ orderId }) => {
      const items = views.audit(orderId);
      const labels: Record<string, string> = {};
      const ids = new Set<string>([orderId]);
      for (const e of items) {
        for (const v of [e.orderId, (e.before as { orderId?: unknown } | null)?.orderId, (e.after as { orderId?: unknown } | null)?.orderId]) {
          if (typeof v === 'string') ids.add(v);
        }
      }
      for (const id of ids) {
        const label = orderLabel(f, id);
        if (label) labels[id] = label;
      }
      return { items, labels };
    },

    'operators.list': () => ({ items: operators.list(), current: operators.current() }),
    'operators.add': ({ name }) => {
      const op = operators.add(name);
      f.operatorsChanged();
      return op;
    },
    'operators.signIn': ({ id }) => {
      const op = operators.signIn(id);
      f.operatorsChanged();
      return op;
    },
    'operators.signOut': () => {
      operators.signOut();
      f.operatorsChanged();
      return ok;
    },
  };
}
