import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import tailwindcss from '@tailwindcss/vite'
import adonisjs from '@adonisjs/vite/client'
import { fileURLToPath } from 'node:url'

const SSR_ENTRY = 'inertia/ssr.ts'

/**
 * The server bundle's input is the server entry alone. Vite merges each
 * environment's options over the top-level ones, and merging concatenates
 * arrays: the client entry the @adonisjs/vite plugin sets at the top level
 * joined the server's, and app.ts was bundled for the server too (never
 * loaded, listed in its manifest). Set after the merge, it stays alone.
 */
function ssrInputOnly(entry: string): Plugin {
  return {
    name: 'atiende:ssr-input-only',
    apply: 'build',
    configEnvironment(name, config) {
      if (name !== 'ssr' || !config.build?.rolldownOptions) return
      config.build.rolldownOptions.input = [entry]
    },
  }
}

export default defineConfig({
  plugins: [
    vue(),
    tailwindcss(),
    adonisjs({
      entryPoints: ['inertia/app.ts'],
      /**
       * The server entry (config/inertia.ts, ssr.entrypoint): the plugin
       * gives it the "ssr" environment, built into public/assets/server
       * with its own manifest, where @adonisjs/vite finds it in production.
       */
      serverEntryPoints: [SSR_ENTRY],
      reload: ['resources/views/**/*.edge'],
    }),
    ssrInputOnly(SSR_ENTRY),
  ],
  resolve: {
    alias: {
      '~/': fileURLToPath(new URL('./inertia/', import.meta.url)),
      '@lang/': fileURLToPath(new URL('./resources/lang/', import.meta.url)),
      '@shared/': fileURLToPath(new URL('./app/shared/', import.meta.url)),
    },
  },
  /**
   * `npm run build` (the @adonisjs/vite build hook calls buildApp) builds
   * both bundles: the browser's, then the server's. One after the other,
   * the client first: each empties its own folder, and the server's lives
   * inside the client's.
   */
  builder: {
    buildApp: async (builder) => {
      await builder.build(builder.environments.client)
      await builder.build(builder.environments.ssr)
    },
  },
  server: {
    watch: {
      ignored: ['**/storage/**', '**/tmp/**', '**/build/**'],
    },
  },
})
