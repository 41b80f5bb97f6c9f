// docs/CONTRACT.md is generated from the contract; a method or event changed without running
// `npm run docs:contract` fails here, so the reference cannot drift from the code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { methods, events } from '../../src/shared/contract/index.ts';
import { contractReference, contractReferencePath } from '../../scripts/contract-reference.ts';

describe('the generated contract reference', () => {
  it('is current: run `npm run docs:contract` after changing src/shared/contract', () => {
    expect(readFileSync(contractReferencePath, 'utf8')).toBe(contractReference());
  });

  it('names every method with its summary, and every event', () => {
    const text = contractReference();
    for (const [name, spec] of Object.entries(methods)) {
      expect(text).toContain(`### \`${name}\`\n\n${spec.summary}\n`);
    }
    for (const name of Object.keys(events)) expect(text).toContain(`### \`${name}\``);
  });

  it('shows optional fields, defaults and ranges from the schemas', () => {
    const text = contractReference();
    const list = text.slice(text.indexOf('### `images.list`'), text.indexOf('### `images.retry`'));
    expect(list).toMatch(/limit\?: integer 1\.\.5000 = 500/);
  });
});
