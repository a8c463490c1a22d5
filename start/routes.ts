/*
|--------------------------------------------------------------------------
| Routes
|--------------------------------------------------------------------------
|
| The web app (Inertia pages, session auth) and the JSON API (Bearer
| tokens). Every tenant route reaches its business through the signed-in
| user's memberships: another tenant's id answers 404.
|
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { authThrottle } from '#start/limiter'
import { liveStreams } from '#services/live_streams'
import { isUuid } from '#models/user'
import transmit from '@adonisjs/transmit/services/main'
import { transmitSubscriptionValidator } from '#validators/transmit'

const SessionController = () => import('#controllers/session_controller')
const RegistrationController = () => import('#controllers/registration_controller')
const LocaleController = () => import('#controllers/locale_controller')
const DashboardController = () => import('#controllers/dashboard_controller')
const OnboardingController = () => import('#controllers/onboarding_controller')
const BusinessSettingsController = () => import('#controllers/business_settings_controller')
const AiSettingsController = () => import('#controllers/ai_settings_controller')
const ApiAuthController = () => import('#controllers/api/auth_controller')
const ApiBusinessesController = () => import('#controllers/api/businesses_controller')
const HealthChecksController = () => import('#controllers/health_checks_controller')

/*
|--------------------------------------------------------------------------
| Web app
|--------------------------------------------------------------------------
*/
router.get('/', ({ response }) => response.redirect().toRoute('dashboard')).as('home')
router.post('/locale', [LocaleController, 'update']).as('locale.update')

router
  .group(() => {
    router.get('/login', [SessionController, 'create']).as('session.create')
    router.post('/login', [SessionController, 'store']).as('session.store').use(authThrottle)
    router.get('/register', [RegistrationController, 'create']).as('registration.create')
    router
      .post('/register', [RegistrationController, 'store'])
      .as('registration.store')
      .use(authThrottle)
  })
  .use(middleware.guest())

router
  .group(() => {
    router.post('/logout', [SessionController, 'destroy']).as('session.destroy')
    router
      .post('/logout/everywhere', [SessionController, 'destroyEverywhere'])
      .as('session.destroy_everywhere')
    router.get('/onboarding', [OnboardingController, 'show']).as('onboarding.show')
    router.post('/onboarding', [OnboardingController, 'store']).as('onboarding.store')
    router
      .post('/businesses/switch', [BusinessSettingsController, 'switch'])
      .as('businesses.switch')

    router
      .group(() => {
        router.get('/dashboard', [DashboardController, 'show']).as('dashboard')
        router.get('/onboarding/ai', [OnboardingController, 'ai']).as('onboarding.ai')
        router
          .get('/settings/business', [BusinessSettingsController, 'show'])
          .as('settings.business')
        router
          .put('/settings/business', [BusinessSettingsController, 'update'])
          .as('settings.business.update')
        router.get('/settings/ai', [AiSettingsController, 'show']).as('settings.ai')
        router.put('/settings/ai', [AiSettingsController, 'update']).as('settings.ai.update')
        router.put('/settings/bot', [AiSettingsController, 'toggleBot']).as('settings.bot')
        router.put('/settings/media', [AiSettingsController, 'updateMedia']).as('settings.media')
      })
      .use(middleware.currentBusiness())
  })
  .use(middleware.auth({ guards: ['web'] }))

/*
|--------------------------------------------------------------------------
| JSON API (Bearer tokens)
|--------------------------------------------------------------------------
*/
router
  .group(() => {
    router.post('/auth/register', [ApiAuthController, 'register']).as('register').use(authThrottle)
    router.post('/auth/login', [ApiAuthController, 'login']).as('login').use(authThrottle)

    router
      .group(() => {
        router.get('/auth/me', [ApiAuthController, 'me']).as('me')
        router.post('/auth/logout', [ApiAuthController, 'logout']).as('logout')

        router.get('/business', [ApiBusinessesController, 'index']).as('businesses.index')
        router.post('/business', [ApiBusinessesController, 'store']).as('businesses.store')
        router.get('/business/:id', [ApiBusinessesController, 'show']).as('businesses.show')
        router.put('/business/:id', [ApiBusinessesController, 'update']).as('businesses.update')
        router
          .put('/business/:id/openai', [ApiBusinessesController, 'updateOpenai'])
          .as('businesses.openai')
        router
          .put('/business/:id/bot-toggle', [ApiBusinessesController, 'toggleBot'])
          .as('businesses.bot_toggle')
      })
      .use(middleware.auth({ guards: ['api'] }))
  })
  .as('api')
  .use(middleware.json())

router.get('/health/live', [HealthChecksController, 'live']).as('health.live')
router.get('/health/ready', [HealthChecksController, 'ready']).as('health.ready')

/**
 * Live events (server-sent events); channels are authorized in
 * start/transmit.ts.
 */
transmit.registerRoutes((route) => {
  const action = route.getPattern().split('/').pop()
  route.as(`transmit.${action}`)
  /**
   * Streams are for signed-in people only, a few each, each bound to who
   * opened it.
   */
  if (action === 'events') {
    route.use(async (ctx, next) => {
      const user = (await ctx.auth.use('web').check()) ? ctx.auth.use('web').user! : null
      if (!user) return ctx.response.unauthorized({ message: 'Sign in to receive live events' })
      const uid = ctx.request.input('uid')
      if (typeof uid !== 'string' || !isUuid(uid)) {
        return ctx.response.badRequest({ message: 'A stream needs a uid (a UUID)' })
      }
      const opened = liveStreams.open(ctx, uid, String(user.id))
      if (opened === 'taken') return ctx.response.conflict({ message: 'This uid is in use' })
      if (opened === 'too_many') {
        return ctx.response.tooManyRequests({ message: 'Too many live streams open' })
      }
      return next()
    })
  }
  if (action === 'subscribe' || action === 'unsubscribe') {
    /**
     * Transmit takes `uid` and `channel` as strings: without a channel, or
     * with one of another type, it would throw (a 500). A uid is only its
     * owner's to subscribe.
     */
    route.use(async (ctx, next) => {
      const { uid } = await ctx.request.validateUsing(transmitSubscriptionValidator)
      const user = (await ctx.auth.use('web').check()) ? ctx.auth.use('web').user! : null
      if (!user || !liveStreams.owns(uid, String(user.id))) {
        return ctx.response.forbidden({ message: 'Not your stream' })
      }
      return next()
    })
  }
})

/*
|--------------------------------------------------------------------------
| Feature routes
|--------------------------------------------------------------------------
*/
await import('#start/routes/catalog')
await import('#start/routes/knowledge')
await import('#start/routes/whatsapp')
await import('#start/routes/inbox')
await import('#start/routes/agent')
