import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import router from '@adonisjs/core/services/router'
import drive from '@adonisjs/drive/services/main'
import { createOwnerWithBusiness, tokenFor } from '#tests/helpers/factories'
import { countProducts, createProduct, images } from '#tests/helpers/catalog'

/**
 * User B, with user A's product and business ids, on every catalog route:
 * 404 (or B's own data), never A's data, nothing of A's changed.
 */
test.group('Catalog tenant isolation', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function twoTenants() {
    const a = await createOwnerWithBusiness('Tienda A')
    const b = await createOwnerWithBusiness('Tienda B')
    const key = `businesses/${a.business.id}/products/secreto.png`
    await drive.use('fs').put(key, images.png)
    const product = await createProduct(a.business, {
      title: 'Secreto de A',
      price: '10.00',
      sku: 'A-1',
      imageKey: key,
    })
    return { a, b, product, key }
  }

  test('every API product route answers 404 to another tenant', async ({ client, assert }) => {
    const { a, b, product, key } = await twoTenants()
    const tokenB = await tokenFor(b.user)

    const routes = Object.values(router.toJSON())
      .flat()
      .filter((route) => route.name?.startsWith('api.products.'))
    assert.sameMembers(
      routes.map((route) => route.name),
      [
        'api.products.index',
        'api.products.store',
        'api.products.show',
        'api.products.update',
        'api.products.destroy',
      ]
    )

    const body = { business_id: a.business.id, title: 'Hackeado', price: '1.00' }
    for (const route of routes) {
      for (const method of route.methods.filter((m) => m !== 'HEAD')) {
        const url = route.pattern.replace(':id', product.id)
        let request = client.request(url, method as 'GET').bearerToken(tokenB)
        request = method === 'GET' ? request.qs({ business_id: a.business.id }) : request.json(body)
        const response = await request
        assert.equal(response.status(), 404, `${method} ${route.pattern}`)
        assert.notInclude(JSON.stringify(response.body()), 'Secreto')
      }
    }

    const multipart = await client
      .put(`/products/${product.id}`)
      .bearerToken(tokenB)
      .field('title', 'Hackeado')
      .file('image', images.webp, { filename: 'x.webp', contentType: 'image/webp' })
    multipart.assertStatus(404)

    await product.refresh()
    assert.equal(product.title, 'Secreto de A')
    assert.equal(product.imageKey, key)
    assert.isTrue(await drive.use('fs').exists(key))
    assert.equal(await countProducts(a.business), 1)
    assert.equal(await countProducts(b.business), 0)
  })

  test('every catalog page and form answers 404 or works on B’s own business', async ({
    client,
    assert,
  }) => {
    const { a, b, product, key } = await twoTenants()
    const as = (request: any) => request.loginAs(b.user).withCsrfToken().redirects(0)

    for (const url of [`/catalog/products/${product.id}/edit`]) {
      const response = await as(client.get(url).header('accept', 'application/json'))
      assert.equal(response.status(), 404, url)
    }
    const update = await as(
      client.put(`/catalog/products/${product.id}`).header('accept', 'application/json')
    ).form({ title: 'Hackeado', price: '1' })
    assert.equal(update.status(), 404)
    const destroy = await as(
      client.delete(`/catalog/products/${product.id}`).header('accept', 'application/json')
    )
    assert.equal(destroy.status(), 404)

    /**
     * Pages that take no id work in B's current business only.
     */
    const list = await as(client.get('/catalog').qs({ q: 'Secreto' }).header('x-inertia', 'true'))
    assert.notInclude(JSON.stringify(list.body()), 'Secreto de A')

    const logo = await as(client.post('/settings/business/logo')).file('logo', images.png, {
      filename: 'logo.png',
      contentType: 'image/png',
    })
    assert.equal(logo.status(), 302)
    await a.business.refresh()
    await b.business.refresh()
    assert.isNull(a.business.logoKey)
    assert.match(b.business.logoKey!, new RegExp(`^businesses/${b.business.id}/logo/`))

    await product.refresh()
    assert.equal(product.title, 'Secreto de A')
    assert.isTrue(await drive.use('fs').exists(key))
  })
})
