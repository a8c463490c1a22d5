import { test } from '@japa/runner'
import { positional } from '#services/sql'

test.group('positional SQL placeholders', () => {
  test('names become $n in order of first use; a name used twice is one value', ({ assert }) => {
    const statement = positional('SELECT :b::text, :a, :b WHERE x = :a AND y = :c', {
      a: 1,
      b: 'two',
      c: null,
      unused: 4,
    })
    assert.equal(statement.text, 'SELECT $1::text, $2, $1 WHERE x = $2 AND y = $3')
    assert.deepEqual(statement.values, ['two', 1, null])
  })

  test('the same text with other values reuses the conversion', ({ assert }) => {
    const sql = 'UPDATE t SET v = :value WHERE id = :id'
    assert.deepEqual(positional(sql, { id: 'a', value: 1 }).values, [1, 'a'])
    assert.deepEqual(positional(sql, { id: 'b', value: 2 }).values, [2, 'b'])
  })

  test('a placeholder without a value is an error, not a NULL', ({ assert }) => {
    assert.throws(() => positional('SELECT :missing', { other: 1 }), 'No value for :missing')
    positional('SELECT :given', { given: 1 })
    assert.throws(() => positional('SELECT :given', { other: 1 }), 'No value for :given')
  })
})
