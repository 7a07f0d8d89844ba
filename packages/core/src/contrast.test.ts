import { describe, expect, it } from 'vitest';
import { checkBrandColor, contrastRatio, readableBrandColor } from './contrast.ts';
import { newId } from './ids.ts';

describe('contrast', () => {
  it('computes WCAG ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    expect(contrastRatio('#767676', '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });

  it('accepts a dark brand colour and adjusts a light one to pass AA', () => {
    expect(checkBrandColor('#1d4ed8')).toMatchObject({ ok: true, suggestion: null });
    const light = checkBrandColor('#facc15');
    expect(light.ok).toBe(false);
    expect(light.message).toMatch(/WCAG AA/);
    expect(contrastRatio(light.suggestion ?? '', '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(readableBrandColor('#facc15')).toBe(light.suggestion);
  });
});

describe('newId', () => {
  it('sorts by creation time and is unique', () => {
    const a = newId(1_700_000_000_000);
    const b = newId(1_700_000_000_001);
    expect(a < b).toBe(true);
    expect(a).toHaveLength(26);
    expect(new Set(Array.from({ length: 1000 }, () => newId())).size).toBe(1000);
  });
});
