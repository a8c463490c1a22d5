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
}

export default agentConfig
