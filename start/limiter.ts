/*
|--------------------------------------------------------------------------
| HTTP rate limiters
|--------------------------------------------------------------------------
*/
import limiter from '@adonisjs/limiter/services/main'
import UserError from '#exceptions/user_error'
import type { HttpContext } from '@adonisjs/core/http'
import { loginIdentityValidator } from '#validators/auth'

/**
 * Login and registration, per account: 10 attempts a minute for one
 * e-mail, from anywhere, then a 5-minute block. The e-mail is read the way
 * the login reads it (trimmed, lower-cased, Gmail dots and +tags dropped),
 * so "ana+1@gmail.com" and "a.na@googlemail.com" count as "ana@gmail.com".
 * Counted before the password is checked.
 */
export const authThrottle = limiter.define('auth', async (ctx) => {
  const raw = String(ctx.request.input('email', '')).slice(0, 254)
  const [, valid] = await loginIdentityValidator.tryValidate({ email: raw })
  const identity = valid?.email ?? raw.trim().toLowerCase()
  return limiter
    .allowRequests(10)
    .every('1 minute')
    .blockFor('5 minutes')
    .usingKey(`auth_account_${identity}`)
    .limitExceeded((error) => {
      error.setMessage(ctx.i18n.t('errors.too_many_attempts')).setStatus(429)
    })
})

/**
 * And per address, across accounts: one address gets 30 wrong passwords
 * a minute over all the accounts it tries, then waits 15 minutes. Only
 * failures count (an office of several people logging in is not slowed),
 * and a success does not wipe them (an attacker's own account does not
 * reset the count).
 */
const failedLogins = () =>
  limiter.use({ requests: 30, duration: '1 minute', blockDuration: '15 minutes' })

const failedLoginsKey = (address: string) => `login_failures_${address}`

/**
 * Clears an address's failed logins (an operator unblocking an office).
 */
export async function forgetFailedLogins(address: string) {
  await failedLogins().delete(failedLoginsKey(address))
}

export async function verifyLoginFromAddress<T>(
  ctx: HttpContext,
  verify: () => Promise<T>
): Promise<T> {
  const store = failedLogins()
  const key = failedLoginsKey(ctx.request.ip())
  if (await store.isBlocked(key)) {
    throw new UserError('errors.too_many_attempts', { status: 429 })
  }
  try {
    return await verify()
  } catch (error) {
    const { consumed, limit } = await store.increment(key)
    if (consumed >= limit) await store.block(key, '15 minutes')
    throw error
  }
}

/**
 * The agent on demand (POST /agent/think): 20 turns a minute per business
 * (each costs the owner's model and may write to a customer).
 */
export const agentApiThrottle = limiter.define('agent_api', (ctx) => {
  const businessId = String(ctx.request.input('business_id', '')).slice(0, 64)
  return limiter
    .allowRequests(20)
    .every('1 minute')
    .usingKey(`agent_api_${businessId}`)
    .limitExceeded((error) => {
      error.setMessage(ctx.i18n.t('errors.too_many_attempts')).setStatus(429)
    })
})

/**
 * Messages sent as a person through the API (POST /wa/:business_id/send):
 * 60 a minute per business (WhatsApp bans numbers that send in bulk).
 */
export const manualSendThrottle = limiter.define('manual_send', (ctx) => {
  const businessId = String(ctx.params.business_id ?? '').slice(0, 64)
  return limiter
    .allowRequests(60)
    .every('1 minute')
    .usingKey(`manual_send_${businessId}`)
    .limitExceeded((error) => {
      error.setMessage(ctx.i18n.t('errors.too_many_attempts')).setStatus(429)
    })
})
