export { escapeHtml, renderMarkdown } from '@upstate/theme-base/markdown';
export * from '@upstate/theme-base/view';
export { type Badge, badgeFiles, badgeSvg, badges, shieldsEndpoint } from './badges.ts';
export { compileTheme, ensureTheme, ensureThemes, themeNames, themeSourceHash } from './compile.ts';
export { embedBudgetBytes, embedScript, embedSize } from './embed.ts';
export { buildFeeds } from './feeds.ts';
export {
  brandCss,
  type CompiledTheme,
  embedFramePath,
  loadTheme,
  renderPage,
  renderSite,
  type SiteFile,
  sitePages,
  themeDir,
  themePackage,
} from './site.ts';
