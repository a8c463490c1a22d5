import { test } from '@japa/runner'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readSecretFiles } from '#start/env'
import { withPassword } from '#config/database'
import { redisConnectionOptions } from '#services/redis_connection'
import proxyAddr from 'proxy-addr'
import { behindProxy } from '#config/app'

test.group('Secrets from files (Docker secrets)', (group) => {
  let folder: string
  group.each.setup(() => {
    folder = mkdtempSync(join(tmpdir(), 'atiende-secrets-'))
    return () => rmSync(folder, { recursive: true, force: true })
  })
  const secret = (name: string, content: string) => {
    const path = join(folder, name)
    writeFileSync(path, content)
    return path
  }

  test('NAME_FILE sets NAME to the file content without its trailing newline', ({ assert }) => {
    const environment: NodeJS.ProcessEnv = {
      APP_KEY_FILE: secret('app_key', 'una clave  con espacios\n'),
      DB_PASSWORD_FILE: secret('db', 'p@ss:w/rd#1\r\n'),
    }
    readSecretFiles(environment)
    assert.equal(environment.APP_KEY, 'una clave  con espacios')
    assert.equal(environment.DB_PASSWORD, 'p@ss:w/rd#1')
    assert.isUndefined(environment.EVOLUTION_API_KEY)
  })

  test('a missing or empty file, or both ways at once, stop the start with a clear message', ({
    assert,
  }) => {
    assert.throws(
      () => readSecretFiles({ APP_KEY_FILE: join(folder, 'nope') }),
      /APP_KEY_FILE points at ".*nope", which cannot be read: ENOENT/
    )
    assert.throws(
      () => readSecretFiles({ S3_SECRET_ACCESS_KEY_FILE: secret('empty', '\n') }),
      /S3_SECRET_ACCESS_KEY_FILE points at .* which is empty/
    )
    assert.throws(
      () => readSecretFiles({ EVOLUTION_API_KEY: 'x', EVOLUTION_API_KEY_FILE: secret('k', 'y') }),
      'Set either EVOLUTION_API_KEY or EVOLUTION_API_KEY_FILE, not both.'
    )
  })
})

test.group('Connection settings for production', () => {
  test('DB_PASSWORD goes into a DATABASE_URL that leaves it out, encoded', ({ assert }) => {
    const url = withPassword('postgres://atiende@postgres:5432/atiende', 'p@ss:w/rd#1 ñ')!
    const parsed = new URL(url)
    assert.equal(parsed.username, 'atiende')
    assert.equal(decodeURIComponent(parsed.password), 'p@ss:w/rd#1 ñ')
    assert.equal(parsed.host, 'postgres:5432')
    assert.equal(parsed.pathname, '/atiende')
    assert.equal(withPassword('postgres://a@b/c', undefined), 'postgres://a@b/c')
    assert.isNull(withPassword(undefined, 'x'))
    assert.throws(() => withPassword('not a url', 'x'), /DATABASE_URL is not a valid URL/)
  })

  test('REDIS_URL is read into connection options, and anything else is refused', ({ assert }) => {
    assert.containSubset(redisConnectionOptions('redis://:s%3Acreto@redis:6380/2'), {
      host: 'redis',
      port: 6380,
      password: 's:creto',
      db: 2,
    })
    assert.containSubset(redisConnectionOptions('redis://redis'), { host: 'redis', port: 6379 })
    assert.isDefined(redisConnectionOptions('rediss://cache.example.com').tls)
    assert.throws(() => redisConnectionOptions('http://redis:6379'), /redis:\/\/ or rediss:\/\//)
    assert.throws(() => redisConnectionOptions('redis'), /not a valid URL/)
  })
})

test.group('Client addresses behind the proxy', () => {
  test('only hops added by proxies on a private network are believed', ({ assert }) => {
    const from = (remoteAddress: string, forwarded: string) =>
      proxyAddr(
        { socket: { remoteAddress }, headers: { 'x-forwarded-for': forwarded } } as never,
        behindProxy
      )
    // Traefik on the overlay network added the caller's real address last.
    assert.equal(from('10.0.1.7', '198.51.100.4, 203.0.113.9'), '203.0.113.9')
    // Straight from the internet, the header is the caller's own words.
    assert.equal(from('203.0.113.9', '10.0.0.1'), '203.0.113.9')
  })
})
