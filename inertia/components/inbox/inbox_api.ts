/**
 * JSON calls of the inbox page to its own routes (start/routes/inbox.ts),
 * with the session cookie and the CSRF token, as the Inertia client sends
 * them. Errors carry the server's translated message.
 */
export class InboxApiError extends Error {
  constructor(
    message: string,
    public status: number
  ) {
    super(message)
  }
}

function xsrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)XSRF-TOKEN=([^;]+)/)
  return match ? decodeURIComponent(match[1]) : ''
}

export async function inboxRequest<T>(
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  body?: Record<string, unknown> | FormData,
  fallbackError = 'Error'
): Promise<T> {
  const headers: Record<string, string> = {
    'accept': 'application/json',
    'x-xsrf-token': xsrfToken(),
    'x-requested-with': 'XMLHttpRequest',
  }
  let payload: BodyInit | undefined
  if (body instanceof FormData) {
    payload = body
  } else if (body) {
    headers['content-type'] = 'application/json'
    payload = JSON.stringify(body)
  }

  let response: Response
  try {
    response = await fetch(url, { method, headers, body: payload, credentials: 'same-origin' })
  } catch {
    throw new InboxApiError(fallbackError, 0)
  }
  const text = await response.text()
  const data = text ? safeJson(text) : null
  if (!response.ok) {
    const message =
      (data && typeof data.message === 'string' && data.message) ||
      (data && Array.isArray(data.errors) && data.errors[0]?.message) ||
      fallbackError
    throw new InboxApiError(message, response.status)
  }
  return data as T
}

function safeJson(text: string) {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}
