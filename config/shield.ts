import { defineConfig } from '@adonisjs/shield'

const shieldConfig = defineConfig({
  /**
   * Configure CSP policies for your app. Refer documentation
   * to learn more
   */
  csp: {
    enabled: false,
    directives: {},
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
    enabled: true,
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
