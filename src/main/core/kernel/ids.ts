import { v7 } from 'uuid';

/** Time-ordered UUIDs for rows: sortable by creation, unique across stations. */
export const newId = (): string => v7();
export const nowIso = (): string => new Date().toISOString();
