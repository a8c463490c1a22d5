import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import drive from '@adonisjs/drive/services/main'
import i18nManager from '@adonisjs/i18n/services/main'
import { existsSync } from 'node:fs'
import { request } from 'node:http'
import { readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import env from '#start/env'
import db from '@adonisjs/lucid/services/db'
import { fakeEvolutionFor } from '#tests/helpers/whatsapp'
import { signedInSession } from '#tests/helpers/http_session'
import { images } from '#tests/helpers/catalog'
import {
  createTenant,
  databaseFingerprint,
  changedTables,
  removeTenantFiles,
  send,
  serverUrl,
  type Tenant,
} from '#tests/helpers/resilience'

/**
 * Files that are not what their name and content type say.
 */
const DISGUISED: Record<string, Buffer> = {
  'HTML': Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>'),
  'SVG': Buffer.from(
    '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
  ),
  'PHP': Buffer.from('<?php system($_GET["c"]); ?>'),
  'a shell script': Buffer.from('#!/bin/sh\nrm -rf /\n'),
  'JavaScript': Buffer.from('alert(document.cookie)'),
  'PDF': Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF'),
  'ZIP': Buffer.from('504b0304140000000800000000000000000000000000000000000000', 'hex'),
  'EXE': Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]),
  'GIF': Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64'),
  'an empty file': Buffer.alloc(0),
  'JPEG magic followed by HTML': Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff]),
    Buffer.from('<html><script>alert(1)</script></html>'),
    Buffer.from([0xff, 0xd9]),
  ]),
  'PNG magic followed by HTML': Buffer.concat([
    images.png.subarray(0, 8),
    Buffer.from('<html><script>alert(1)</script></html>'),
  ]),
  'HTML framed by PNG chunks (signature, IHDR, IEND)': images.htmlInPng,
  'HTML framed by JPEG markers (SOI, APP0, EOI)': images.htmlInJpeg,
  'a JPEG cut in half': images.jpeg.subarray(0, Math.floor(images.jpeg.length / 2)),
  'a PNG cut before its end': images.png.subarray(0, images.png.length - 12),
  'a WebP shorter than it says': images.webp.subarray(0, images.webp.length - 10),
}

/**
 * File names that try to choose where a file goes.
 */
const TRICKY_NAMES = [
  '../../etc/passwd.jpg',
  '..\\..\\x.png',
  '/etc/cron.d/x.jpg',
  'C:\\Windows\\x.png',
  '%2e%2e%2f%2e%2e%2fx.jpg',
  `${'a'.repeat(1000)}.jpg`,
  'фото 😀 ñandú.jpg',
  '.jpg',
  'x.jpg.php',
  '<script>alert(1)</script>.png',
]

/**
 * Every upload the app takes: where it goes, the form field, and what else
 * the form sends. Refusals store nothing on the disk and write no row.
 */
type Endpoint = {
  name: string
  field: string
  /**
   * The message of a refused non-image (the inbox's own validator names
   * photos).
   */
  refusal: string[]
  send: (tenant: Tenant, form: FormData, locale: 'es' | 'en') => Promise<Response>
  fields?: (tenant: Tenant) => Record<string, string>
}

test.group('Resilience: hostile uploads', (group) => {
  const gateway = fakeEvolutionFor(group)
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.timeout(120_000)

  const storageRoot = app.makePath(env.get('DRIVE_FS_DIR') || 'storage/uploads')

  /**
   * Requests as the tenant's owner: the API with their token, the pages
   * with their signed-in session (without the locale cookie, so that
   * Accept-Language chooses the language, as for a first visit).
   */
  async function endpointsFor(tenant: Tenant) {
    const session = await signedInSession(tenant.user.email, tenant.password)
    session.forget('atiende_locale')
    const api = (method: string, path: string) => (form: FormData, locale: string) =>
      fetch(`${serverUrl()}${path}`, {
        method,
        body: form,
        headers: {
          'authorization': `Bearer ${tenant.token}`,
          'accept-language': locale,
          'accept': 'application/json',
        },
      })
    const page = (method: string, path: string) => (form: FormData, locale: string) =>
      session.fetch(path, {
        method,
        body: form,
        headers: { 'accept-language': locale, 'accept': 'application/json' },
      })

    const endpoints: Endpoint[] = [
      {
        name: 'POST /products (API)',
        field: 'image',
        refusal: ['media.errors.not_an_image'],
        fields: () => ({ business_id: tenant.business.id, title: 'Foto', price: '10' }),
        send: (_, form, locale) => api('POST', '/products')(form, locale),
      },
      {
        name: 'PUT /products/:id (API)',
        field: 'image',
        refusal: ['media.errors.not_an_image'],
        send: (_, form, locale) => api('PUT', `/products/${tenant.product.id}`)(form, locale),
      },
      {
        name: 'POST /catalog/products (page)',
        field: 'image',
        refusal: ['media.errors.not_an_image'],
        fields: () => ({ title: 'Foto', price: '10' }),
        send: (_, form, locale) => page('POST', '/catalog/products')(form, locale),
      },
      {
        name: 'PUT /catalog/products/:id (page)',
        field: 'image',
        refusal: ['media.errors.not_an_image'],
        send: (_, form, locale) =>
          page('PUT', `/catalog/products/${tenant.product.id}`)(form, locale),
      },
      {
        name: 'POST /settings/business/logo (page)',
        field: 'logo',
        refusal: ['media.errors.not_an_image'],
        send: (_, form, locale) => page('POST', '/settings/business/logo')(form, locale),
      },
      {
        name: 'POST /inbox/conversations/:id/messages (photo reply)',
        field: 'image',
        refusal: ['inbox.validator.messages.image.file.extname', 'media.errors.not_an_image'],
        fields: () => ({ text: 'Mira esta foto' }),
        send: (_, form, locale) =>
          page('POST', `/inbox/conversations/${tenant.conversation.id}/messages`)(form, locale),
      },
    ]
    return { endpoints, session }
  }

  function formWith(
    endpoint: Endpoint,
    tenant: Tenant,
    file: { bytes: Buffer; name: string; type: string }
  ) {
    const form = new FormData()
    for (const [key, value] of Object.entries(endpoint.fields?.(tenant) ?? {})) {
      form.append(key, value)
    }
    form.append(
      endpoint.field,
      new Blob([new Uint8Array(file.bytes)], { type: file.type }),
      file.name
    )
    return form
  }

  /**
   * Every file on the fs disk, by key.
   */
  async function storedKeys() {
    if (!existsSync(storageRoot)) return new Set<string>()
    const entries = await readdir(storageRoot, { recursive: true, withFileTypes: true })
    return new Set(
      entries
        .filter((entry) => entry.isFile())
        .map((entry) => relative(storageRoot, join(entry.parentPath, entry.name)))
    )
  }

  const t = (locale: string, key: string, data?: Record<string, unknown>) =>
    i18nManager.locale(locale).t(key, data)

  test('non-images named .jpg/.png with image content types are refused, in Spanish and English', async ({
    client,
    assert,
  }) => {
    const tenant = await createTenant(client, gateway, 'uploads')
    const { endpoints } = await endpointsFor(tenant)
    const before = await databaseFingerprint()
    const keys = await storedKeys()

    for (const endpoint of endpoints) {
      for (const [kind, bytes] of Object.entries(DISGUISED)) {
        for (const [name, type] of [
          ['foto.jpg', 'image/jpeg'],
          ['foto.png', 'image/png'],
        ]) {
          for (const locale of ['es', 'en'] as const) {
            const label = `${endpoint.name}: ${kind} as ${name} (${locale})`
            const response = await endpoint.send(
              tenant,
              formWith(endpoint, tenant, { bytes, name, type }),
              locale
            )
            assert.equal(response.status, 422, label)
            const { errors } = (await response.json()) as { errors: { message: string }[] }
            assert.oneOf(
              errors[0].message,
              endpoint.refusal.map((key) => t(locale, key)),
              label
            )
          }
        }
      }
    }

    assert.deepEqual(changedTables(before, await databaseFingerprint()), [])
    assert.deepEqual(
      [...(await storedKeys())].filter((key) => !keys.has(key)),
      []
    )
    await removeTenantFiles(tenant)
  })

  test('oversized files and multipart bombs are refused with a translated 4xx', async ({
    client,
    assert,
  }) => {
    const tenant = await createTenant(client, gateway, 'bombs')
    const { endpoints } = await endpointsFor(tenant)
    const before = await databaseFingerprint()
    const keys = await storedKeys()
    const jpegOver5mb = Buffer.concat([
      images.jpeg.subarray(0, -2),
      Buffer.alloc(5 * 1024 * 1024),
      Buffer.from([0xff, 0xd9]),
    ])

    for (const endpoint of endpoints) {
      for (const locale of ['es', 'en'] as const) {
        const label = `${endpoint.name} (${locale})`

        // Over the 5 MB images may weigh.
        const big = await endpoint.send(
          tenant,
          formWith(endpoint, tenant, {
            bytes: jpegOver5mb,
            name: 'grande.jpg',
            type: 'image/jpeg',
          }),
          locale
        )
        assert.equal(big.status, 422, `${label}: over 5 MB`)
        const bigMessage = ((await big.json()) as { errors: { message: string }[] }).errors[0]
          .message
        assert.include(bigMessage, '5', label)
        assert.notEqual(
          bigMessage,
          locale === 'es' ? 'The file is too large' : 'El archivo es demasiado grande',
          label
        )

        // Over the 20 MB a request may carry at all.
        const huge = await endpoint.send(
          tenant,
          formWith(endpoint, tenant, {
            bytes: Buffer.alloc(21 * 1024 * 1024),
            name: 'enorme.jpg',
            type: 'image/jpeg',
          }),
          locale
        )
        assert.equal(huge.status, 413, `${label}: over 20 MB`)
        assert.equal(
          ((await huge.json()) as { message: string }).message,
          t(locale, 'errors.E_REQUEST_ENTITY_TOO_LARGE'),
          label
        )

        // Hundreds of files in one field, thousands of fields.
        const many = new FormData()
        for (const [key, value] of Object.entries(endpoint.fields?.(tenant) ?? {})) {
          many.append(key, value)
        }
        for (let index = 0; index < 300; index++) {
          many.append(endpoint.field, new Blob([new Uint8Array(images.png)]), `f${index}.png`)
        }
        for (let index = 0; index < 5000; index++) many.append(`f${index}`, 'x')
        const bomb = await endpoint.send(tenant, many, locale)
        assert.isAtLeast(bomb.status, 400, `${label}: 300 files`)
        assert.isBelow(bomb.status, 500, `${label}: 300 files`)
      }
    }

    // A multipart body that never ends, and one with a part's headers
    // far larger than any browser sends.
    const session = await signedInSession(tenant.user.email, tenant.password)
    for (const body of [
      '--x\r\nContent-Disposition: form-data; name="logo"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG',
      `--x\r\nContent-Disposition: form-data; name="logo"; filename="a.png"\r\n${'X-Pad: y\r\n'.repeat(20_000)}\r\nz\r\n--x--\r\n`,
    ]) {
      const response = await session.fetch('/settings/business/logo', {
        method: 'POST',
        headers: {
          'content-type': 'multipart/form-data; boundary=x',
          'accept': 'application/json',
        },
        body,
      })
      assert.isAtLeast(response.status, 400)
      assert.isBelow(response.status, 500)
    }

    assert.deepEqual(changedTables(before, await databaseFingerprint()), [])
    assert.deepEqual(
      [...(await storedKeys())].filter((key) => !keys.has(key)),
      []
    )
    const alive = await send('GET', '/health/live')
    assert.equal(alive.status, 200)
    await removeTenantFiles(tenant)
  })

  test('path tricks in file names: the key is ours, nothing lands outside storage', async ({
    client,
    assert,
  }) => {
    const tenant = await createTenant(client, gateway, 'names')
    const { endpoints } = await endpointsFor(tenant)
    const outside = (name: string) =>
      [storageRoot, join(storageRoot, 'businesses', tenant.business.id), tmpdir(), app.makePath()]
        .flatMap((base) => [resolve(base, name), resolve(base, name.replaceAll('\\', '/'))])
        .filter((path) => !path.startsWith(join(storageRoot, 'businesses')))
    const existedBefore = new Set(TRICKY_NAMES.flatMap(outside).filter((path) => existsSync(path)))

    const api = endpoints[0]
    for (const name of TRICKY_NAMES) {
      const response = await api.send(
        tenant,
        formWith(api, tenant, { bytes: images.webp, name, type: 'image/webp' }),
        'es'
      )
      assert.equal(response.status, 201, name)
      const { imageUrl } = (await response.json()) as { imageUrl: string }
      const key = new URL(imageUrl, 'http://local').pathname.replace('/uploads/', '')
      assert.match(
        key,
        new RegExp(`^businesses/${tenant.business.id}/products/[0-9a-f-]{36}\\.webp$`),
        name
      )
      assert.isTrue(await drive.use('fs').exists(key), name)
    }

    // Every other upload keeps our key too (the photo reply is stored
    // under messages/, the logo under logo/).
    for (const endpoint of endpoints.slice(1)) {
      const response = await endpoint.send(
        tenant,
        formWith(endpoint, tenant, { bytes: images.png, name: TRICKY_NAMES[0], type: 'image/png' }),
        'es'
      )
      assert.isBelow(response.status, 400, endpoint.name)
    }
    const stored = [...(await storedKeys())].filter((key) =>
      key.startsWith(`businesses/${tenant.business.id}/`)
    )
    for (const key of stored) {
      assert.match(
        key,
        new RegExp(
          `^businesses/${tenant.business.id}/(products|logo|messages)/[0-9a-f-]{32,36}\\.(jpg|png|webp)$`
        )
      )
    }
    const [{ total }] = await db
      .from('messages')
      .where('business_id', tenant.business.id)
      .whereNotNull('media_key')
      .whereNot('media_key', 'like', `businesses/${tenant.business.id}/messages/%`)
      .count('* as total')
    assert.equal(Number(total), 0)

    const created = TRICKY_NAMES.flatMap(outside).filter(
      (path) => existsSync(path) && !existedBefore.has(path)
    )
    assert.deepEqual(created, [], 'files written outside storage')

    // A file name with a NUL is refused, in both languages.
    for (const locale of ['es', 'en'] as const) {
      const response = await api.send(
        tenant,
        formWith(api, tenant, { bytes: images.png, name: 'a\u0000.jpg', type: 'image/png' }),
        locale
      )
      assert.equal(response.status, 400)
      assert.equal(
        ((await response.json()) as { message: string }).message,
        t(locale, 'errors.nul_character')
      )
    }
    await removeTenantFiles(tenant)
  })

  test('a real image with HTML after its end is stored as the image alone, never served as HTML', async ({
    client,
    assert,
  }) => {
    const tenant = await createTenant(client, gateway, 'polyglot')
    const polyglot = Buffer.concat([images.jpeg, Buffer.from('<html><script>alert(1)</script>')])
    const form = new FormData()
    form.append('business_id', tenant.business.id)
    form.append('title', 'Políglota')
    form.append('price', '10')
    form.append('image', new Blob([new Uint8Array(polyglot)], { type: 'text/html' }), 'x.html')
    const created = await fetch(`${serverUrl()}/products`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${tenant.token}`, accept: 'application/json' },
    })
    assert.equal(created.status, 201)
    const { imageUrl } = (await created.json()) as { imageUrl: string }
    assert.match(imageUrl, /\.jpg\?/)

    const served = await send('GET', imageUrl)
    assert.equal(served.status, 200)
    assert.equal(served.headers.get('content-type'), 'image/jpeg')
    assert.equal(served.headers.get('x-content-type-options'), 'nosniff')
    // What is stored is the image written again: the page after it is gone.
    assert.notInclude(served.text, '<html>')

    // Nor can a signed link be turned into HTML by asking for it.
    const asHtml = await send('GET', `${imageUrl}&contentType=text/html`)
    assert.notEqual(asHtml.headers.get('content-type'), 'text/html')
    await removeTenantFiles(tenant)
  })

  test('/uploads addresses with path tricks serve nothing and never fail', async ({
    client,
    assert,
  }) => {
    const tenant = await createTenant(client, gateway, 'serve')
    // Sent as written: fetch would resolve the dot segments itself.
    const rawGet = (path: string) =>
      new Promise<{ status: number; text: string }>((done, fail) => {
        const { hostname, port } = new URL(serverUrl())
        request({ hostname, port, path, method: 'GET' }, (response) => {
          let text = ''
          response.setEncoding('utf8')
          response.on('data', (chunk) => (text += chunk))
          response.on('end', () => done({ status: response.statusCode ?? 0, text }))
        })
          .on('error', fail)
          .end()
      })

    for (const path of [
      '/uploads/../../package.json',
      '/uploads/%2e%2e/%2e%2e/package.json',
      '/uploads/..%2f..%2fpackage.json',
      '/uploads/businesses/%00/x.png',
      '/uploads/%EF%BF%BE',
      '/uploads/businesses/<script>.png',
      `/uploads/${tenant.productImageKey}%00.html`,
    ]) {
      const response = await rawGet(path)
      // A 4xx, or (a NUL) the app's usual refusal: back where the person was.
      assert.isAtLeast(response.status, 300, path)
      assert.isBelow(response.status, 500, path)
      assert.notInclude(response.text, '"dependencies"', path)
    }
    await removeTenantFiles(tenant)
  })

  test('CSV imports refuse files that are not CSV, in Spanish and English', async ({
    client,
    assert,
  }) => {
    const tenant = await createTenant(client, gateway, 'csv')
    const session = await signedInSession(tenant.user.email, tenant.password)
    session.forget('atiende_locale')
    const before = await databaseFingerprint()

    const files: Record<string, Buffer> = {
      'a ZIP named .csv': DISGUISED.ZIP,
      'a PNG named .csv': images.png,
      'an EXE named .csv': DISGUISED.EXE,
      'an empty file': Buffer.alloc(0),
      'HTML named .csv': DISGUISED.HTML,
    }
    for (const path of ['/catalog/import/preview', '/catalog/import']) {
      for (const [kind, bytes] of Object.entries(files)) {
        for (const locale of ['es', 'en'] as const) {
          const form = new FormData()
          form.append(
            'file',
            new Blob([new Uint8Array(bytes)], { type: 'text/csv' }),
            'productos.csv'
          )
          const response = await session.fetch(path, {
            method: 'POST',
            body: form,
            headers: { 'accept-language': locale, 'accept': 'application/json' },
          })
          assert.equal(response.status, 422, `${path}: ${kind}`)
          const { errors } = (await response.json()) as { errors: { message: string }[] }
          assert.isString(errors[0].message)
          assert.notInclude(errors[0].message, 'catalog.import', `${path}: ${kind} (untranslated)`)
        }
      }

      for (const [name, bytes] of [
        ['productos.exe', Buffer.from('title,price\nA,1\n')],
        [
          '../../productos.csv',
          Buffer.concat([Buffer.from('title,price\n'), Buffer.alloc(6 * 1024 * 1024, 'a')]),
        ],
      ] as const) {
        const form = new FormData()
        form.append('file', new Blob([new Uint8Array(bytes)], { type: 'text/csv' }), name)
        const response = await session.fetch(path, {
          method: 'POST',
          body: form,
          headers: { accept: 'application/json' },
        })
        assert.equal(response.status, 422, `${path}: ${name}`)
      }
    }
    assert.deepEqual(changedTables(before, await databaseFingerprint()), [])
    await removeTenantFiles(tenant)
  })
})
