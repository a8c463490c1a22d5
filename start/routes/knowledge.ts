/*
|--------------------------------------------------------------------------
| Knowledge routes: policies, opening hours, FAQ, the agent's master prompt
|--------------------------------------------------------------------------
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const PoliciesController = () => import('#controllers/policies_controller')
const PromptController = () => import('#controllers/prompt_controller')
const ApiPoliciesController = () => import('#controllers/api/policies_controller')
const ApiAgentPromptsController = () => import('#controllers/api/agent_prompts_controller')

/*
|--------------------------------------------------------------------------
| Web app
|--------------------------------------------------------------------------
*/
router
  .group(() => {
    router.get('/knowledge/policies', [PoliciesController, 'show']).as('knowledge.policies')
    router
      .put('/knowledge/policies', [PoliciesController, 'update'])
      .as('knowledge.policies.update')
    router.get('/knowledge/prompt', [PromptController, 'show']).as('knowledge.prompt')
    router.post('/knowledge/prompt', [PromptController, 'store']).as('knowledge.prompt.store')
    router
      .post('/knowledge/prompt/versions/:id/restore', [PromptController, 'restore'])
      .as('knowledge.prompt.restore')
  })
  .use([middleware.auth({ guards: ['web'] }), middleware.currentBusiness()])

/*
|--------------------------------------------------------------------------
| JSON API (Bearer tokens)
|--------------------------------------------------------------------------
*/
router
  .group(() => {
    router.get('/policies', [ApiPoliciesController, 'show']).as('policies.show')
    router.post('/policies', [ApiPoliciesController, 'store']).as('policies.store')
    router.put('/policies/:id', [ApiPoliciesController, 'update']).as('policies.update')

    router.get('/agent/prompt', [ApiAgentPromptsController, 'show']).as('prompt.show')
    router.post('/agent/prompt', [ApiAgentPromptsController, 'store']).as('prompt.store')
    router.put('/agent/prompt/:id', [ApiAgentPromptsController, 'update']).as('prompt.update')
  })
  .as('api')
  .use([middleware.json(), middleware.auth({ guards: ['api'] })])
