import './css/app.css'
import { createApp, createSSRApp, h } from 'vue'
import { createInertiaApp } from '@inertiajs/vue3'
import { pageTitle, resolvePage } from '~/page_setup'
import { markHydrated } from '~/hydration'

createInertiaApp({
  title: pageTitle,
  resolve: resolvePage,
  setup({ el, App, props, plugin }) {
    /**
     * A page the server rendered (ssr.ts) is hydrated: Vue adopts the
     * HTML already on screen instead of building it again. Without it
     * (SSR off, or the server could not render the page), the app mounts
     * afresh.
     */
    const serverRendered = el.hasAttribute('data-server-rendered')
    const typed = serverRendered ? typedBeforeHydration(el) : []
    const app = (serverRendered ? createSSRApp : createApp)({ render: () => h(App, props) })
    app.use(plugin).mount(el)
    for (const restore of typed) restore()
    markHydrated()
  },
  progress: {
    color: '#0d9488',
  },
})

/**
 * On a slow phone the form is on screen well before the scripts arrive,
 * and people start typing: hydrating sets every field back to its state
 * in the app (the e-mail empty again). What was typed or ticked is read
 * before, and given back after as the person's own input, so the app's
 * state gets it too. Hydration keeps the server's elements, so the same
 * element objects are still on the page.
 */
function typedBeforeHydration(root: HTMLElement) {
  const restores: (() => void)[] = []
  for (const field of root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(
    'input, textarea'
  )) {
    if (
      field instanceof HTMLInputElement &&
      (field.type === 'checkbox' || field.type === 'radio')
    ) {
      if (field.checked === field.defaultChecked) continue
      const checked = field.checked
      restores.push(() => {
        if (!field.isConnected || field.checked === checked) return
        field.checked = checked
        field.dispatchEvent(new Event('change', { bubbles: true }))
      })
      continue
    }
    if (field.type === 'file' || field.value === field.defaultValue) continue
    const value = field.value
    restores.push(() => {
      if (!field.isConnected || field.value === value) return
      field.value = value
      field.dispatchEvent(new Event('input', { bubbles: true }))
    })
  }
  return restores
}
