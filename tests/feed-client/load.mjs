// The fanout benchmark's load client: many feed connections in one Node process, measuring how long each
// check-in took from its POST to its delivery. Usage: node load.mjs <config.json>
//   { "url": "http://127.0.0.1:5000/hubs/feed", "tokens": ["...", ...], "resume": 1234 | null, "connectConcurrency": 100 }
// One connection per token (a token may repeat). With "resume", each connection calls Resume(resume) once connected;
// without it, connections stay idle (the memory measurement). Check-ins carry their send time in the note
// ("t:<epoch ms>"); every feedItemAdded/feedItemAmended of a check-in is a delivery. Latency is also measured from
// the check-in's recorded time (set by the service when it decided it), which isolates the feed's own part.
// Prints {"event":"ready","connected":N,"failed":F,"ms":...} once all have connected, then on stdin
//   {"cmd":"report"}  prints {"event":"report", deliveries, duplicates, p50_ms, p90_ms, p99_ms, max_ms, ...}
//   {"cmd":"exit"}    closes every connection and exits
// Always exits: on "exit", when stdin closes, or after maxMs (default 15 minutes).
import fs from "node:fs";
import readline from "node:readline";
import { performance } from "node:perf_hooks";
import { connect, emit } from "./feed.mjs";

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const connections = [];
let latencies = new Float64Array(1 << 20);
let fromRecorded = new Float64Array(1 << 20);
let receivedAt = new Float64Array(1 << 20);
let deliveries = 0;
let duplicates = 0;
let closedEarly = 0;
const now = () => performance.timeOrigin + performance.now();

function onCheckIn(state, message) {
  const item = message.item;
  if (!item || item.kind !== "checkIn") return;
  const note = item.checkIn?.note;
  if (typeof note !== "string" || !note.startsWith("t:")) return;
  if (message.sequence <= state.last) {
    duplicates++;
    return;
  }
  state.last = message.sequence;
  const received = now();
  if (deliveries === latencies.length) {
    const bigger = new Float64Array(latencies.length * 2);
    bigger.set(latencies);
    latencies = bigger;
    const biggerToo = new Float64Array(fromRecorded.length * 2);
    biggerToo.set(fromRecorded);
    fromRecorded = biggerToo;
    const biggerStill = new Float64Array(receivedAt.length * 2);
    biggerStill.set(receivedAt);
    receivedAt = biggerStill;
  }
  // From the POST (the note), and from the moment the service decided the check-in (its recorded time), which
  // leaves out the HTTP request's own queueing and handling: append, relay and push only.
  latencies[deliveries] = received - Number(note.slice(2));
  receivedAt[deliveries] = received;
  fromRecorded[deliveries++] = received - Date.parse(item.checkIn.at);
}

async function open(token) {
  const c = connect(config.url, token);
  const state = { last: 0 };
  c.on("feedItemAdded", (m) => onCheckIn(state, m));
  c.on("feedItemAmended", (m) => onCheckIn(state, m));
  c.onclose(() => {
    if (!exiting) closedEarly++;
  });
  await c.start();
  if (typeof config.resume === "number") {
    await c.invoke("Resume", config.resume);
  }
  connections.push(c);
}

let exiting = false;
async function exit() {
  if (exiting) return;
  exiting = true;
  await Promise.allSettled(connections.map((c) => c.stop()));
  emit({ event: "exit" });
  process.exit(0);
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** p99 of the deliveries received in each second since the first one: where in the run the tail is. */
function bySecond(round) {
  if (deliveries === 0) return [];
  const first = receivedAt.slice(0, deliveries).reduce((a, b) => Math.min(a, b));
  const buckets = [];
  for (let i = 0; i < deliveries; i++) {
    const s = Math.floor((receivedAt[i] - first) / 1000);
    (buckets[s] ??= []).push(latencies[i]);
  }
  return Array.from(buckets, (b) => (b ? round(percentile(b.sort((x, y) => x - y), 99)) : null));
}

function report() {
  const sorted = latencies.slice(0, deliveries).sort();
  const recorded = fromRecorded.slice(0, deliveries).sort();
  const round = (x) => (x === null ? null : Math.round(x * 10) / 10);
  emit({
    event: "report",
    connections: connections.length,
    closed_early: closedEarly,
    deliveries,
    duplicates,
    p50_ms: round(percentile(sorted, 50)),
    p90_ms: round(percentile(sorted, 90)),
    p99_ms: round(percentile(sorted, 99)),
    p999_ms: round(percentile(sorted, 99.9)),
    max_ms: round(sorted.length ? sorted[sorted.length - 1] : null),
    recorded_p50_ms: round(percentile(recorded, 50)),
    recorded_p99_ms: round(percentile(recorded, 99)),
    p99_by_second: bySecond(round),
  });
}

setTimeout(exit, config.maxMs ?? 15 * 60 * 1000).unref();
readline.createInterface({ input: process.stdin })
  .on("line", (line) => {
    if (!line.trim()) return;
    const command = JSON.parse(line);
    if (command.cmd === "report") report();
    if (command.cmd === "exit") exit();
  })
  .on("close", exit);

const started = now();
let failed = 0;
let next = 0;
const concurrency = config.connectConcurrency ?? 100;
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (next < config.tokens.length) {
    const token = config.tokens[next++];
    try {
      await open(token);
    } catch {
      failed++;
    }
  }
}));
emit({ event: "ready", connected: connections.length, failed, ms: Math.round(now() - started) });
