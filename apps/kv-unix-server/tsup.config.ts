import { appConfig } from '../../tsup.base.ts';

export default appConfig({
  index: 'src/index.ts',
  main: 'src/main.ts',
  'cli/kv-client': 'src/cli/kv-client.ts',
  'cli/kv-repair': 'src/cli/kv-repair.ts',
});
