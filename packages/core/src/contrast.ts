// WCAG 2.x relative luminance and contrast ratio. The brand colour is used as a button/bar
// background under white text and as link text on white, so it must reach AA (4.5:1) on white.

export const minimumContrast = 4.5;

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function parseHex(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new TypeError(`not a #rrggbb colour: ${hex}`);
  return [
    Number.parseInt(m[1] as string, 16),
    Number.parseInt(m[2] as string, 16),
    Number.parseInt(m[3] as string, 16),
  ];
}

function toHex([r, g, b]: [number, number, number]): string {
  return `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

export function relativeLuminance(hex: string): number {
  const [r, g, b] = parseHex(hex);
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

export interface BrandColorCheck {
  ok: boolean;
  color: string;
  ratioOnWhite: number;
  /** The nearest darker shade that passes AA, when `color` does not. */
  suggestion: string | null;
  message: string | null;
}

/** Checks a brand colour against white at WCAG AA and proposes the nearest darker shade that passes. */
export function checkBrandColor(hex: string): BrandColorCheck {
  const color = hex.toLowerCase();
  const ratioOnWhite = round2(contrastRatio(color, '#ffffff'));
  if (ratioOnWhite >= minimumContrast) return { ok: true, color, ratioOnWhite, suggestion: null, message: null };
  const rgb = parseHex(color);
  let suggestion = color;
  for (let f = 0.98; f > 0; f -= 0.02) {
    suggestion = toHex([rgb[0] * f, rgb[1] * f, rgb[2] * f]);
    if (contrastRatio(suggestion, '#ffffff') >= minimumContrast) break;
  }
  return {
    ok: false,
    color,
    ratioOnWhite,
    suggestion,
    message: `Brand colour ${color} has a contrast ratio of ${ratioOnWhite}:1 against white; WCAG AA needs ${minimumContrast}:1. ${suggestion} is the nearest darker shade that passes.`,
  };
}

/** The colour the page uses: the brand colour if it passes AA, otherwise the adjusted shade. */
export function readableBrandColor(hex: string): string {
  const check = checkBrandColor(hex);
  return check.ok ? check.color : (check.suggestion ?? '#1f2937');
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
