import env from '#start/env'

/**
 * The AI sales agent: limits, retry policy and the price table used to
 * estimate what each turn costs (USD per 1M tokens; edit as prices change).
 */
const agentConfig = {
  /**
   * Each call to the model (a customer is waiting).
   */
  timeoutMs: 30_000,
  /**
   * Rounds of tool use per turn before the model must answer.
   */
  maxToolRounds: 4,
  /**
   * Tool calls the model may make in one round and in the whole turn;
   * calls past them are answered "limit reached" without running.
   */
  maxToolCallsPerRound: 4,
  maxToolCallsPerTurn: 10,
  /**
   * Product photos one turn may send.
   */
  maxPhotosPerTurn: 3,
  /**
   * Customer photos of a burst the model sees (the newest).
   */
  maxImageInputs: 4,
  /**
   * Room for the conversation's recent messages in the prompt (estimated
   * tokens): the prompt of a turn never grows with the history or catalog.
   */
  memoryTokenBudget: 2_500,
  memoryMaxMessages: 30,
  /**
   * Waits before each retry on 429, 5xx and timeouts: the first within a
   * few seconds, all within about a minute. Then a person is asked for.
   */
  retryDelaysMs: [2_000, 5_000, 12_000, 25_000],
  /**
   * Long replies are split on blank lines into at most this many messages.
   */
  maxReplyParts: 4,
  /**
   * Turns a worker process runs at once.
   */
  workerConcurrency: env.get('AGENT_CONCURRENCY', 10),
  /**
   * A turn's worker beats on its run this often; a run whose beats
   * stopped for `staleAfterMs` belongs to a dead worker and may be taken
   * over.
   */
  heartbeatMs: 5_000,
  staleAfterMs: 30_000,
  prices: {
    'gpt-4.1-mini': { input: 0.4, output: 1.6 },
    'gpt-4.1': { input: 2, output: 8 },
    'gpt-4.1-nano': { input: 0.1, output: 0.4 },
    'gpt-4o-mini': { input: 0.15, output: 0.6 },
    'gpt-4o': { input: 2.5, output: 10 },
  } as Record<string, { input: number; output: number }>,
  /**
   * For models missing from the table: the default model's price.
   */
  fallbackPrice: { input: 0.4, output: 1.6 },
  /**
   * Voice notes and audio files, transcribed with the business's key.
   */
  transcription: {
    models: ['gpt-4o-mini-transcribe', 'gpt-4o-transcribe', 'whisper-1'] as const,
    defaultModel: 'gpt-4o-mini-transcribe',
    /**
     * USD per minute of audio (edit as prices change).
     */
    pricesPerMinute: {
      'gpt-4o-mini-transcribe': 0.003,
      'gpt-4o-transcribe': 0.006,
      'whisper-1': 0.006,
    } as Record<string, number>,
    /**
     * Longer audio is not transcribed (a 40-minute recording must not
     * spend the budget): it is left to a person.
     */
    maxAudioSeconds: 300,
    /**
     * The endpoint's own limit.
     */
    maxBytes: 25 * 1024 * 1024,
    timeoutMs: 60_000,
    /**
     * How long a turn waits for the transcripts of its burst before it
     * answers without them (as the business chose for an audio it could
     * not hear).
     */
    turnWaitMs: 120_000,
  },
}

/**
 * The longest a turn can take, so its job never expires while it still
 * runs (a retry would then answer a second time):
 *
 * - each model call: every attempt up to the timeout, plus the waits
 *   between attempts: 5 × 30 s + 44 s = 194 s;
 * - calls per turn: one per tool round plus the final answer: 5 × 194 s;
 * - delivery: every reply part and photo, each one gateway request of at
 *   most 15 s plus its quick 5xx retries (30 s allowed): 7 × 30 s;
 * - a minute of margin (database, tools, the read receipts).
 *
 * About 21 minutes. A worker that dies is noticed much sooner, by its
 * missed heartbeats (the queue's and the run's).
 */
export const GATEWAY_SEND_BOUND_MS = 30_000

export function longestTurnMs(config = agentConfig) {
  const perCall =
    config.timeoutMs * (config.retryDelaysMs.length + 1) +
    config.retryDelaysMs.reduce((sum, delay) => sum + delay, 0)
  const calls = config.maxToolRounds + 1
  const sends = config.maxReplyParts + config.maxPhotosPerTurn
  return perCall * calls + sends * GATEWAY_SEND_BOUND_MS + 60_000
}

export default agentConfig
