export type DiffLine = { kind: 'same' | 'removed' | 'added'; text: string }

/**
 * Line by line differences from `before` to `after` (longest common
 * subsequence): what only `before` has is "removed", what only `after`
 * has is "added". Prompts are a few hundred lines at most.
 */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before === '' ? [] : before.split('\n')
  const b = after === '' ? [] : after.split('\n')

  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start++
  let endA = a.length
  let endB = b.length
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--
    endB--
  }

  const head = a.slice(0, start).map((text) => ({ kind: 'same' as const, text }))
  const tail = a.slice(endA).map((text) => ({ kind: 'same' as const, text }))
  const middleA = a.slice(start, endA)
  const middleB = b.slice(start, endB)
  const n = middleA.length
  const m = middleB.length

  /**
   * lengths[i][j]: the longest common run of middleA[i..] and middleB[j..].
   */
  const width = m + 1
  const lengths = new Uint32Array((n + 1) * width)
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * width + j] =
        middleA[i] === middleB[j]
          ? lengths[(i + 1) * width + j + 1] + 1
          : Math.max(lengths[(i + 1) * width + j], lengths[i * width + j + 1])
    }
  }

  const middle: DiffLine[] = []
  let i = 0
  let j = 0
  while (i < n && j < m) {
    if (middleA[i] === middleB[j]) {
      middle.push({ kind: 'same', text: middleA[i] })
      i++
      j++
    } else if (lengths[(i + 1) * width + j] >= lengths[i * width + j + 1]) {
      middle.push({ kind: 'removed', text: middleA[i++] })
    } else {
      middle.push({ kind: 'added', text: middleB[j++] })
    }
  }
  while (i < n) middle.push({ kind: 'removed', text: middleA[i++] })
  while (j < m) middle.push({ kind: 'added', text: middleB[j++] })

  return [...head, ...middle, ...tail]
}
