import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import CatalogPhotos from '#services/catalog/catalog_photos'
import Product from '#models/product'
import testUtils from '@adonisjs/core/services/test_utils'
import drive from '@adonisjs/drive/services/main'
import { createOwnerWithBusiness, tokenFor } from '#tests/helpers/factories'
import { countProducts, createProduct, imageShape, images } from '#tests/helpers/catalog'

/**
 * Product photos through the API on the fs disk: stored under the
 * business with a name we choose, served by signed URLs only, checked by
 * their bytes, replaced and deleted with the product.
 */
test.group('Product images (fs disk)', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function fetchImage(client: any, url: string) {
    const path = new URL(url, 'http://local').pathname + new URL(url, 'http://local').search
    return client.get(path)
  }

  test('creates a product with a photo: the signed URL serves the stored image', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const response = await client
      .post('/products')
      .bearerToken(await tokenFor(user))
      .field('business_id', business.id)
      .field('title', 'Zapato rojo')
      .field('price', '899.90')
      .file('image', images.png, { filename: 'foto.png', contentType: 'image/png' })

    response.assertStatus(201)
    const { imageUrl, price } = response.body()
    assert.equal(price, '899.90')
    assert.match(
      imageUrl,
      new RegExp(`^/uploads/businesses/${business.id}/products/[0-9a-f-]{36}\\.png\\?`)
    )
    assert.include(imageUrl, 'signature=')

    const served = await fetchImage(client, imageUrl)
    served.assertStatus(200)
    assert.equal(served.header('content-type'), 'image/png')
    const key = new URL(imageUrl, 'http://local').pathname.replace('/uploads/', '')
    assert.deepEqual(Buffer.from(served.body()), await drive.use('fs').getBytes(key))
    assert.deepEqual(await imageShape(served.body()), await imageShape(images.png))

    const unsigned = await client.get(new URL(imageUrl, 'http://local').pathname)
    unsigned.assertStatus(401)
    const tampered = await client.get(imageUrl.replace(/signature=[^&]+/, 'signature=forged'))
    tampered.assertStatus(401)
  })

  test('refuses a text file named .jpg and an oversized image', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    const post = () =>
      client
        .post('/products')
        .bearerToken(token)
        .field('business_id', business.id)
        .field('title', 'Gorra')
        .field('price', '10')

    const disguised = await post().file('image', images.fakeJpeg, {
      filename: 'foto.jpg',
      contentType: 'image/jpeg',
    })
    disguised.assertStatus(422)
    assert.deepEqual(disguised.body().errors, [
      { field: 'image', message: 'El archivo no es una imagen JPG, PNG o WebP.' },
    ])

    const huge = await post().file('image', images.huge, {
      filename: 'grande.jpg',
      contentType: 'image/jpeg',
    })
    huge.assertStatus(422)
    assert.equal(huge.body().errors[0].field, 'image')
    assert.equal(huge.body().errors[0].message, 'La foto es demasiado grande: el máximo es 5 MB.')

    assert.equal(await countProducts(business), 0)
    const stored = await drive.use('fs').listAll(`businesses/${business.id}/`, { recursive: true })
    assert.lengthOf([...stored.objects], 0)
  })

  test('ignores path tricks in file names: keys are ours', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)

    for (const filename of ['../../../etc/passwd.png', '..\\..\\evil.webp', '/abs/olute.jpg']) {
      const response = await client
        .post('/products')
        .bearerToken(token)
        .field('business_id', business.id)
        .field('title', `Foto ${filename}`)
        .field('price', '10')
        .file('image', images.webp, { filename, contentType: 'image/webp' })
      response.assertStatus(201)
      const key = new URL(response.body().imageUrl, 'http://local').pathname.replace(
        '/uploads/',
        ''
      )
      assert.match(key, new RegExp(`^businesses/${business.id}/products/[0-9a-f-]{36}\\.webp$`))
      assert.isTrue(await drive.use('fs').exists(key))
    }
  })

  test('replacing a photo deletes the old file; deleting the product deletes its photo', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    const disk = drive.use('fs')

    const created = await client
      .post('/products')
      .bearerToken(token)
      .field('business_id', business.id)
      .field('title', 'Camisa')
      .field('price', '450')
      .file('image', images.png, { filename: 'a.png', contentType: 'image/png' })
    const id = created.body().id
    const keyOf = (url: string) => new URL(url, 'http://local').pathname.replace('/uploads/', '')
    const firstKey = keyOf(created.body().imageUrl)

    const replaced = await client
      .put(`/products/${id}`)
      .bearerToken(token)
      .field('price', '455.5')
      .file('image', images.jpeg, { filename: 'b.jpg', contentType: 'image/jpeg' })
    replaced.assertStatus(200)
    assert.equal(replaced.body().price, '455.50')
    const secondKey = keyOf(replaced.body().imageUrl)
    assert.match(secondKey, /\.jpg$/)
    assert.isFalse(await disk.exists(firstKey))
    assert.isTrue(await disk.exists(secondKey))
    /**
     * Each photo gets its fingerprint (a customer's copy of it is
     * recognised); a removed photo takes it along.
     */
    const product = await Product.findOrFail(id)
    const photos = await app.container.make(CatalogPhotos)
    assert.isNotNull(product.photoFingerprint)
    assert.deepEqual(product.photoFingerprint, await photos.fingerprintOfBytes(images.jpeg))

    const removed = await client
      .put(`/products/${id}`)
      .bearerToken(token)
      .json({ removeImage: true })
    assert.isNull(removed.body().imageUrl)
    assert.isFalse(await disk.exists(secondKey))
    await product.refresh()
    assert.isNull(product.photoFingerprint)

    const again = await client
      .put(`/products/${id}`)
      .bearerToken(token)
      .file('image', images.webp, { filename: 'c.webp', contentType: 'image/webp' })
    const thirdKey = keyOf(again.body().imageUrl)
    assert.isTrue(await disk.exists(thirdKey))

    const deleted = await client.delete(`/products/${id}`).bearerToken(token)
    deleted.assertStatus(204)
    assert.isFalse(await disk.exists(thirdKey))
  })

  test('a bad replacement keeps the product and its current photo', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    const disk = drive.use('fs')
    const key = `businesses/${business.id}/products/existing.png`
    await disk.put(key, images.png)
    const product = await createProduct(business, { title: 'Bolsa', imageKey: key })

    const response = await client
      .put(`/products/${product.id}`)
      .bearerToken(token)
      .field('title', 'Bolsa nueva')
      .file('image', images.fakeJpeg, { filename: 'x.jpg', contentType: 'image/jpeg' })
    response.assertStatus(422)

    await product.refresh()
    assert.equal(product.title, 'Bolsa')
    assert.equal(product.imageKey, key)
    assert.isTrue(await disk.exists(key))
  })
})
