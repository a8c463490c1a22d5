import { onMounted, ref } from 'vue'

const STORAGE_KEY = 'atiende.inbox.sound'

/**
 * A short chime for new customer messages: off by default, the choice
 * remembered in this browser. The tone is synthesized (no audio file); the
 * audio context is created on the click that turns it on, as browsers
 * require.
 */
export function useNotificationSound() {
  /**
   * Off until the page is live: the choice is in this browser's storage,
   * which the server that renders the page cannot read, and the page
   * must hydrate as the server rendered it.
   */
  const enabled = ref(false)
  onMounted(() => (enabled.value = readPreference()))
  let context: AudioContext | null = null

  function readPreference() {
    try {
      return window.localStorage.getItem(STORAGE_KEY) === 'on'
    } catch {
      return false
    }
  }

  function audio() {
    if (!context && typeof AudioContext !== 'undefined') {
      context = new AudioContext()
    }
    if (context?.state === 'suspended') void context.resume()
    return context
  }

  function toggle() {
    enabled.value = !enabled.value
    try {
      window.localStorage.setItem(STORAGE_KEY, enabled.value ? 'on' : 'off')
    } catch {
      // A browser that keeps nothing still plays the sound in this tab.
    }
    if (enabled.value) play()
  }

  function play() {
    if (!enabled.value) return
    const ctx = audio()
    if (!ctx) return
    const start = ctx.currentTime
    for (const [offset, frequency] of [
      [0, 880],
      [0.12, 1175],
    ]) {
      const oscillator = ctx.createOscillator()
      const gain = ctx.createGain()
      oscillator.type = 'sine'
      oscillator.frequency.value = frequency
      gain.gain.setValueAtTime(0.0001, start + offset)
      gain.gain.exponentialRampToValueAtTime(0.15, start + offset + 0.02)
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.18)
      oscillator.connect(gain).connect(ctx.destination)
      oscillator.start(start + offset)
      oscillator.stop(start + offset + 0.2)
    }
  }

  return { enabled, toggle, play }
}
