// The contract's PACS methods over the PACS feature (pacs/feature.ts), and the route view.
import type { PacsRoute } from '../../../shared/pacs.ts';
import type { PacsFeature } from '../pacs/feature.ts';
import type { PacsRouteRow } from '../store/pacs.ts';
import type { Handlers } from './types.ts';

export type PacsMethodName = 'pacs.routes.list' | 'pacs.routes.save' | 'pacs.routes.remove' | 'pacs.routes.test';

export const toRouteView = (r: PacsRouteRow): PacsRoute => ({
  id: r.id,
  name: r.name,
  match: r.match,
  cameraAeTitle: r.camera_ae_title,
  aeTitle: r.called_ae_title,
  host: r.host,
  port: r.port,
  callingAeTitle: r.calling_ae_title,
  enabled: r.enabled === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function pacsApi(pacs: PacsFeature): Handlers<PacsMethodName> {
  return {
    'pacs.routes.list': () => pacs.routes().map(toRouteView),
    'pacs.routes.save': (route) => toRouteView(pacs.saveRoute(route)),
    'pacs.routes.remove': ({ id }) => ({ ok: true as const, withdrawn: pacs.removeRoute(id).withdrawn }),
    'pacs.routes.test': (target) => pacs.test(target),
  };
}
