import type { HttpContext } from '@adonisjs/core/http'
import BusinessTransformer from '#transformers/business_transformer'

export default class DashboardController {
  async show({ inertia, business }: HttpContext) {
    /**
     * Setup progress: each step the owner needs before the agent can sell.
     * WhatsApp, products and prompt arrive with their own features.
     */
    const hasProducts = Boolean(await business.related('products').query().select('id').first())
    const hasOwnPrompt = Boolean(
      await business.related('agentPrompts').query().whereNotNull('author_id').select('id').first()
    )
    const steps = [
      { key: 'business', done: true, href: '/settings/business' },
      { key: 'ai_key', done: business.hasOpenaiKey, href: '/settings/ai' },
      { key: 'whatsapp', done: false, href: null },
      { key: 'products', done: hasProducts, href: '/catalog' },
      { key: 'prompt', done: hasOwnPrompt, href: '/knowledge/prompt' },
    ]

    return inertia.render('dashboard', {
      business: BusinessTransformer.transform(business),
      steps,
    })
  }
}
