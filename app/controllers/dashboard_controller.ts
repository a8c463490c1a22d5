import type { HttpContext } from '@adonisjs/core/http'
import BusinessTransformer from '#transformers/business_transformer'
import BusinessPolicy from '#policies/business_policy'

export default class DashboardController {
  async show({ inertia, business, bouncer }: HttpContext) {
    await bouncer.with(BusinessPolicy).authorize('view', business)
    /**
     * Setup progress: each step the owner needs before the agent can sell.
     */
    const hasProducts = Boolean(await business.related('products').query().select('id').first())
    const hasOwnPrompt = Boolean(
      await business.related('agentPrompts').query().whereNotNull('author_id').select('id').first()
    )
    const whatsapp = await business.whatsapp()
    const steps = [
      { key: 'business', done: true, href: '/settings/business' },
      { key: 'ai_key', done: business.hasOpenaiKey, href: '/settings/ai' },
      { key: 'whatsapp', done: whatsapp?.isPaired() ?? false, href: '/whatsapp' },
      { key: 'products', done: hasProducts, href: '/catalog' },
      { key: 'prompt', done: hasOwnPrompt, href: '/knowledge/prompt' },
    ]

    return inertia.render('dashboard', {
      business: BusinessTransformer.transform(business),
      steps,
    })
  }
}
