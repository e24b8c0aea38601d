// What ort_bench.js and ort_profile.js share: ONNX Runtime (npm
// onnxruntime-node, found through $ORT_NODE_MODULES), a session as the peers
// run it (N intra-op threads, sequential, all graph optimizations) and
// seeded inputs in [-1, 1).
'use strict';
const path = require('path');
const ort = require(path.join(process.env.ORT_NODE_MODULES || 'node_modules',
                              'onnxruntime-node'));

function seeded(count, seed) {
  const data = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; ++i) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state / 2147483648 - 1;
  }
  return data;
}

// `options` adds to (or overrides) the peers' session options.
function createSession(model, threads, options = {}) {
  return ort.InferenceSession.create(model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    ...options,
  });
}

// Input i filled from seed i + 1; symbolic dimensions taken as `batch`.
function seededFeeds(session, batch = 1) {
  const feeds = {};
  session.inputNames.forEach((name, index) => {
    const meta = session.inputMetadata ? session.inputMetadata[index] : null;
    if (!meta || !meta.shape) throw new Error(`cannot read the shape of input ${name}`);
    const dims = meta.shape.map((d) => (typeof d === 'number' ? d : batch));
    const count = dims.reduce((a, b) => a * b, 1);
    feeds[name] = new ort.Tensor('float32', seeded(count, index + 1), dims);
  });
  return feeds;
}

module.exports = {createSession, seededFeeds};
