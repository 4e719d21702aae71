import { packageConfig } from '../../tsup.base.ts';

// shims: import.meta.url (the lazy require of pino-pretty) in the CommonJS build
export default packageConfig({ shims: true });
