import { onBeforeUnmount, onMounted, ref } from 'vue'
import { Transmit } from '@adonisjs/transmit-client'

/**
 * Live events of a business (server-sent events over Transmit). The page
 * gets each event as it happens; `connected` says whether the stream is up.
 */
export type BusinessEvent = { type: string } & Record<string, any>

let client: Transmit | null = null

function transmit() {
  client ??= new Transmit({ baseUrl: window.location.origin })
  return client
}

export function useBusinessEvents(businessId: string, onEvent: (event: BusinessEvent) => void) {
  const connected = ref(false)
  let unsubscribe: (() => void) | null = null
  let subscription: ReturnType<Transmit['subscription']> | null = null

  onMounted(async () => {
    subscription = transmit().subscription(`businesses/${businessId}`)
    unsubscribe = subscription.onMessage<BusinessEvent>((event) => onEvent(event))
    try {
      await subscription.create()
      connected.value = true
    } catch {
      connected.value = false
    }
  })

  onBeforeUnmount(() => {
    unsubscribe?.()
    void subscription?.delete().catch(() => {})
  })

  return { connected }
}
