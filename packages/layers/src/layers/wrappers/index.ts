export { Bidirectional, bidirectional, type BidirectionalArgs, type BidirectionalLayer, type BidirectionalMergeMode } from './bidirectional.js';
export { TimeDistributed, timeDistributed, type TimeDistributedArgs } from './time-distributed.js';
export type { WrappedLayerSpec } from './wrapped.js';
