import { describe, expect, it } from 'vitest';
import { embedBudgetBytes, embedScript, embedSize } from './embed.ts';

describe('the status embed script', () => {
  it('stays within 3 KB gzipped', () => {
    const size = embedSize();
    console.info(size.message);
    expect(embedBudgetBytes).toBe(3072);
    expect(size.gzipped).toBeGreaterThan(300);
    expect(size.gzipped).toBeLessThanOrEqual(embedBudgetBytes);
    expect(size.ok).toBe(true);
  });

  it('is one self-contained script: valid JavaScript, no imports, no HTML injection, no storage beyond the session', () => {
    expect(() => new Function(embedScript)).not.toThrow();
    expect(embedScript).not.toMatch(
      /\b(import|require|eval|innerHTML|outerHTML|insertAdjacentHTML|document\.write|localStorage|cookie)\b/,
    );
    expect(embedScript).toContain('/api/v2/summary.json');
    expect(embedScript).toContain('textContent');
  });
});
