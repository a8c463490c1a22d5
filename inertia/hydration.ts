import { readonly, ref } from 'vue'

/**
 * Whether the app has taken over the page in the browser (app.ts sets it
 * right after mounting). Until then the page must render exactly as the
 * server rendered it: what only the browser knows (its time zone, its
 * stored preferences) waits for this, then renders. On the server it
 * stays false.
 */
const state = ref(false)

export const hydrated = readonly(state)

export function markHydrated() {
  state.value = true
}
