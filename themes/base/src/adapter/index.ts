import type { AstroIntegration } from 'astro';

/**
 * The Upstate adapter: a server build whose entry exports `render(request, snapshot)`, so a
 * publish renders every page of a tenant in-process from one compiled theme.
 */
export default function upstateAdapter(): AstroIntegration {
  return {
    name: '@upstate/theme-base/adapter',
    hooks: {
      'astro:config:done': ({ setAdapter }) => {
        setAdapter({
          name: '@upstate/theme-base/adapter',
          entrypointResolution: 'auto',
          serverEntrypoint: new URL('./server.ts', import.meta.url),
          supportedAstroFeatures: { staticOutput: 'stable', serverOutput: 'stable', hybridOutput: 'stable' },
        });
      },
    },
  };
}
