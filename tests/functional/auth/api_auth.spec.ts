import { forgetFailedLogins } from '#start/limiter'
import User from '#models/user'
import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { createUser } from '#tests/helpers/factories'

test.group('API auth', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  /**
   * Each test starts with this address's failed logins forgotten (the
   * other suites log in from it too).
   */
  group.each.setup(() => forgetFailedLogins('127.0.0.1'))
  group.each.teardown(() => forgetFailedLogins('127.0.0.1'))

  test('registers an account and answers a token and the user', async ({ client, assert }) => {
    const response = await client
      .post('/auth/register')
      .json({ name: 'Rosa Pérez', email: 'Rosa@Example.com', password: 'secreta123' })

    response.assertStatus(201)
    assert.match(response.body().token, /^atd_/)
    assert.equal(response.body().user.email, 'rosa@example.com')
    assert.equal(response.body().user.fullName, 'Rosa Pérez')
    assert.notProperty(response.body().user, 'password')

    const row = await db.from('users').where('email', 'rosa@example.com').firstOrFail()
    assert.notEqual(row.password, 'secreta123')
  })

  test('refuses a taken e-mail with a translated message', async ({ client, assert }) => {
    await createUser({ email: 'rosa@example.com' })

    const response = await client
      .post('/auth/register')
      .header('accept-language', 'es-MX')
      .json({ name: 'Rosa', email: 'ROSA@example.com', password: 'secreta123' })

    response.assertStatus(422)
    assert.deepInclude(response.body().errors, {
      field: 'email',
      rule: 'database.unique',
      message: 'Ya existe una cuenta con este correo.',
    })
  })

  test('explains invalid input field by field, in English when asked', async ({
    client,
    assert,
  }) => {
    const response = await client
      .post('/auth/register')
      .header('accept-language', 'en')
      .json({ name: '', email: 'not-an-email', password: 'short' })

    response.assertStatus(422)
    const byField = Object.fromEntries(
      response
        .body()
        .errors.map((error: { field: string; message: string }) => [error.field, error.message])
    )
    assert.equal(byField.email, 'Enter a valid email, for example name@domain.com.')
    assert.equal(byField.password, 'The password must have at least 8 characters.')
    assert.property(byField, 'name')
  })

  test('an email with a broken character is a translated field error, not a crash', async ({
    client,
    assert,
  }) => {
    /**
     * A lone surrogate: JSON allows it, no browser sends it, and the email
     * check used to throw on it (a 500 the fuzz test found).
     */
    const response = await client
      .post('/auth/login')
      .header('accept-language', 'es')
      .json({ email: '\ud800@x.com', password: 'secreta123' })

    response.assertStatus(422)
    assert.deepInclude(response.body().errors, {
      field: 'email',
      rule: 'email',
      message: 'Escribe un correo válido, por ejemplo nombre@dominio.com.',
    })
  })

  test('logs in and never tells which of e-mail or password was wrong', async ({
    client,
    assert,
  }) => {
    await createUser({ email: 'rosa@example.com', password: 'secreta123' })

    const ok = await client
      .post('/auth/login')
      .json({ email: 'rosa@example.com', password: 'secreta123' })
    ok.assertStatus(200)
    assert.match(ok.body().token, /^atd_/)

    const wrongPassword = await client
      .post('/auth/login')
      .json({ email: 'rosa@example.com', password: 'otra-cosa' })
    const wrongEmail = await client
      .post('/auth/login')
      .json({ email: 'nadie@example.com', password: 'secreta123' })

    assert.equal(wrongPassword.status(), 400)
    assert.equal(wrongEmail.status(), 400)
    assert.deepEqual(wrongPassword.body(), wrongEmail.body())
    assert.equal(
      wrongPassword.body().errors[0].message,
      'El correo o la contraseña no son correctos.'
    )
  })

  test('me answers the user with their businesses; logout revokes the token', async ({
    client,
    assert,
  }) => {
    const registered = await client
      .post('/auth/register')
      .json({ name: 'Rosa', email: 'rosa@example.com', password: 'secreta123' })
    const token = registered.body().token

    await client.post('/business').bearerToken(token).json({ name: 'Zapatería Rosa' })

    const me = await client.get('/auth/me').bearerToken(token)
    me.assertStatus(200)
    assert.equal(me.body().email, 'rosa@example.com')
    assert.lengthOf(me.body().businesses, 1)
    assert.equal(me.body().businesses[0].name, 'Zapatería Rosa')
    assert.equal(me.body().businesses[0].role, 'owner')

    const logout = await client.post('/auth/logout').bearerToken(token)
    logout.assertStatus(204)

    const after = await client.get('/auth/me').bearerToken(token)
    after.assertStatus(401)
  })

  test('rejects requests without a valid token', async ({ client }) => {
    const response = await client.get('/auth/me').bearerToken('atd_not-a-real-token')
    response.assertStatus(401)
  })

  test('slows down repeated login attempts', async ({ client, assert }) => {
    const email = `limit-${Date.now()}@example.com`
    let last
    for (let attempt = 0; attempt < 11; attempt++) {
      last = await client.post('/auth/login').json({ email, password: 'wrong-password' })
    }
    assert.equal(last!.status(), 429)
    assert.equal(
      last!.body().errors[0].message,
      'Demasiados intentos. Espera unos minutos e inténtalo de nuevo.'
    )
  })

  test('the login limit counts an account however its e-mail is written', async ({
    client,
    assert,
  }) => {
    const local = `target${Date.now()}`
    await User.create({
      fullName: 'Objetivo',
      email: `${local}@gmail.com`,
      password: 'correcta123',
    })
    for (let attempt = 0; attempt < 11; attempt++) {
      await client.post('/auth/login').json({ email: `${local}@gmail.com`, password: 'mala' })
    }
    for (const variant of [
      `${local}+a@gmail.com`,
      `${local.slice(0, 1)}.${local.slice(1)}@gmail.com`,
      `${local}@googlemail.com`,
      ` ${local.toUpperCase()}@GMAIL.COM`,
    ]) {
      const response = await client
        .post('/auth/login')
        .json({ email: variant, password: 'correcta123' })
      assert.equal(response.status(), 429, variant)
    }
  })

  test('one address cannot try passwords across many accounts', async ({ client, assert }) => {
    const started = Date.now()
    const statuses: number[] = []
    for (let attempt = 0; attempt < 31; attempt++) {
      const response = await client
        .post('/auth/login')
        .json({ email: `probe-${started}-${attempt}@example.com`, password: 'adivina123' })
      statuses.push(response.status())
    }
    assert.notInclude(statuses.slice(0, 30), 429)
    assert.equal(statuses[30], 429)
  })

  test('a common password is refused at registration, saying why', async ({ client, assert }) => {
    const response = await client.post('/auth/register').json({
      name: 'Ana',
      email: `comun-${Date.now()}@example.com`,
      password: '12345678',
    })
    response.assertStatus(422)
    const error = response.body().errors[0]
    assert.equal(error.field, 'password')
    assert.include(error.message, 'de las más usadas')
  })
})
