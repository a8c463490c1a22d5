import agentConfig from '#config/agent'

/**
 * Estimated cost of a turn in US dollars, as an exact decimal string with
 * six places (micro-dollars are counted as integers, never floats summed).
 */
export function estimateCost(model: string, promptTokens: number, completionTokens: number) {
  const price = agentConfig.prices[model] ?? agentConfig.fallbackPrice
  const microDollars = Math.round(promptTokens * price.input + completionTokens * price.output)
  return microsToDecimal(microDollars)
}

export function microsToDecimal(micros: number) {
  const sign = micros < 0 ? '-' : ''
  const digits = String(Math.abs(micros)).padStart(7, '0')
  return `${sign}${digits.slice(0, -6)}.${digits.slice(-6)}`
}
