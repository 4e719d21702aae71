import { appConfig } from '../../tsup.base.ts';

export default appConfig(['src/index.ts', 'src/main.ts', 'src/cli/ws-test-client.ts']);
