import '@adonisjs/inertia/types'

import type { VNodeProps, AllowedComponentProps, ComponentInstance } from 'vue'

type ExtractProps<T> = Omit<
  ComponentInstance<T>['$props'],
  keyof VNodeProps | keyof AllowedComponentProps
>

declare module '@adonisjs/inertia/types' {
  export interface InertiaPages {
    'agent/playground': ExtractProps<(typeof import('../../inertia/pages/agent/playground.vue'))['default']>
    'agent/usage': ExtractProps<(typeof import('../../inertia/pages/agent/usage.vue'))['default']>
    'auth/login': ExtractProps<(typeof import('../../inertia/pages/auth/login.vue'))['default']>
    'auth/register': ExtractProps<(typeof import('../../inertia/pages/auth/register.vue'))['default']>
    'catalog/form': ExtractProps<(typeof import('../../inertia/pages/catalog/form.vue'))['default']>
    'catalog/import': ExtractProps<(typeof import('../../inertia/pages/catalog/import.vue'))['default']>
    'catalog/index': ExtractProps<(typeof import('../../inertia/pages/catalog/index.vue'))['default']>
    'dashboard': ExtractProps<(typeof import('../../inertia/pages/dashboard.vue'))['default']>
    'errors/not_found': ExtractProps<(typeof import('../../inertia/pages/errors/not_found.vue'))['default']>
    'errors/server_error': ExtractProps<(typeof import('../../inertia/pages/errors/server_error.vue'))['default']>
    'inbox/index': ExtractProps<(typeof import('../../inertia/pages/inbox/index.vue'))['default']>
    'knowledge/policies': ExtractProps<(typeof import('../../inertia/pages/knowledge/policies.vue'))['default']>
    'knowledge/prompt': ExtractProps<(typeof import('../../inertia/pages/knowledge/prompt.vue'))['default']>
    'onboarding/ai': ExtractProps<(typeof import('../../inertia/pages/onboarding/ai.vue'))['default']>
    'onboarding/profile': ExtractProps<(typeof import('../../inertia/pages/onboarding/profile.vue'))['default']>
    'settings/ai': ExtractProps<(typeof import('../../inertia/pages/settings/ai.vue'))['default']>
    'settings/business': ExtractProps<(typeof import('../../inertia/pages/settings/business.vue'))['default']>
    'whatsapp/connect': ExtractProps<(typeof import('../../inertia/pages/whatsapp/connect.vue'))['default']>
    'whatsapp/simulator': ExtractProps<(typeof import('../../inertia/pages/whatsapp/simulator.vue'))['default']>
  }
}
