/*
|--------------------------------------------------------------------------
| WhatsApp routes: the gateway's webhooks, the connection, the simulator
|--------------------------------------------------------------------------
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { manualSendThrottle } from '#start/limiter'

const WhatsappWebhookController = () => import('#controllers/webhooks/whatsapp_webhook_controller')
const WhatsappController = () => import('#controllers/api/whatsapp_controller')
const WhatsappPagesController = () => import('#controllers/whatsapp_pages_controller')

router.post('/webhooks/whatsapp', [WhatsappWebhookController, 'handle']).as('webhooks.whatsapp')

router
  .group(() => {
    router.post('/wa/create', [WhatsappController, 'create']).as('wa.create')
    router.get('/wa/:business_id/status', [WhatsappController, 'status']).as('wa.status')
    router.get('/wa/:business_id/qr', [WhatsappController, 'qr']).as('wa.qr')
    router
      .post('/wa/:business_id/send', [WhatsappController, 'send'])
      .as('wa.send')
      .use(manualSendThrottle)
    router.post('/wa/:business_id/reconnect', [WhatsappController, 'reconnect']).as('wa.reconnect')
    router.post('/wa/:business_id/logout', [WhatsappController, 'logout']).as('wa.logout')
    router.delete('/wa/:business_id', [WhatsappController, 'destroy']).as('wa.destroy')
  })
  .as('api')
  .use([middleware.json(), middleware.auth({ guards: ['api'] })])

router
  .group(() => {
    router.get('/whatsapp', [WhatsappPagesController, 'show']).as('whatsapp.show')
    router.post('/whatsapp/connect', [WhatsappPagesController, 'connect']).as('whatsapp.connect')
    router.post('/whatsapp/logout', [WhatsappPagesController, 'logout']).as('whatsapp.logout')
    router.delete('/whatsapp', [WhatsappPagesController, 'destroy']).as('whatsapp.destroy')
    router
      .post('/whatsapp/simulator/scan', [WhatsappPagesController, 'simulateScan'])
      .as('whatsapp.simulator.scan')
    router
      .get('/whatsapp/simulator', [WhatsappPagesController, 'simulator'])
      .as('whatsapp.simulator')
    router
      .post('/whatsapp/simulator/messages', [WhatsappPagesController, 'simulatorMessage'])
      .as('whatsapp.simulator.message')
  })
  .use([middleware.auth({ guards: ['web'] }), middleware.currentBusiness()])
