import { Exception } from '@adonisjs/core/exceptions'

/**
 * The provider refused the business's key (401/403): retrying cannot help.
 */
export class ModelKeyRejectedError extends Exception {
  static code = 'E_MODEL_KEY_REJECTED'
}

/**
 * 429, 5xx, timeouts and network errors that outlasted our retries.
 */
export class ModelUnavailableError extends Exception {
  static code = 'E_MODEL_UNAVAILABLE'
}

/**
 * The turn's job was taken from this worker (expired, or the process is
 * stopping): the turn stops where it is, and hands its claim back.
 */
export class TurnAbortedError extends Exception {
  static code = 'E_TURN_ABORTED'
}

/**
 * Whether a provider error is worth retrying, and how it is called in logs.
 */
export function classifyModelError(error: unknown): 'rejected' | 'transient' | 'fatal' {
  const status = (error as { status?: number })?.status
  const name = (error as { name?: string })?.name ?? ''
  if (status === 401 || status === 403) return 'rejected'
  if (status === 429 || status === 408 || (status !== undefined && status >= 500))
    return 'transient'
  if (
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    name.includes('Timeout') ||
    name.includes('Connection') ||
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|fetch failed|socket hang up|network/i.test(
      String((error as Error)?.message)
    )
  ) {
    return 'transient'
  }
  if (status !== undefined && status >= 400) return 'fatal'
  return 'transient'
}
