import { defineAuth } from '@aws-amplify/backend';
import { customMessage } from './custom-message/resource';

// triggers.customMessage makes Amplify call the pool's addTrigger, which sets
// LambdaConfig.CustomMessage and the invoke permission scoped to this pool.
export const auth = defineAuth({
  loginWith: { email: true },
  triggers: { customMessage },
});
