import { defineConfig } from '@adonisjs/inertia'

const inertiaConfig = defineConfig({
  /**
   * The edge template that renders the HTML shell of every page.
   */
  rootView: 'inertia_layout',

  /**
   * Pages render in the browser; the shell carries the first page's props.
   */
  ssr: {
    enabled: false,
    entrypoint: 'inertia/ssr.ts',
  },
})

export default inertiaConfig
