import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import testUtils from '@adonisjs/core/services/test_utils'
import drive from '@adonisjs/drive/services/main'
import env from '#start/env'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import MediaStorage from '#services/media_storage'
import { createOwnerWithBusiness, tokenFor } from '#tests/helpers/factories'
import { imageShape, images, startS3rver } from '#tests/helpers/catalog'

/**
 * The s3 disk against a real S3-protocol server (s3rver on 127.0.0.1),
 * through Drive and the real AWS SDK: the same path MinIO takes in
 * production.
 */
test.group('Product images (s3 disk)', (group) => {
  group.setup(async () => {
    const stop = await startS3rver()
    const s3 = new S3Client({
      endpoint: env.get('S3_ENDPOINT'),
      region: env.get('S3_REGION', 'us-east-1'),
      forcePathStyle: true,
      credentials: {
        accessKeyId: env.get('S3_ACCESS_KEY_ID', ''),
        secretAccessKey: env.get('S3_SECRET_ACCESS_KEY', ''),
      },
    })
    await s3.send(new CreateBucketCommand({ Bucket: env.get('S3_BUCKET', 'atiende-test') }))
    s3.destroy()

    app.container.swap(MediaStorage, () => new MediaStorage(drive.use('s3')))
    return async () => {
      app.container.restore(MediaStorage)
      await stop()
    }
  })
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('upload, presigned GET over HTTP, replace and delete', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    const disk = drive.use('s3')

    const created = await client
      .post('/products')
      .bearerToken(token)
      .field('business_id', business.id)
      .field('title', 'Zapato rojo')
      .field('price', '899.90')
      .file('image', images.png, { filename: 'zapato.png', contentType: 'image/png' })
    created.assertStatus(201)

    const firstUrl = new URL(created.body().imageUrl)
    assert.equal(firstUrl.origin, 'http://127.0.0.1:4569')
    assert.include(firstUrl.search, 'X-Amz-Signature=')
    const key = decodeURIComponent(firstUrl.pathname.replace(`/${env.get('S3_BUCKET')}/`, ''))
    assert.match(key, new RegExp(`^businesses/${business.id}/products/[0-9a-f-]{36}\\.png$`))

    const fetched = await fetch(firstUrl)
    assert.equal(fetched.status, 200)
    const fetchedBytes = Buffer.from(await fetched.arrayBuffer())
    assert.deepEqual(fetchedBytes, Buffer.from(await disk.getBytes(key)))
    assert.deepEqual(await imageShape(fetchedBytes), await imageShape(images.png))

    /**
     * s3rver serves objects without checking signatures, so refusing an
     * unsigned URL is MinIO's job here (private bucket), not testable.
     */
    const replaced = await client
      .put(`/products/${created.body().id}`)
      .bearerToken(token)
      .file('image', images.webp, { filename: 'zapato.webp', contentType: 'image/webp' })
    replaced.assertStatus(200)
    const secondUrl = new URL(replaced.body().imageUrl)
    const secondKey = decodeURIComponent(
      secondUrl.pathname.replace(`/${env.get('S3_BUCKET')}/`, '')
    )
    assert.notEqual(secondKey, key)
    assert.isFalse(await disk.exists(key))
    const refetched = await fetch(secondUrl)
    const refetchedBytes = Buffer.from(await refetched.arrayBuffer())
    assert.deepEqual(refetchedBytes, Buffer.from(await disk.getBytes(secondKey)))
    assert.deepEqual(await imageShape(refetchedBytes), await imageShape(images.webp))
    const metadata = await disk.getMetaData(secondKey)
    assert.equal(metadata.contentType, 'image/webp')

    const deleted = await client.delete(`/products/${created.body().id}`).bearerToken(token)
    deleted.assertStatus(204)
    assert.isFalse(await disk.exists(secondKey))
    const gone = await fetch(secondUrl)
    assert.equal(gone.status, 404)
  })
})
