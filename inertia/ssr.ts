import { createSSRApp, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { createInertiaApp } from '@inertiajs/vue3'
import type { Page } from '@inertiajs/core'
import { pageTitle, resolvePage } from '~/page_setup'

/**
 * The server entry: @adonisjs/inertia calls it with the page object of a
 * first visit (config/inertia.ts, ssr) and the layout prints what comes
 * back: `body` is the page's HTML after its data (Inertia's buildSSRBody,
 * which escapes "<" and "/" in the JSON), `head` the <Head> elements. In
 * development and tests it runs through Vite's module runner; `npm run
 * build` bundles it for production (serverEntryPoints in vite.config.ts).
 *
 * `renderToString` is vue/server-renderer, the @vue/server-renderer that
 * ships with (and always matches) the installed vue.
 */
export default async function render(page: Page) {
  try {
    return await createInertiaApp({
      page,
      render: renderToString,
      title: pageTitle,
      resolve: resolvePage,
      setup({ App, props, plugin }) {
        return createSSRApp({ render: () => h(App, props) }).use(plugin)
      },
    })
  } catch (error) {
    /**
     * A page that cannot render here still works in the browser: with no
     * body, the layout prints the client-only shell (start/view.ts) and
     * the browser renders the page as it did before SSR. The failure is
     * logged, never shown.
     */
    console.error(`SSR of "${page.component}" failed; sent for the browser to render`, error)
    return { head: [], body: '' }
  }
}
