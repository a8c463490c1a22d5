import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import drive from '@adonisjs/drive/services/main'
import BusinessMember from '#models/business_member'
import Product from '#models/product'
import { inertiaVisit } from '#tests/helpers/inertia'
import { createOwnerWithBusiness, createUser } from '#tests/helpers/factories'
import { countProducts, createProduct, imageShape, images } from '#tests/helpers/catalog'

/**
 * The catalog pages through their HTTP contract: Inertia visits and form
 * posts with a session and a CSRF token.
 */
test.group('Catalog pages', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an empty catalog explains itself; the dashboard step is pending', async ({
    client,
    assert,
  }) => {
    const { user } = await createOwnerWithBusiness()

    const page = await inertiaVisit(client, '/catalog', { user })
    page.assertStatus(200)
    assert.equal(page.body().component, 'catalog/index')
    assert.containSubset(page.body().props, {
      catalogIsEmpty: true,
      canEdit: true,
      currency: 'MXN',
      products: { data: [], meta: { total: 0, currentPage: 1, lastPage: 1 } },
    })

    const dashboard = await inertiaVisit(client, '/dashboard', { user })
    const step = dashboard.body().props.steps.find((s: { key: string }) => s.key === 'products')
    assert.deepEqual(step, { key: 'products', done: false, href: '/catalog' })
  })

  test('creates a product with a photo from the form, then lists and finds it', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()

    const created = await client
      .post('/catalog/products')
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
      .field('title', 'Camión de juguete')
      .field('price', '349,9')
      .field('sku', '')
      .field('stock', '')
      .field('active', '1')
      .file('image', images.png, { filename: 'camion.png', contentType: 'image/png' })
    created.assertStatus(302)
    assert.equal(created.header('location'), '/catalog')

    const [product] = await Product.query().where('business_id', business.id)
    assert.equal(product.price, '349.90')
    assert.isNull(product.sku)
    assert.isNull(product.stock)
    assert.isTrue(await drive.use('fs').exists(product.imageKey!))

    assert.equal(created.flashMessages().success, 'Guardamos «Camión de juguete» en tu catálogo.')
    const page = await inertiaVisit(client, '/catalog?q=camion', { user })
    assert.isFalse(page.body().props.catalogIsEmpty)
    assert.lengthOf(page.body().props.products.data, 1)
    assert.match(page.body().props.products.data[0].imageUrl, /^\/uploads\/.+signature=/)

    const dashboard = await inertiaVisit(client, '/dashboard', { user })
    const step = dashboard.body().props.steps.find((s: { key: string }) => s.key === 'products')
    assert.isTrue(step.done)
  })

  test('form errors come back as translated field errors', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    await createProduct(business, { sku: 'ZAP-1' })

    const response = await client
      .post('/catalog/products')
      .loginAs(user)
      .withCsrfToken()
      .header('referer', '/catalog/products/new')
      .redirects(0)
      .form({ title: 'Zapato', price: 'mil', sku: 'zap-1' })
    response.assertStatus(302)
    assert.equal(response.header('location'), '/catalog/products/new')
    assert.deepEqual(response.flashMessages().inputErrorsBag, {
      price: ['Escribe el precio como un número con hasta 2 decimales, por ejemplo 1999.90.'],
      sku: ['Ya tienes otro producto con este SKU.'],
    })
    assert.equal(await countProducts(business), 1)
  })

  test('a page past the end shows the last page', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    for (let i = 1; i <= 25; i++) {
      await createProduct(business, { title: `Gorra ${i}` })
    }

    const second = await inertiaVisit(client, '/catalog?page=2', { user })
    assert.lengthOf(second.body().props.products.data, 1)

    const beyond = await client.get('/catalog?q=gorra&page=9').loginAs(user).redirects(0)
    beyond.assertStatus(302)
    assert.equal(beyond.header('location'), '/catalog?q=gorra&page=2')
  })

  test('edits and deletes a product from the pages', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const product = await createProduct(business, { title: 'Gorra', price: '150.00' })

    const edit = await inertiaVisit(client, `/catalog/products/${product.id}/edit`, { user })
    assert.equal(edit.body().component, 'catalog/form')
    assert.containSubset(edit.body().props.product, { title: 'Gorra', price: '150.00' })

    const updated = await client
      .put(`/catalog/products/${product.id}`)
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
      .form({ title: 'Gorra bordada', price: '175.00', removeImage: '0' })
    updated.assertStatus(302)
    await product.refresh()
    assert.equal(product.title, 'Gorra bordada')

    const deleted = await client
      .delete(`/catalog/products/${product.id}`)
      .loginAs(user)
      .withCsrfToken()
      .header('referer', '/catalog')
      .redirects(0)
    deleted.assertStatus(302)
    assert.equal(await countProducts(business), 0)
  })

  test('an agent sees the catalog read-only and cannot change it', async ({ client, assert }) => {
    const { business } = await createOwnerWithBusiness()
    const agent = await createUser()
    await BusinessMember.create({ businessId: business.id, userId: agent.id, role: 'agent' })
    const product = await createProduct(business, { title: 'Gorra' })

    const page = await inertiaVisit(client, '/catalog', { user: agent })
    assert.isFalse(page.body().props.canEdit)
    assert.lengthOf(page.body().props.products.data, 1)

    const create = await client
      .post('/catalog/products')
      .loginAs(agent)
      .withCsrfToken()
      .header('accept', 'application/json')
      .form({ title: 'Nueva', price: '1' })
    create.assertStatus(403)
    const destroy = await client
      .delete(`/catalog/products/${product.id}`)
      .loginAs(agent)
      .withCsrfToken()
      .header('accept', 'application/json')
    destroy.assertStatus(403)
    assert.equal(await countProducts(business), 1)
  })

  test('uploads, shows and removes the business logo', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()

    const refused = await client
      .post('/settings/business/logo')
      .loginAs(user)
      .withCsrfToken()
      .header('accept', 'application/json')
      .file('logo', images.fakeJpeg, { filename: 'logo.jpg', contentType: 'image/jpeg' })
    refused.assertStatus(422)
    assert.equal(refused.body().errors[0].message, 'El archivo no es una imagen JPG, PNG o WebP.')

    const saved = await client
      .post('/settings/business/logo')
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
      .file('logo', images.webp, { filename: 'logo.webp', contentType: 'image/webp' })
    saved.assertStatus(302)
    await business.refresh()
    const key = business.logoKey!
    assert.match(key, new RegExp(`^businesses/${business.id}/logo/[0-9a-f-]{36}\\.webp$`))

    const settings = await inertiaVisit(client, '/settings/business', { user })
    const logoUrl = settings.body().props.business.logoUrl
    assert.match(logoUrl, /^\/uploads\/.+signature=/)
    const served = await client.get(logoUrl)
    served.assertStatus(200)
    assert.deepEqual(Buffer.from(served.body()), await drive.use('fs').getBytes(key))
    assert.deepEqual(await imageShape(served.body()), await imageShape(images.webp))

    const removed = await client
      .delete('/settings/business/logo')
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    removed.assertStatus(302)
    await business.refresh()
    assert.isNull(business.logoKey)
    assert.isFalse(await drive.use('fs').exists(key))
  })

  test('offers an example CSV that imports as it is', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const template = await client.get('/catalog/import/template.csv').loginAs(user)
    template.assertStatus(200)
    assert.include(template.header('content-disposition'), 'productos.csv')

    const imported = await client
      .post('/catalog/import')
      .loginAs(user)
      .withCsrfToken()
      .header('accept', 'application/json')
      .file('file', Buffer.from(template.text()), { filename: 'productos.csv' })
    imported.assertStatus(200)
    assert.equal(await countProducts(business), 2)
  })
})
