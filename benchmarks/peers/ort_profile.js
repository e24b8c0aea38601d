// ONNX Runtime's own per-node profile of a model, to set beside se-run
// --profile's table of the same ONNX file:
//
//   node ort_profile.js [--threads N] [--runs R] MODEL.onnx
//
// Runs the model as ort_bench.js does (seeded inputs, all graph
// optimizations, N intra-op threads), profiles R runs after 10 warm-up runs
// and prints each node of the optimized graph with its op type, mean time
// per run and share of the total, sorted by time. The fused nodes carry
// ORT's names (e.g. a Conv with its activation fused); the table's total is
// the sum over nodes, without the session's overhead.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const {createSession, seededFeeds} = require('./ort_common');

function parseArgs(argv) {
  const args = {threads: 1, runs: 50, model: null};
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--threads') args.threads = Number(argv[++i]);
    else if (argv[i] === '--runs') args.runs = Number(argv[++i]);
    else if (args.model === null) args.model = argv[i];
    else args.model = undefined;
  }
  if (!(args.threads >= 1) || !(args.runs >= 1) || !args.model) {
    console.error('usage: node ort_profile.js [--threads N] [--runs R] MODEL.onnx');
    process.exit(2);
  }
  return args;
}

(async () => {
  const args = parseArgs(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ort-profile-'));
  const prefix = path.join(dir, 'profile');
  const session = await createSession(
      args.model, args.threads, {enableProfiling: true, profileFilePrefix: prefix});
  const feeds = seededFeeds(session);
  for (let i = 0; i < 10; ++i) await session.run(feeds);
  // The trace holds every run: only the events from the first timed run's
  // start on count (below).
  const start = process.hrtime.bigint();
  for (let i = 0; i < args.runs; ++i) await session.run(feeds);
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6 / args.runs;
  session.endProfiling();
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  if (files.length !== 1) throw new Error(`expected one profile in ${dir}`);
  const events = JSON.parse(fs.readFileSync(path.join(dir, files[0]), 'utf8'));
  fs.rmSync(dir, {recursive: true});

  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run');
  const firstTimed = runs[runs.length - args.runs];
  const nodes = new Map();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    if (firstTimed && e.ts < firstTimed.ts) continue;
    const name = e.name.slice(0, -'_kernel_time'.length);
    const node = nodes.get(name) || {name, op: (e.args && e.args.op_name) || '?', us: 0};
    node.us += e.dur;
    nodes.set(name, node);
  }
  const rows = [...nodes.values()].sort((a, b) => b.us - a.us);
  const totalUs = rows.reduce((sum, r) => sum + r.us, 0) / args.runs;
  console.log(`# ${path.basename(args.model)}: ${args.threads} thread(s), ` +
              `${args.runs} runs, wall ${wallMs.toFixed(3)} ms/run, ` +
              `nodes ${(totalUs / 1000).toFixed(3)} ms/run`);
  console.log('node,op,ms,share');
  for (const r of rows) {
    const ms = r.us / args.runs / 1000;
    console.log(`${r.name},${r.op},${ms.toFixed(4)},` +
                `${(100 * r.us / args.runs / totalUs).toFixed(1)}%`);
  }
})().catch((error) => {
  console.error(`ort_profile: ${error.message}`);
  process.exit(1);
});
