import * as tf from '@tensorflow/tfjs-core';

/**
 * `tf.setBackend` reports why a backend failed only through console warnings. This runs it with
 * those messages captured, so the caller can say why a backend was skipped.
 */
export async function setBackendCapturingReason(name: string): Promise<{ ok: boolean; reason: string }> {
  const messages: string[] = [];
  const original = { warn: console.warn, error: console.error, log: console.log };
  const capture = (...args: unknown[]) => {
    messages.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  };
  console.warn = capture;
  console.error = capture;
  try {
    const ok = await tf.setBackend(name);
    return { ok, reason: messages.join(' | ') || `tf.setBackend('${name}') returned false` };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    console.warn = original.warn;
    console.error = original.error;
  }
}
