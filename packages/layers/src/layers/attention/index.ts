export { AttentionBase, type AttentionCallOptions } from './attention-base.js';
export { Attention, attention, type AttentionArgs } from './attention.js';
export { AdditiveAttention, additiveAttention, type AdditiveAttentionArgs } from './additive-attention.js';
export { MultiHeadAttention, multiHeadAttention, type MultiHeadAttentionArgs } from './multi-head-attention.js';
