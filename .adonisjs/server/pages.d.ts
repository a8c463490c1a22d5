import '@adonisjs/inertia/types'

import type { VNodeProps, AllowedComponentProps, ComponentInstance } from 'vue'

type ExtractProps<T> = Omit<
  ComponentInstance<T>['$props'],
  keyof VNodeProps | keyof AllowedComponentProps
>

declare module '@adonisjs/inertia/types' {
  export interface InertiaPages {
    'auth/login': ExtractProps<(typeof import('../../inertia/pages/auth/login.vue'))['default']>
    'auth/register': ExtractProps<(typeof import('../../inertia/pages/auth/register.vue'))['default']>
    'dashboard': ExtractProps<(typeof import('../../inertia/pages/dashboard.vue'))['default']>
    'errors/not_found': ExtractProps<(typeof import('../../inertia/pages/errors/not_found.vue'))['default']>
    'errors/server_error': ExtractProps<(typeof import('../../inertia/pages/errors/server_error.vue'))['default']>
    'onboarding/ai': ExtractProps<(typeof import('../../inertia/pages/onboarding/ai.vue'))['default']>
    'onboarding/profile': ExtractProps<(typeof import('../../inertia/pages/onboarding/profile.vue'))['default']>
    'settings/ai': ExtractProps<(typeof import('../../inertia/pages/settings/ai.vue'))['default']>
    'settings/business': ExtractProps<(typeof import('../../inertia/pages/settings/business.vue'))['default']>
  }
}
