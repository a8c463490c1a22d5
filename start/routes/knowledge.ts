/*
|--------------------------------------------------------------------------
| Knowledge routes: policies, opening hours, FAQ, the agent's master prompt
|--------------------------------------------------------------------------
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const ApiPoliciesController = () => import('#controllers/api/policies_controller')
const ApiAgentPromptsController = () => import('#controllers/api/agent_prompts_controller')

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
