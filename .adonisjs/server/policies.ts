export const policies = {
  BusinessPolicy: () => import('#policies/business_policy'),
}

