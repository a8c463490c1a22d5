import { onBeforeUnmount, onMounted, type Ref } from 'vue'
import { router } from '@inertiajs/vue3'

/**
 * Asks before leaving a page with unsaved changes: closing or reloading
 * the tab (the browser's own prompt) and any visit to another address
 * (a link, the business switcher, signing out). Visits to the page's own
 * address (saving, reloading a part of it) and those `allow` accepts go
 * through.
 */
export function useUnsavedChanges(
  dirty: Ref<boolean>,
  message: () => string,
  allow: (url: URL) => boolean = () => false
) {
  function onBeforeUnload(event: BeforeUnloadEvent) {
    if (dirty.value) {
      event.preventDefault()
    }
  }

  let removeRouterListener: (() => void) | undefined

  onMounted(() => {
    window.addEventListener('beforeunload', onBeforeUnload)
    removeRouterListener = router.on('before', (event) => {
      const url = event.detail.visit.url
      if (!dirty.value || url.pathname === window.location.pathname || allow(url)) {
        return
      }
      if (!window.confirm(message())) {
        event.preventDefault()
      }
    })
  })

  onBeforeUnmount(() => {
    window.removeEventListener('beforeunload', onBeforeUnload)
    removeRouterListener?.()
  })
}
