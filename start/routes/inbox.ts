/*
|--------------------------------------------------------------------------
| Inbox routes: conversations, messages, contacts
|--------------------------------------------------------------------------
|
| The inbox page and the JSON it works with (session auth, the current
| business), and the same conversations for API clients (Bearer tokens).
|
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const InboxController = () => import('#controllers/inbox_controller')
const ApiConversationsController = () => import('#controllers/api/conversations_controller')

/*
|--------------------------------------------------------------------------
| Web app
|--------------------------------------------------------------------------
*/
router
  .group(() => {
    router.get('/inbox', [InboxController, 'show']).as('inbox.index')
    router
      .get('/inbox/:id', [InboxController, 'show'])
      .where('id', router.matchers.uuid())
      .as('inbox.show')

    router.get('/inbox/summary', [InboxController, 'summary']).as('inbox.summary')
    router.get('/inbox/conversations', [InboxController, 'conversations']).as('inbox.conversations')
    router
      .get('/inbox/conversations/:id', [InboxController, 'conversation'])
      .as('inbox.conversation')
    router
      .put('/inbox/conversations/:id', [InboxController, 'update'])
      .as('inbox.conversation.update')
    router
      .post('/inbox/conversations/:id/read', [InboxController, 'read'])
      .as('inbox.conversation.read')
    router
      .get('/inbox/conversations/:id/messages', [InboxController, 'messages'])
      .as('inbox.messages')
    router
      .post('/inbox/conversations/:id/messages', [InboxController, 'reply'])
      .as('inbox.messages.store')
    router
      .post('/inbox/conversations/:id/messages/:messageId/retry', [InboxController, 'retry'])
      .as('inbox.messages.retry')
    router
      .post('/inbox/conversations/:id/messages/:messageId/media/retry', [
        InboxController,
        'retryMedia',
      ])
      .as('inbox.messages.media.retry')
    router
      .get('/inbox/conversations/:id/messages/:messageId/media', [InboxController, 'media'])
      .as('inbox.messages.media')
    router.put('/inbox/contacts/:id', [InboxController, 'updateContact']).as('inbox.contact.update')
  })
  .use([middleware.auth({ guards: ['web'] }), middleware.currentBusiness()])

/*
|--------------------------------------------------------------------------
| JSON API (Bearer tokens)
|--------------------------------------------------------------------------
*/
router
  .group(() => {
    router.get('/conversations', [ApiConversationsController, 'index']).as('conversations.index')
    router.get('/conversations/:id', [ApiConversationsController, 'show']).as('conversations.show')
    router
      .put('/conversations/:id', [ApiConversationsController, 'update'])
      .as('conversations.update')
    router
      .get('/conversations/:id/messages', [ApiConversationsController, 'messages'])
      .as('conversations.messages')
    router
      .post('/conversations/:id/messages', [ApiConversationsController, 'reply'])
      .as('conversations.reply')
    router
      .post('/conversations/:id/read', [ApiConversationsController, 'read'])
      .as('conversations.read')
  })
  .as('api')
  .use([middleware.json(), middleware.auth({ guards: ['api'] })])
