/*
|--------------------------------------------------------------------------
| HTTP kernel file
|--------------------------------------------------------------------------
*/
import router from '@adonisjs/core/services/router'
import server from '@adonisjs/core/services/server'
import { exceptWebhooks } from '#middleware/except_webhooks'

server.errorHandler(() => import('#exceptions/handler'))

/**
 * Runs on every request, even when no route matches.
 */
server.use([
  () => import('#middleware/request_logger_middleware'),
  () => import('#middleware/container_bindings_middleware'),
  () => import('@adonisjs/static/static_middleware'),
  () => import('@adonisjs/vite/vite_middleware'),
  () => import('#middleware/detect_user_locale_middleware'),
  () => import('#middleware/inertia_middleware'),
])

/**
 * Runs on every request with a matching route. Sessions, CSRF, auth and
 * Bouncer are for people and API clients: the WhatsApp gateway's webhooks
 * skip them (they carry their own secret, see except_webhooks.ts), and the
 * NUL refusal (their parser drops NULs instead).
 */
router.use([
  () => import('#middleware/body_parser_middleware'),
  exceptWebhooks(() => import('@adonisjs/session/session_middleware')),
  exceptWebhooks(() => import('@adonisjs/shield/shield_middleware')),
  exceptWebhooks(() => import('@adonisjs/auth/initialize_auth_middleware')),
  exceptWebhooks(() => import('#middleware/initialize_bouncer_middleware')),
  exceptWebhooks(() => import('#middleware/refuse_nul_characters_middleware')),
])

/**
 * Named middleware, applied per route.
 */
export const middleware = router.named({
  guest: () => import('#middleware/guest_middleware'),
  auth: () => import('#middleware/auth_middleware'),
  json: () => import('#middleware/force_json_response_middleware'),
  currentBusiness: () => import('#middleware/current_business_middleware'),
})
