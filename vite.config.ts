import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import tailwindcss from '@tailwindcss/vite'
import adonisjs from '@adonisjs/vite/client'
import { fileURLToPath } from 'node:url'

export default defineConfig({
  plugins: [
    vue(),
    tailwindcss(),
    adonisjs({
      entryPoints: ['inertia/app.ts'],
      reload: ['resources/views/**/*.edge'],
    }),
  ],
  resolve: {
    alias: {
      '~/': fileURLToPath(new URL('./inertia/', import.meta.url)),
      '@lang/': fileURLToPath(new URL('./resources/lang/', import.meta.url)),
      '@shared/': fileURLToPath(new URL('./app/shared/', import.meta.url)),
    },
  },
  /**
   * Pages render in the browser only: build the client bundle alone (the
   * default app build would also emit an SSR bundle over it).
   */
  builder: {
    buildApp: async (builder) => {
      await builder.build(builder.environments.client)
    },
  },
  server: {
    watch: {
      ignored: ['**/storage/**', '**/tmp/**', '**/build/**'],
    },
  },
})
