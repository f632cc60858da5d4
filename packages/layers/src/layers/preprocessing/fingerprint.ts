/**
 * The hashes TensorFlow's string ops use, in BigInt arithmetic modulo 2^64: FarmHash's
 * `Fingerprint64` (farmhashna::Hash64, public and frozen, what `tf.strings.to_hash_bucket_fast`
 * buckets with) and SipHash-2-4 with a 128-bit key (highwayhash's, what
 * `tf.strings.to_hash_bucket_strong` buckets with). Written from the published algorithms.
 */
const M64 = (1n << 64n) - 1n;
const K0 = 0xc3a5c85c97cb3127n;
const K1 = 0xb492b66fbe98f273n;
const K2 = 0x9ae16a3b2f90404fn;

const u64 = (x: bigint): bigint => x & M64;
const mul = (a: bigint, b: bigint): bigint => (a * b) & M64;
const add = (...xs: bigint[]): bigint => xs.reduce((s, x) => s + x, 0n) & M64;
/** Rotation to the right, as FarmHash's Rotate64. */
const rotr = (x: bigint, s: bigint): bigint => (s === 0n ? x : ((x >> s) | (x << (64n - s))) & M64);
const rotl = (x: bigint, s: bigint): bigint => ((x << s) | (x >> (64n - s))) & M64;
const shiftMix = (x: bigint): bigint => x ^ (x >> 47n);

function fetch(s: Uint8Array, i: number, bytes: number): bigint {
  let v = 0n;
  for (let k = bytes - 1; k >= 0; k--) v = (v << 8n) | BigInt(s[i + k]!);
  return v;
}
const fetch64 = (s: Uint8Array, i: number): bigint => fetch(s, i, 8);

function hashLen16(u: bigint, v: bigint, m: bigint): bigint {
  let a = mul(u ^ v, m);
  a ^= a >> 47n;
  let b = mul(v ^ a, m);
  b ^= b >> 47n;
  return mul(b, m);
}

function hashLen0to16(s: Uint8Array): bigint {
  const len = BigInt(s.length);
  if (s.length >= 8) {
    const m = add(K2, len * 2n);
    const a = add(fetch64(s, 0), K2);
    const b = fetch64(s, s.length - 8);
    const c = add(mul(rotr(b, 37n), m), a);
    const d = mul(add(rotr(a, 25n), b), m);
    return hashLen16(c, d, m);
  }
  if (s.length >= 4) {
    const m = add(K2, len * 2n);
    return hashLen16(add(len, fetch(s, 0, 4) << 3n), fetch(s, s.length - 4, 4), m);
  }
  if (s.length > 0) {
    const y = BigInt(s[0]! + (s[s.length >> 1]! << 8));
    const z = len + (BigInt(s[s.length - 1]!) << 2n);
    return mul(shiftMix(mul(y, K2) ^ mul(z, K0)), K2);
  }
  return K2;
}

function hashLen17to32(s: Uint8Array): bigint {
  const n = s.length;
  const m = add(K2, BigInt(n) * 2n);
  const a = mul(fetch64(s, 0), K1);
  const b = fetch64(s, 8);
  const c = mul(fetch64(s, n - 8), m);
  const d = mul(fetch64(s, n - 16), K2);
  return hashLen16(add(rotr(add(a, b), 43n), rotr(c, 30n), d), add(a, rotr(add(b, K2), 18n), c), m);
}

function hashLen33to64(s: Uint8Array): bigint {
  const n = s.length;
  const m = add(K2, BigInt(n) * 2n);
  const a = mul(fetch64(s, 0), K2);
  const b = fetch64(s, 8);
  const c = mul(fetch64(s, n - 8), m);
  const d = mul(fetch64(s, n - 16), K2);
  const y = add(rotr(add(a, b), 43n), rotr(c, 30n), d);
  const z = hashLen16(y, add(a, rotr(add(b, K2), 18n), c), m);
  const e = mul(fetch64(s, 16), m);
  const f = fetch64(s, 24);
  const g = mul(add(y, fetch64(s, n - 32)), m);
  const h = mul(add(z, fetch64(s, n - 24)), m);
  return hashLen16(add(rotr(add(e, f), 43n), rotr(g, 30n), h), add(e, rotr(add(f, a), 18n), g), m);
}

/** FarmHash's WeakHashLen32WithSeeds of the 32 bytes at `i`. */
function weak32(s: Uint8Array, i: number, a: bigint, b: bigint): [bigint, bigint] {
  const [w, x, y, z] = [fetch64(s, i), fetch64(s, i + 8), fetch64(s, i + 16), fetch64(s, i + 24)];
  a = add(a, w);
  b = rotr(add(b, a, z), 21n);
  const c = a;
  a = add(a, x, y);
  b = add(b, rotr(a, 44n));
  return [add(a, z), add(b, c)];
}

/** FarmHash Fingerprint64 of bytes. */
export function fingerprint64(s: Uint8Array): bigint {
  const n = s.length;
  if (n <= 16) return hashLen0to16(s);
  if (n <= 32) return hashLen17to32(s);
  if (n <= 64) return hashLen33to64(s);
  const seed = 81n;
  let x = add(mul(seed, K2), fetch64(s, 0));
  let y = add(mul(seed, K1), 113n);
  let z = mul(shiftMix(add(mul(y, K2), 113n)), K2);
  let v: [bigint, bigint] = [0n, 0n];
  let w: [bigint, bigint] = [0n, 0n];
  const end = Math.floor((n - 1) / 64) * 64;
  const last64 = end + ((n - 1) & 63) - 63;
  let i = 0;
  do {
    x = mul(rotr(add(x, y, v[0], fetch64(s, i + 8)), 37n), K1);
    y = mul(rotr(add(y, v[1], fetch64(s, i + 48)), 42n), K1);
    x ^= w[1];
    y = add(y, v[0], fetch64(s, i + 40));
    z = mul(rotr(add(z, w[0]), 33n), K1);
    v = weak32(s, i, mul(v[1], K1), add(x, w[0]));
    w = weak32(s, i + 32, add(z, w[1]), add(y, fetch64(s, i + 16)));
    [z, x] = [x, z];
    i += 64;
  } while (i !== end);
  const m = add(K1, (z & 0xffn) << 1n);
  i = last64;
  w[0] = add(w[0], BigInt((n - 1) & 63));
  v[0] = add(v[0], w[0]);
  w[0] = add(w[0], v[0]);
  x = mul(rotr(add(x, y, v[0], fetch64(s, i + 8)), 37n), m);
  y = mul(rotr(add(y, v[1], fetch64(s, i + 48)), 42n), m);
  x ^= mul(w[1], 9n);
  y = add(y, mul(v[0], 9n), fetch64(s, i + 40));
  z = mul(rotr(add(z, w[0]), 33n), m);
  v = weak32(s, i, mul(v[1], m), add(x, w[0]));
  w = weak32(s, i + 32, add(z, w[1]), add(y, fetch64(s, i + 16)));
  [z, x] = [x, z];
  return hashLen16(add(hashLen16(v[0], w[0], m), mul(shiftMix(y), K0), z), add(hashLen16(v[1], w[1], m), x), m);
}

/** SipHash-2-4 of bytes with the key `[k0, k1]` (two unsigned 64-bit halves). */
export function sipHash64(s: Uint8Array, k0: bigint, k1: bigint): bigint {
  let v0 = 0x736f6d6570736575n ^ k0;
  let v1 = 0x646f72616e646f6dn ^ k1;
  let v2 = 0x6c7967656e657261n ^ k0;
  let v3 = 0x7465646279746573n ^ k1;
  const round = (): void => {
    v0 = add(v0, v1);
    v1 = rotl(v1, 13n) ^ v0;
    v0 = rotl(v0, 32n);
    v2 = add(v2, v3);
    v3 = rotl(v3, 16n) ^ v2;
    v0 = add(v0, v3);
    v3 = rotl(v3, 21n) ^ v0;
    v2 = add(v2, v1);
    v1 = rotl(v1, 17n) ^ v2;
    v2 = rotl(v2, 32n);
  };
  const block = (m: bigint): void => {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  };
  const full = s.length - (s.length % 8);
  for (let i = 0; i < full; i += 8) block(fetch64(s, i));
  let last = u64(BigInt(s.length & 0xff) << 56n);
  for (let k = s.length - 1; k >= full; k--) last |= BigInt(s[k]!) << BigInt(8 * (k - full));
  block(last);
  v2 ^= 0xffn;
  for (let r = 0; r < 4; r++) round();
  return v0 ^ v1 ^ v2 ^ v3;
}
