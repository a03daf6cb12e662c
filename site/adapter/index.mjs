// A minimal Astro adapter: the server build is not served by a web server; the publisher imports
// its entry once and renders the routes an event touched into static files (decision 003).
export default function renderAdapter() {
  return {
    name: 'amends-render',
    hooks: {
      'astro:config:done': ({ setAdapter }) => {
        setAdapter({
          name: 'amends-render',
          serverEntrypoint: new URL('./entry.mjs', import.meta.url),
          entrypointResolution: 'auto',
          adapterFeatures: { buildOutput: 'server' },
          supportedAstroFeatures: { staticOutput: 'stable', serverOutput: 'stable' },
        })
      },
    },
  }
}
