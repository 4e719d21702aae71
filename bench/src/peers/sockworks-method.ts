// `set_exposure` as a @sockworks/jsonrpc method: its params checked by `namedParams`. Shared by the
// peer server and the engine-overhead micro-benchmark, so both measure the same definition.
import { defineMethod, namedParams } from '@sockworks/jsonrpc';
import { setExposure } from './method.ts';

export const setExposureMethod = defineMethod({
  params: namedParams({
    camera: 'string',
    exposureUs: 'integer',
    gain: 'number',
    auto: 'boolean',
    mode: 'string',
  }),
  handler: setExposure,
});
