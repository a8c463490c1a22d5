import { test } from '@japa/runner'
import { isCommonPassword } from '#validators/common_password'

test.group('Common passwords', () => {
  test('the most used ones, repeats and runs are refused; a chosen one is not', ({ assert }) => {
    for (const password of [
      '12345678',
      'password',
      'Password',
      'qwertyuiop',
      'contraseña',
      'aaaaaaaa',
      'abababab',
      'abcdefgh',
      '87654321',
    ]) {
      assert.isTrue(isCommonPassword(password), password)
    }
    for (const password of ['secreta123', 'tienda-rosa-2024', 'mi perro come tacos']) {
      assert.isFalse(isCommonPassword(password), password)
    }
  })
})
