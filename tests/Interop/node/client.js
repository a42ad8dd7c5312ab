#!/usr/bin/env node
// Drives a helper with msgpack5rpc (an independent msgpack-rpc implementation from npm): spawns
// HELPER as a child over pipes, makes calls, and prints one JSON line per observation for the
// .NET test to check. Usage: node client.js HELPER
'use strict';
const { spawn } = require('child_process');
const Session = require('msgpack5rpc');

const helper = spawn(process.argv[2], [], { stdio: ['pipe', 'pipe', 'inherit'] });
const session = new Session();
session.attach(helper.stdin, helper.stdout);

const notifications = [];
const waiters = [];
session.on('notification', (method, args) => {
  notifications.push({ method, args });
  for (const waiter of waiters.splice(0)) waiter();
});

function report(what, value) {
  process.stdout.write(JSON.stringify({ what, value }) + '\n');
}

function call(method, args) {
  return new Promise((resolve) => session.request(method, args, (error, result) => resolve({ error, result })));
}

async function notification(method) {
  for (;;) {
    const found = notifications.find((n) => n.method === method);
    if (found) return found;
    await new Promise((resolve) => waiters.push(resolve));
  }
}

function plain(value) {
  // Buffers (bin) as text, so the report says what the helper sent either way.
  if (Buffer.isBuffer(value)) return { bin: value.toString('utf8') };
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

async function main() {
  const hello = await notification('$/hello');
  report('hello', plain(hello.args));
  report('echo', plain(await call('echo', [1, 'two', [3]])));
  report('add', plain(await call('add', [2, 3])));
  // A method name sent as bin, as bytes-minded clients do.
  report('echo_bin_name', plain(await call(Buffer.from('echo'), ['bin'])));
  report('unknown', plain(await call('no_such_method', [])));
  // A notification: $/cancel for a sleeping request, which the helper answers as cancelled.
  // msgpack5rpc numbers requests itself; the next id is the one the sleep gets.
  const sleepId = session._next_request_id;
  const sleeping = call('sleep', [60000]);
  session.notify('$/cancel', [sleepId]);
  report('sleep_id', sleepId);
  report('cancelled_notification', plain((await notification('cancelled')).args));
  report('sleep', plain(await sleeping));
  // A notification the helper handles: it answers with the notification notified [x].
  session.notify('notify_back', ['x']);
  report('notified', plain((await notification('notified')).args));
  // A notification the helper does not handle is ignored; it still serves.
  session.notify('no_such_notification', [1]);
  report('after_notification', plain(await call('add', [40, 2])));
  // Stdin EOF: the helper must exit by itself.
  helper.on('exit', (code, signal) => report('exit', { code, signal }));
  helper.stdin.end();
}

main().catch((e) => {
  report('error', String(e && e.stack || e));
  process.exit(1);
});
