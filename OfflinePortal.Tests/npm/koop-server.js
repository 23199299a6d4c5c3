// Starts Koop with the GeoJSON file provider on loopback for the tests.
// Usage: node koop-server.js <data folder> [port]; prints "KOOP LISTENING <port>" once it accepts connections.
'use strict';
process.env.SUPPRESS_NO_CONFIG_WARNING = '1';
const path = require('path');
const Koop = require('@koopjs/koop-core');
const provider = require('@koopjs/provider-file-geojson');

const dataDir = process.argv[2];
if (!dataDir) {
  console.error('usage: node koop-server.js <data folder> [port]');
  process.exit(2);
}
const koop = new Koop({ logLevel: 'warn' });
// The provider joins its dataDir onto the working directory, so it must be given relative to it.
koop.register(provider, { dataDir: path.relative(process.cwd(), path.resolve(dataDir)) || '.' });
const server = koop.server.listen(Number(process.argv[3] || 0), '127.0.0.1', () => {
  console.log(`KOOP LISTENING ${server.address().port}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
