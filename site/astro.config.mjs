import { defineConfig } from 'astro/config'
import renderAdapter from './adapter/index.mjs'

// One set of pages, rendered on demand by the publisher (see docs/decisions/003).
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  output: 'server',
  adapter: renderAdapter(),
  site: 'http://amends.invalid',
  trailingSlash: 'always',
  outDir: './dist',
  build: { inlineStylesheets: 'always' },
  compressHTML: true,
  // No raster images on the status page: skip the sharp image service entirely.
  image: { service: { entrypoint: 'astro/assets/services/noop' } },
  devToolbar: { enabled: false },
  telemetry: false,
})
