import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The provider's barrel loads every one of its ~2,400 resource modules: seconds and gigabytes.
describe('provider imports', () => {
  const sources = readdirSync(new URL('.', import.meta.url), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: f, text: readFileSync(new URL(f, import.meta.url), 'utf8') }));

  it('reach @cdktn/provider-aws only by deep path (lib/<resource>/index.js), never the barrel', () => {
    const specifiers = sources.flatMap(({ file, text }) =>
      [...text.matchAll(/(?:from|import)\s*\(?\s*['"](@cdktn\/provider-aws[^'"]*)['"]/g)].map((m) => ({
        file,
        specifier: m[1] ?? '',
      })),
    );
    expect(specifiers.length).toBeGreaterThan(20);
    for (const { file, specifier } of specifiers) {
      expect(specifier, file).toMatch(/^@cdktn\/provider-aws\/lib\/[a-z0-9-]+\/index\.js$/);
    }
  });

  it('has no require() of the provider either', () => {
    for (const { file, text } of sources) {
      if (file === 'imports.test.ts') continue;
      expect(text, file).not.toMatch(/require\(\s*['"]@cdktn\/provider-aws['"]/);
    }
  });
});
