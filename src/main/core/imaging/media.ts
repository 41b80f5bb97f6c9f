// Pictures for the UI: the thumbnail from the spool, and a full-size view (the original JPEG/PNG
// as it is, other formats rendered to JPEG on request).
import { readFile } from 'node:fs/promises';
import type { ImagesRepo } from '../store/images.ts';
import type { FileNameRule } from '../../../shared/domain.ts';
import type { Spool } from '../store/spool.ts';
import { readImage } from '../metadata/index.ts';
import { renderFullView } from './render.ts';

export interface MediaBody {
  contentType: string;
  body: Buffer;
}

export class MediaService {
  private readonly images: ImagesRepo;
  private readonly spool: Spool;
  private readonly rules: () => FileNameRule[];

  constructor(images: ImagesRepo, spool: Spool, rules: () => FileNameRule[]) {
    this.images = images;
    this.spool = spool;
    this.rules = rules;
  }

  async thumbnail(id: string): Promise<MediaBody | null> {
    const row = this.images.byId(id);
    if (!row?.sha256 || row.preview !== 'ok') return null;
    return { contentType: 'image/jpeg', body: await readFile(this.spool.pathFor(row.sha256, 'thumb')) };
  }

  async full(id: string): Promise<MediaBody | null> {
    const row = this.images.byId(id);
    if (!row?.sha256 || row.preview !== 'ok') return null;
    const bytes = await readFile(this.spool.pathFor(row.sha256));
    if (row.format === 'jpeg') return { contentType: 'image/jpeg', body: bytes };
    if (row.format === 'png') return { contentType: 'image/png', body: bytes };
    const { preview } = await readImage(bytes, row.file_name, this.rules());
    if (preview.kind === 'none') return null;
    return { contentType: 'image/jpeg', body: await renderFullView(preview) };
  }
}
