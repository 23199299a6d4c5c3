// Copies the browser builds of the npm front-end libraries into the web root's lib folder.
// Usage: node scripts/copy-libs.mjs <target lib folder>
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, '..', 'node_modules');
const target = process.argv[2];
if (!target) {
  console.error('usage: node scripts/copy-libs.mjs <target lib folder>');
  process.exit(2);
}

const libs = [
  { name: 'leaflet', from: 'leaflet/dist' },
  { name: 'esri-leaflet', from: 'esri-leaflet/dist' },
  { name: 'leaflet-geoman', from: '@geoman-io/leaflet-geoman-free/dist' },
];

const skip = (src) => {
  const file = basename(src);
  return file.endsWith('.map') || file.endsWith('.d.ts') || file.includes('-dev.') || file.endsWith('-src.js') || file.endsWith('-src.esm.js');
};

rmSync(target, { recursive: true, force: true });
for (const lib of libs) {
  const src = join(modules, lib.from);
  if (!existsSync(src)) {
    console.error(`missing ${src}: run npm ci in OfflinePortal.Web first`);
    process.exit(1);
  }
  mkdirSync(join(target, lib.name), { recursive: true });
  cpSync(src, join(target, lib.name), { recursive: true, filter: (s) => !skip(s) });
}
writeFileSync(join(target, '.stamp'), new Date().toISOString());
console.log(`copied ${libs.length} libraries into ${target}`);
