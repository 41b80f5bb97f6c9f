import { useRunTempRoot } from './temp-root.ts';

export default function setup(): () => void {
  return useRunTempRoot('vitest');
}
