import type { MethodOutput } from '../../../shared/contract/index.ts';
import type { SourceRow } from '../store/sources.ts';
import type { ImagesRepo } from '../store/images.ts';
import type { SourceManager } from '../sources/source-manager.ts';
import type { Handlers } from './types.ts';

type SourceOut = MethodOutput<'sources.list'>['items'][number];

export function sourcesApi(manager: SourceManager, images: ImagesRepo): Handlers<'sources.list' | 'sources.add' | 'sources.remove'> {
  const out = (s: SourceRow): SourceOut => ({
    id: s.id,
    kind: s.kind,
    path: s.path,
    polling: s.polling === 1,
    state: s.state,
    stateDetail: s.state_detail,
    lastFileAt: s.last_file_at,
    imageCount: images.countForSource(s.id),
    createdAt: s.created_at,
  });
  return {
    'sources.list': () => ({ items: manager.list().map(out) }),
    'sources.add': async ({ path, polling }) => out(await manager.add(path, polling, { fromOperator: true })),
    'sources.remove': async ({ id }) => {
      await manager.remove(id);
      return { ok: true as const };
    },
  };
}
