/**
 * Small statistics for benchmark samples.
 */

export function sorted(values: number[]) {
  return [...values].sort((a, b) => a - b)
}

/**
 * The nearest-rank percentile (p in 0..100) of the samples.
 */
export function percentile(values: number[], p: number) {
  if (values.length === 0) return Number.NaN
  const ordered = sorted(values)
  return ordered[
    Math.min(ordered.length - 1, Math.max(0, Math.ceil((p / 100) * ordered.length) - 1))
  ]
}

export function median(values: number[]) {
  if (values.length === 0) return Number.NaN
  const ordered = sorted(values)
  const middle = Math.floor(ordered.length / 2)
  return ordered.length % 2 ? ordered[middle] : (ordered[middle - 1] + ordered[middle]) / 2
}

export function max(values: number[]) {
  return values.length === 0 ? Number.NaN : Math.max(...values)
}

/**
 * A figure for a Markdown table: fixed decimals, thousands separated.
 */
export function fmt(value: number, decimals = 1) {
  if (!Number.isFinite(value)) return '–'
  return value.toLocaleString('en', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  })
}

/**
 * The runs of a figure as "median (run 1 / run 2 / run 3)".
 */
export function withRuns(values: number[], decimals = 1) {
  return `${fmt(median(values), decimals)} (${values.map((value) => fmt(value, decimals)).join(' / ')})`
}
