import OpenAI from 'openai'
import env from '#start/env'
import type Business from '#models/business'
import { OutboundGuard } from '#services/outbound_guard'

/**
 * 'not_working': a URL the business chose failed, whatever the reason (a
 * refused key is not told from a host that cannot be reached or may not
 * be: the answer must not describe the network behind the URL).
 */
export type KeyCheck = 'valid' | 'rejected' | 'unreachable' | 'not_working'

/**
 * One way in to the model provider for everything that is not the agent
 * loop: which URL a business talks to, and whether a key works there.
 */
export class AiProvider {
  /**
   * How the `openai` SDK reaches a business's provider. The business's own
   * OpenAI-compatible URL goes through the outbound guard (hosts in
   * AI_PROVIDER_ALLOWED_HOSTS may be private); the operator's
   * OPENAI_BASE_URL, else the SDK's default (the official API), is
   * trusted as it is.
   */
  static connectionFor(business: Pick<Business, 'openaiBaseUrl'>) {
    if (!business.openaiBaseUrl) {
      return { baseURL: env.get('OPENAI_BASE_URL') || undefined }
    }
    return { baseURL: business.openaiBaseUrl, fetch: AiProvider.guard().fetch }
  }

  /**
   * The outbound guard for provider URLs businesses choose.
   */
  static guard() {
    return new OutboundGuard({
      allowedHosts: env.get('AI_PROVIDER_ALLOWED_HOSTS')?.split(',') ?? [],
    })
  }

  /**
   * Lists models with the key: 401/403 mean the provider rejected it;
   * network errors, timeouts and 5xx mean we could not tell. At a URL the
   * business chose, any failure is 'not_working'.
   */
  async checkKey(apiKey: string, baseUrl?: string | null): Promise<KeyCheck> {
    const client = new OpenAI({
      apiKey,
      ...AiProvider.connectionFor({ openaiBaseUrl: baseUrl ?? null }),
      timeout: 15_000,
      maxRetries: 1,
    })

    try {
      await client.models.list()
      return 'valid'
    } catch (error) {
      if (baseUrl) {
        return 'not_working'
      }
      if (
        error instanceof OpenAI.AuthenticationError ||
        error instanceof OpenAI.PermissionDeniedError
      ) {
        return 'rejected'
      }
      if (error instanceof OpenAI.NotFoundError) {
        return 'rejected'
      }
      return 'unreachable'
    }
  }
}
