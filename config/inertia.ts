import { defineConfig } from '@adonisjs/inertia'
import env from '#start/env'

const inertiaConfig = defineConfig({
  /**
   * The edge template that renders the HTML shell of every page.
   */
  rootView: 'inertia_layout',

  /**
   * A first visit gets the page's HTML rendered on the server (inertia/ssr.ts)
   * with its props, and the browser hydrates it; later visits are Inertia's
   * JSON as before. In development and tests the entry runs through Vite's
   * module runner, in production from the bundle `npm run build` makes.
   * INERTIA_SSR=false goes back to rendering in the browser only (the
   * client-only shell of start/view.ts).
   */
  ssr: {
    enabled: env.get('INERTIA_SSR', true),
    entrypoint: 'inertia/ssr.ts',
  },
})

export default inertiaConfig
