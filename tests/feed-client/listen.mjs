// A feed client for the end-to-end tests. Usage: node listen.mjs '<json options>'
//   { "url": "http://127.0.0.1:5000/hubs/feed", "token": "...", "resume": 0 | null, "maxMs": 25000 }
//   ("urls": [...] instead of "url": each reconnect goes to the next one, as behind a load balancer)
// Prints one JSON line per happening: {"event":"connected"}, {"event":"resumed","result":{...}},
// {"event":"message","type":"feedItemAdded","sequence":12,"data":{...}}, {"event":"dropped"}, {"event":"closed"},
// {"event":"error",...}. Commands arrive on stdin, one JSON object a line:
//   {"cmd":"drop","pauseMs":200}  close the connection, wait, reconnect and Resume from the last sequence seen
//   {"cmd":"invoke","method":"Join","args":["<group id>"]}  prints {"event":"result"|"invokeError",...}
//   {"cmd":"exit"}
// Always exits: on "exit", when stdin closes, or after maxMs.
import readline from "node:readline";
import { connect, emit, messageTypes } from "./feed.mjs";

const options = JSON.parse(process.argv[2] ?? "{}");
const maxMs = options.maxMs ?? 25000;
let connection = null;
let lastSequence = typeof options.resume === "number" ? options.resume : 0;
let exiting = false;
const urls = options.urls ?? [options.url];
let opened = 0;

async function open(resumeFrom) {
  const url = urls[opened++ % urls.length];
  const c = connect(url, options.token);
  for (const type of messageTypes) {
    c.on(type, (data) => {
      // leaderboardChanged is a coalesced notice: it does not move the resume position.
      if (type !== "leaderboardChanged" && data.sequence > lastSequence) {
        lastSequence = data.sequence;
      }
      emit({ event: "message", type, sequence: data.sequence, data });
    });
  }
  c.onclose((error) => {
    if (c === connection && !exiting) {
      emit({ event: "closed", error: error ? String(error.message ?? error) : null });
    }
  });
  await c.start();
  connection = c;
  emit({ event: "connected", url });
  if (resumeFrom !== null && resumeFrom !== undefined) {
    const result = await c.invoke("Resume", resumeFrom);
    emit({ event: "resumed", result });
  }
}

async function exit(code = 0) {
  if (exiting) return;
  exiting = true;
  try {
    if (connection) await connection.stop();
  } catch {
    // closing anyway
  }
  emit({ event: "exit" });
  process.exit(code);
}

async function handle(command) {
  switch (command.cmd) {
    case "drop": {
      const old = connection;
      connection = null;
      await old?.stop();
      emit({ event: "dropped", lastSequence });
      await new Promise((r) => setTimeout(r, command.pauseMs ?? 0));
      await open(lastSequence);
      break;
    }
    case "invoke":
      try {
        const result = await connection.invoke(command.method, ...(command.args ?? []));
        emit({ event: "result", method: command.method, result });
      } catch (error) {
        emit({ event: "invokeError", method: command.method, message: String(error.message ?? error) });
      }
      break;
    case "exit":
      await exit(0);
      break;
  }
}

setTimeout(() => exit(0), maxMs).unref();
let queue = Promise.resolve();
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  if (!line.trim()) return;
  queue = queue.then(() => handle(JSON.parse(line))).catch((error) => emit({ event: "error", stage: "command", message: String(error.message ?? error) }));
}).on("close", () => {
  queue.then(() => exit(0));
});

try {
  await open(typeof options.resume === "number" ? options.resume : null);
} catch (error) {
  emit({ event: "error", stage: "start", message: String(error.message ?? error), statusCode: error.statusCode ?? null });
  await exit(1);
}
