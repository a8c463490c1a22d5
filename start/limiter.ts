/*
|--------------------------------------------------------------------------
| HTTP rate limiters
|--------------------------------------------------------------------------
*/
import limiter from '@adonisjs/limiter/services/main'

/**
 * Login and registration: 10 attempts a minute per IP and e-mail, then a
 * 5 minute block. Slows password guessing without bothering real people.
 */
export const authThrottle = limiter.define('auth', (ctx) => {
  const email = String(ctx.request.input('email', '')).toLowerCase().slice(0, 254)
  return limiter
    .allowRequests(10)
    .every('1 minute')
    .blockFor('5 minutes')
    .usingKey(`auth_${ctx.request.ip()}_${email}`)
    .limitExceeded((error) => {
      error.setMessage(ctx.i18n.t('errors.too_many_attempts')).setStatus(429)
    })
})
