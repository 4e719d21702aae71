import { appConfig } from '../../tsup.base.ts';

export default appConfig(['src/index.ts', 'src/main.ts', 'src/cli/tcp-client.ts']);
