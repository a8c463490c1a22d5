import { test } from '@japa/runner'
import { readdir, readFile } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'

function keysOf(node: unknown, prefix = ''): string[] {
  if (node === null || typeof node !== 'object') {
    return [prefix]
  }
  return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) =>
    keysOf(value, prefix ? `${prefix}.${key}` : key)
  )
}

test.group('Translations', () => {
  test('Spanish and English have the same keys in every file', async ({ assert }) => {
    const files = await readdir(app.languageFilesPath('es'))
    assert.isNotEmpty(files)

    for (const file of files) {
      const es = JSON.parse(await readFile(app.languageFilesPath('es', file), 'utf8'))
      const en = JSON.parse(await readFile(app.languageFilesPath('en', file), 'utf8'))
      assert.deepEqual(keysOf(en).sort(), keysOf(es).sort(), `keys differ in ${file}`)
    }
  })
})
