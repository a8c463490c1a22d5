import { Exception } from '@adonisjs/core/exceptions'

/**
 * The gateway could not be reached, timed out, or kept failing (5xx); or
 * it answered that the instance's WhatsApp connection is closed or
 * reconnecting (a 400 "Error: Connection Closed"): a send waits for it.
 */
export class GatewayUnavailableError extends Exception {
  static code = 'E_GATEWAY_UNAVAILABLE'
  static status = 503
}

/**
 * The gateway did not say whether it did it: it timed out, or answered in a
 * shape we cannot read. A message may have gone out, so it is never sent
 * again without a person deciding to.
 */
export class GatewayOutcomeUnknownError extends GatewayUnavailableError {}

/**
 * The gateway refused the request (4xx): a number not on WhatsApp, a
 * request it cannot read, an instance it does not know, bad credentials.
 */
export class GatewayRejectedError extends Exception {
  static code = 'E_GATEWAY_REJECTED'
  static status = 422

  constructor(
    message: string,
    public gatewayStatus: number,
    public reason: 'not_on_whatsapp' | 'unknown_instance' | 'unauthorized' | 'rejected' = 'rejected'
  ) {
    super(message)
  }
}

/**
 * A webhook body that is not a delivery the gateway would send.
 */
export class InvalidWebhookError extends Exception {
  static code = 'E_INVALID_WEBHOOK'
  static status = 400
}
