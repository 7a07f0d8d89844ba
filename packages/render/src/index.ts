export { compileTheme, ensureTheme, ensureThemes, themeNames, themeSourceHash } from './compile.ts';
export { buildFeeds } from './feeds.ts';
export { escapeHtml, renderMarkdown } from './markdown.ts';
export {
  brandCss,
  type CompiledTheme,
  loadTheme,
  renderPage,
  renderSite,
  type SiteFile,
  sitePages,
  themeDir,
} from './site.ts';
export * from './view.ts';
