// The entry bundlers pick for browsers (the `browser` export condition). A bundler resolves
// tfjs-core's own `register_all_gradients` module, extensionless imports and all, so the app
// shares tfjs-core's gradient code instead of carrying Ridge's bundled copy (about 50 kB).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
