import type { Page } from 'playwright'
import type { Decorator } from '@japa/browser-client/types'

/**
 * Pages come rendered from the server (inertia/ssr.ts): a first visit is
 * on screen, and its buttons are found, before the app has hydrated it
 * and a click does anything. A person sees the page still loading; a test
 * would click into the void. After `goto` and `reload` (and so `visit`),
 * the page is waited for until its app is live: at once for a page the
 * server did not render, and not at all where scripts are off.
 */
export async function untilLive(page: Page) {
  await page.waitForFunction(() => {
    const browser = globalThis as any
    if (browser.matchMedia('(scripting: none)').matches) return true
    const app = browser.document.getElementById('app')
    return !app?.hasAttribute('data-server-rendered') || '__vue_app__' in app
  })
}

export const waitForHydration: Decorator = {
  page(page) {
    const goto = page.goto.bind(page)
    const reload = page.reload.bind(page)
    page.goto = async (...args) => {
      const response = await goto(...args)
      await untilLive(page)
      return response
    }
    page.reload = async (...args) => {
      const response = await reload(...args)
      await untilLive(page)
      return response
    }
  },
}
