import { appConfig } from '../../tsup.base.ts';

export default appConfig({
  index: 'src/index.ts',
  main: 'src/main.ts',
  'cli/chat-client': 'src/cli/chat-client.ts',
});
