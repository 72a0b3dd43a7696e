// One browser ES module of the client and the SignalR client it uses, for pages that load it without a bundler of
// their own (the agent console: the Function App's build runs this). Usage: node bundle.mjs <outfile>
import { build } from 'esbuild';

const outfile = process.argv[2];
if (!outfile) throw new Error('usage: node bundle.mjs <outfile>');
await build({
  entryPoints: [new URL('./src/index.ts', import.meta.url).pathname],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  outfile,
});
