import { packageConfig } from '../../tsup.base.ts';

export default packageConfig({ entry: { index: 'src/index.ts', cli: 'src/cli/index.ts' } });
