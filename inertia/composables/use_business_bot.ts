import { computed, reactive, watch } from 'vue'
import { router } from '@inertiajs/vue3'
import { businessBotStatus, type BusinessBotFacts } from '@shared/bot_status'

/**
 * The business's bot on a page: the facts it depends on, kept current
 * (the switch, live events), and its status from the shared rule. The
 * business switch asks before turning the bot off for every customer.
 *
 * `source` gives the facts as the server sent them (they replace the
 * page's when the page's props change); `only` names the props a page
 * reloads after the switch (all by default).
 */
export function useBusinessBot(source: () => BusinessBotFacts, options: { only?: string[] } = {}) {
  const facts = reactive<BusinessBotFacts>({ ...source() })
  watch(source, (next) => Object.assign(facts, next))

  const status = computed(() => businessBotStatus(facts))

  const control = reactive({
    saving: false,
    confirming: false,
    /**
     * On at once; off only after the person confirms.
     */
    set(next: boolean) {
      if (next) save(true)
      else control.confirming = true
    },
    confirm() {
      control.confirming = false
      save(false)
    },
    cancel() {
      control.confirming = false
    },
  })

  function save(next: boolean) {
    const previous = facts.botEnabled
    facts.botEnabled = next
    control.saving = true
    router.put(
      '/settings/bot',
      { botEnabled: next },
      {
        preserveScroll: true,
        preserveState: true,
        ...(options.only ? { only: options.only } : {}),
        onError: () => (facts.botEnabled = previous),
        onFinish: () => (control.saving = false),
      }
    )
  }

  /**
   * A live `business.updated` or `whatsapp.updated` event.
   */
  function apply(event: { type: string } & Record<string, any>) {
    if (event.type === 'business.updated') {
      const changes = event.business as Partial<BusinessBotFacts>
      for (const key of ['botEnabled', 'hasOpenaiKey', 'botBlockedReason'] as const) {
        if (changes[key] !== undefined) Object.assign(facts, { [key]: changes[key] })
      }
    }
    if (event.type === 'whatsapp.updated') {
      facts.whatsappConnected = (event.instance as { connected?: boolean }).connected === true
    }
  }

  return { facts, status, control, apply }
}

export type BusinessBotControl = ReturnType<typeof useBusinessBot>['control']

/**
 * The facts the rule reads, from a business as the server sent it.
 */
export function botFactsOf(business: BusinessBotFacts): BusinessBotFacts {
  return {
    botEnabled: business.botEnabled,
    hasOpenaiKey: business.hasOpenaiKey,
    botBlockedReason: business.botBlockedReason,
    whatsappConnected: business.whatsappConnected,
  }
}
