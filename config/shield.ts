import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/shield'
import env from '#start/env'

const shieldConfig = defineConfig({
  /**
   * The pages run only our own bundled scripts (the page data is a JSON
   * script element, never executed); images and audio may also come from
   * the storage's signed links (S3_PUBLIC_ENDPOINT), data: and blob:
   * (previews of a file being attached). In development Vite's client
   * talks to its HMR server over a websocket and injects styles.
   */
  csp: {
    enabled: true,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", '@viteUrl'],
      styleSrc: ["'self'", "'unsafe-inline'", '@viteUrl'],
      imgSrc: ["'self'", 'data:', 'blob:', ...storageOrigins()],
      mediaSrc: ["'self'", 'blob:', ...storageOrigins()],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'", ...(app.inProduction ? [] : ['ws:', 'wss:'])],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    reportOnly: false,
  },

  /**
   * Configure CSRF protection options. Refer documentation
   * to learn more
   */
  csrf: {
    enabled: true,
    /**
     * The JSON API (routes named "api.*") authenticates with Bearer tokens
     * a browser never adds by itself, and answers tokens in bodies another
     * site cannot read; the WhatsApp webhooks carry a per-instance secret.
     * Neither relies on cookies, so CSRF does not apply to them. Transmit's
     * (un)subscribe only ties a stream the page opened to a channel the
     * session is authorized for (start/transmit.ts).
     */
    exceptRoutes: (ctx) => {
      const name = ctx.route?.name ?? ''
      return (
        name.startsWith('api.') ||
        name.startsWith('webhooks.') ||
        name === 'transmit.subscribe' ||
        name === 'transmit.unsubscribe'
      )
    },
    /**
     * Inertia's HTTP client sends the XSRF-TOKEN cookie back as a header.
     */
    enableXsrfCookie: true,
    methods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  },

  /**
   * Control how your website should be embedded inside
   * iFrames
   */
  xFrame: {
    enabled: true,
    action: 'DENY',
  },

  /**
   * Force browser to always use HTTPS
   */
  hsts: {
    enabled: app.inProduction,
    maxAge: '180 days',
  },

  /**
   * Disable browsers from sniffing the content type of a
   * response and always rely on the "content-type" header.
   */
  contentTypeSniffing: {
    enabled: true,
  },
})

export default shieldConfig

/**
 * Where the storage's signed links point, for browsers.
 */
function storageOrigins() {
  if (env.get('DRIVE_DISK') !== 's3') return []
  const endpoint = env.get('S3_PUBLIC_ENDPOINT') || env.get('S3_ENDPOINT')
  if (!endpoint) return ['https://*.amazonaws.com']
  try {
    return [new URL(endpoint).origin]
  } catch {
    return []
  }
}
