#!/usr/bin/env -S node --preserve-symlinks-main
// A helper written with msgpack5rpc's server side (an independent msgpack-rpc implementation from
// npm), knowing nothing of UmhActors: no $/hello, no $/ping. Run by the tests as a #! script blob
// behind a HelperActor with HelperOptions.WithPlainMsgpackRpc(); NODE_PATH points at
// tests/Interop/node/node_modules. --preserve-symlinks-main: run from a memfd, the script's path
// is /proc/self/fd/N, whose real path ("/memfd:... (deleted)") Node cannot open.
// Methods: echo, add [a, b], fail (an error map whose message is bin), poke [n] (answers n after
// sending the notification [2, bin "poked", [n]]). Stdin EOF ends it.
'use strict';
const Session = require('msgpack5rpc');

const session = new Session();
session.attach(process.stdout, process.stdin);

session.on('request', (method, args, response) => {
  switch (method) {
    case 'echo':
      response.send(args);
      break;
    case 'add':
      response.send(args[0] + args[1]);
      break;
    case 'fail':
      response.send({ code: 7, message: Buffer.from('it failed on purpose') }, true);
      break;
    case 'poke':
      // A notification whose name is bin (a Buffer), as bytes-minded servers send it.
      session.notify(Buffer.from('poked'), [args[0]]);
      response.send(args[0]);
      break;
    default:
      response.send({ code: -32601, message: 'no method ' + method }, true);
  }
});

session.on('detach', () => process.exit(0));
