import { test } from '@japa/runner'
import { lineDiff } from '../../../inertia/components/knowledge/line_diff.js'

/**
 * The prompt page compares an earlier version with the current one line
 * by line (inertia/components/knowledge/line_diff.ts).
 */
test.group('Prompt line diff', () => {
  test('keeps common lines and marks what each side alone has', ({ assert }) => {
    const before = 'Eres el asistente.\nSé breve.\nNo inventes precios.\nDespídete.'
    const after = 'Eres el asistente.\nSé muy breve.\nNo inventes precios.\nUsa emojis.\nDespídete.'

    assert.deepEqual(lineDiff(before, after), [
      { kind: 'same', text: 'Eres el asistente.' },
      { kind: 'removed', text: 'Sé breve.' },
      { kind: 'added', text: 'Sé muy breve.' },
      { kind: 'same', text: 'No inventes precios.' },
      { kind: 'added', text: 'Usa emojis.' },
      { kind: 'same', text: 'Despídete.' },
    ])
  })

  test('identical texts have no changes; an empty side is all added or removed', ({ assert }) => {
    assert.isTrue(lineDiff('a\nb', 'a\nb').every((line) => line.kind === 'same'))
    assert.deepEqual(
      lineDiff('uno\ndos', '').map((line) => line.kind),
      ['removed', 'removed']
    )
  })
})
