import app from '@adonisjs/core/services/app'
import type { ApiClient } from '@japa/api-client'
import { WhatsAppGateway } from '#services/whatsapp/whatsapp_gateway'
import { EvolutionGateway } from '#services/whatsapp/evolution_gateway'
import WhatsappInstance from '#models/whatsapp_instance'
import type { Group } from '@japa/runner/core'
import { FakeEvolution } from '#tests/helpers/fake_evolution'
import { createOwnerWithBusiness, tokenFor } from '#tests/helpers/factories'

/**
 * Points the app's gateway at a FakeEvolution (fast retries for tests).
 */
export function useFakeEvolution(fake: FakeEvolution) {
  app.container.swap(
    WhatsAppGateway,
    () =>
      new EvolutionGateway({
        url: fake.url,
        apiKey: fake.globalKey,
        retryBaseMs: 5,
        timeoutMs: 2000,
      })
  )
  return () => app.container.restore(WhatsAppGateway)
}

/**
 * A fake gateway for a whole group of tests, the app pointed at it; each
 * test starts with no requests or instances remembered. Hooks registered
 * after this run after the reset.
 */
export function fakeEvolutionFor(group: Group) {
  const fake = new FakeEvolution()
  group.setup(async () => {
    await fake.start()
    const restore = useFakeEvolution(fake)
    return async () => {
      restore()
      await fake.stop()
    }
  })
  group.each.setup(() => fake.reset())
  return fake
}

/**
 * An owner whose business has a connected WhatsApp on the fake gateway.
 */
export async function connectedBusiness(client: ApiClient, fake: FakeEvolution, name = 'Tienda') {
  const owner = await createOwnerWithBusiness(name)
  const token = await tokenFor(owner.user)
  const created = await client
    .post('/wa/create')
    .bearerToken(token)
    .json({ business_id: owner.business.id })
  if (created.status() !== 201) {
    throw new Error(`create answered ${created.status()}: ${JSON.stringify(created.body())}`)
  }
  const instance = await WhatsappInstance.findByOrFail('business_id', owner.business.id)
  await fake.deliver(instance.instanceName, 'connection.update', {
    instance: instance.instanceName,
    wuid: '5215599990000@s.whatsapp.net',
    profileName: name,
    state: 'open',
    statusReason: 200,
  })
  return { ...owner, token, instance }
}
