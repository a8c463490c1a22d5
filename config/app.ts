import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/core/http'
import proxyAddr from 'proxy-addr'

/**
 * The app key encrypts cookies, sessions and the secrets we store
 * (OpenAI keys, gateway tokens). Keep it secret and stable.
 */
export const appKey = env.get('APP_KEY')

/**
 * The public URL of the app: links in messages and the webhook URL
 * handed to the WhatsApp gateway are built from it.
 */
export const appUrl = env.get('APP_URL')

/**
 * Behind Traefik (TRUST_PROXY=true) the client's address is the last
 * X-Forwarded-For hop a proxy on a private network added: addresses a
 * client writes into the header itself are never believed (trusting every
 * hop would let one caller pose as any address and walk past the rate
 * limits).
 */
export const behindProxy = proxyAddr.compile(['loopback', 'linklocal', 'uniquelocal'])

export const http = defineConfig({
  generateRequestId: true,
  allowMethodSpoofing: false,
  /**
   * Lets code outside controllers note the request's business for its log
   * line (see request_logger_middleware).
   */
  useAsyncLocalStorage: true,
  trustProxy: env.get('TRUST_PROXY', false) ? behindProxy : () => false,
  cookie: {
    domain: '',
    path: '/',
    maxAge: '2h',
    httpOnly: true,
    secure: app.inProduction,
    sameSite: 'lax',
  },
})
