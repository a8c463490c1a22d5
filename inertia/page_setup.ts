import type { DefineComponent } from 'vue'
import { resolvePageComponent } from '@adonisjs/inertia/helpers'

/**
 * What the browser entry (app.ts) and the server entry (ssr.ts) share:
 * both must find the same component for a page name and give it the same
 * title, or the HTML the server sends and the app that takes it over in
 * the browser disagree.
 */
export function resolvePage(name: string) {
  return resolvePageComponent(
    `./pages/${name}.vue`,
    import.meta.glob<DefineComponent>('./pages/**/*.vue')
  )
}

export function pageTitle(title: string) {
  return title ? `${title} · Atiende` : 'Atiende'
}
