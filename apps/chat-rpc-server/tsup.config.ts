import type { Options } from 'tsup';
import { appConfig } from '../../tsup.base.ts';
import { bundleWebClient } from './web-bundle.ts';

const node = appConfig({
  index: 'src/index.ts',
  main: 'src/main.ts',
  'cli/chat-client': 'src/cli/chat-client.ts',
});

// The browser client (src/web/) goes to dist/web once the Node entries are built (after tsup's clean).
const config: Options = { ...(node as Options), onSuccess: () => bundleWebClient('dist/web') };
export default config;
