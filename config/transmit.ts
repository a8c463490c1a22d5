import { defineConfig } from '@adonisjs/transmit'

/**
 * Server-sent events to the web app (live inbox, QR codes, statuses).
 */
export default defineConfig({
  /**
   * Keeps idle streams open through proxies and load balancers.
   */
  pingInterval: '25s',
  transport: null,
})
