// tfjs on its WebAssembly backend, for the tests that compare the library with tfjs.
// The WASM backend loads its .wasm from the npm package; Deno needs no setWasmPaths.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

await tf.setBackend("wasm");
await tf.ready();

export { tf };
