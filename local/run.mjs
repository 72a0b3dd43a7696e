// Runs the whole service locally (./run.sh builds, then hands over to this): the Cosmos, Blob/Queue and SignalR stand-ins,
// then the Functions host stand-in with the real worker, then seeds a demo tenant into .local/demo.env.
// Ctrl+C, SIGINT or SIGTERM stops everything it started within 2 s — also when started in the background, where a
// shell leaves SIGINT ignored (Node resets it, bash cannot).
//   node local/run.mjs [--stack-only] [--no-dashboard]
//     --stack-only: just the stand-ins, e.g. for `func start` in LiveChat.Functions
//     --no-dashboard: no telemetry dashboard, and the worker exports no telemetry
// Ports: COSMOS_PORT (8081), AZURITE_BLOB_PORT (10000), AZURITE_QUEUE_PORT (10001), SIGNALR_PORT (8888), LIVECHAT_PORT (7071),
// DASHBOARD_PORT (18888, the telemetry dashboard when LIVECHAT_DASHBOARD names its executable) and its OTLP_PORT (4318).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { killMatching } from './orphans.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const logs = path.join(root, '.local', 'stack');
fs.mkdirSync(logs, { recursive: true });
const port = (name, fallback) => Number(process.env[name] || fallback);
const cosmosPort = port('COSMOS_PORT', 8081), blobPort = port('AZURITE_BLOB_PORT', 10000), queuePort = port('AZURITE_QUEUE_PORT', 10001);
const signalRPort = port('SIGNALR_PORT', 8888), apiPort = port('LIVECHAT_PORT', 7071);
const dashboardPort = port('DASHBOARD_PORT', 18888), otlpPort = port('OTLP_PORT', 4318);
const release = (project, dll) => path.join(root, project, 'bin', 'Release', 'net10.0', dll);
const settings = path.join(root, 'LiveChat.Functions', 'local.settings.json');
const sample = path.join(root, 'local.settings.sample.json');
if (!fs.existsSync(settings)) fs.copyFileSync(sample, settings);
// A local.settings.json from an older checkout gets the settings added to the sample since (its own values stay).
{
  const local = JSON.parse(fs.readFileSync(settings, 'utf8')), documented = JSON.parse(fs.readFileSync(sample, 'utf8'));
  const added = Object.keys(documented.Values).filter(key => !(key in (local.Values ??= {})));
  if (added.length > 0) {
    for (const key of added) local.Values[key] = documented.Values[key];
    fs.writeFileSync(settings, JSON.stringify(local, null, 2) + '\n');
    console.log(`Added to LiveChat.Functions/local.settings.json from the sample: ${added.join(', ')}`);
  }
}
// The SignalR stand-in signs with the access key the app is configured with.
const signalRKey = /AccessKey=([^;]+)/.exec(JSON.parse(fs.readFileSync(settings, 'utf8')).Values.SignalR__ConnectionString ?? '')?.[1]
  ?? 'local-signalr-access-key-0123456789abcdef';

// Every port must be free before anything starts: a port taken by another ./run.sh (or anything else) would
// otherwise make this one report, and seed, the other process's services.
function isFree(port) {
  return new Promise(resolve => {
    const probe = net.createServer().once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
{
  const dashboardWanted = process.env.LIVECHAT_DASHBOARD && !process.argv.includes('--stack-only') && !process.argv.includes('--no-dashboard');
  const wanted = [['COSMOS_PORT', cosmosPort], ['AZURITE_BLOB_PORT', blobPort], ['AZURITE_QUEUE_PORT', queuePort], ['SIGNALR_PORT', signalRPort],
    ...(process.argv.includes('--stack-only') ? [] : [['LIVECHAT_PORT', apiPort]]),
    ...(dashboardWanted ? [['DASHBOARD_PORT', dashboardPort], ['OTLP_PORT', otlpPort]] : [])];
  for (const [name, port] of wanted) {
    if (!(await isFree(port))) {
      console.error(`Port ${port} (${name}) is in use: stop what listens there (\`ss -ltnp 'sport = :${port}'\` names it; another ./run.sh stops with Ctrl+C) or start with ${name}=<another port>.`);
      process.exit(1);
    }
  }
}

const children = [];
let stopping = false;

// stopSignal: the in-memory stand-ins have nothing to save, and Azurite takes minutes to close on SIGTERM.
// essential: its exit stops everything (the host). A stand-in that dies is reported and the API keeps answering,
// as in Azure when a dependency is down (503 store_unavailable, push off), so faults can be tried by hand.
function start(name, command, args, { toConsole = false, stopSignal = 'SIGTERM', essential = false, env = {} } = {}) {
  const out = toConsole ? 'inherit' : fs.openSync(path.join(logs, `${name}.log`), 'w');
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', out, out], env: { ...process.env, ...env } });
  children.push({ name, child, stopSignal });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`${name} exited (${signal ?? code})${toConsole ? '' : `; see .local/stack/${name}.log`}`);
    if (essential || !ready) stop(1);
    else console.error(`The API keeps running without ${name}; restart ./run.sh to bring it back.`);
  });
  return child;
}
let ready = false;

function answers(url) {
  return new Promise(resolve => {
    const lib = url.startsWith('https:') ? https : http;
    lib.get(url, { rejectUnauthorized: false, timeout: 2000 }, res => { res.resume(); resolve(res.statusCode); })
      .on('error', () => resolve(0)).on('timeout', function () { this.destroy(); resolve(0); });
  });
}

async function waitFor(name, url, ok = status => status > 0, seconds = 60) {
  for (const until = Date.now() + seconds * 1000; Date.now() < until && !stopping;) {
    if (ok(await answers(url))) { console.log(`${name} is up at ${url}`); return; }
    await new Promise(r => setTimeout(r, 200));
  }
  if (!stopping) { console.error(`${name} did not answer at ${url}`); stop(1); }
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  const running = children.filter(c => c.child.exitCode === null && c.child.signalCode === null);
  const exited = running.map(c => new Promise(r => c.child.once('exit', r)));
  for (const c of running) c.child.kill(c.stopSignal);
  await Promise.race([Promise.all(exited), new Promise(r => setTimeout(r, 1700))]);
  for (const c of running) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  killOrphanedWorkers();
  process.exit(code);
}
// A host killed before it could stop its worker leaves the worker behind (its parent is then init or a subreaper):
// a worker of this checkout whose parent is one of ours or init is stopped too.
function killOrphanedWorkers() {
  const worker = release('LiveChat.Functions', 'LiveChat.Functions.dll');
  const parents = new Set(['1', String(process.pid), ...children.map(c => String(c.child.pid))]);
  killMatching((cmdline, parent) => cmdline.includes(worker) && cmdline.includes('--functions-worker-id') && parents.has(parent));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

start('cosmos', 'node', [path.join(root, 'local', 'cosmos', 'server.js'), String(cosmosPort)], { stopSignal: 'SIGKILL' });
// --silent: no access log, which would keep every SAS URL (and its signature) in the log file.
start('azurite', 'node', [path.join(root, 'local', 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js'),
  '--blobHost', '127.0.0.1', '--blobPort', String(blobPort), '--inMemoryPersistence', '--skipApiVersionCheck', '--loose', '--silent'],
  { stopSignal: 'SIGKILL' });
// The webhook queue (WebhookQueue in local.settings.json).
start('azurite-queue', 'node', [path.join(root, 'local', 'node_modules', 'azurite', 'dist', 'src', 'queue', 'main.js'),
  '--queueHost', '127.0.0.1', '--queuePort', String(queuePort), '--inMemoryPersistence', '--skipApiVersionCheck', '--loose', '--silent'],
  { stopSignal: 'SIGKILL' });
start('signalr', 'dotnet', [release('local/signalr', 'LiveChat.SignalRStandIn.dll'),
  '--urls', `http://127.0.0.1:${signalRPort}`, '--AccessKey', signalRKey]);
// Local only, so anonymous: traces, metrics and logs of the worker, sent over OTLP/HTTP.
const dashboard = process.env.LIVECHAT_DASHBOARD && fs.existsSync(process.env.LIVECHAT_DASHBOARD)
  && !process.argv.includes('--stack-only') && !process.argv.includes('--no-dashboard');
if (dashboard) {
  start('dashboard', process.env.LIVECHAT_DASHBOARD, [], {
    env: {
      ASPNETCORE_URLS: `http://127.0.0.1:${dashboardPort}`,
      DOTNET_DASHBOARD_OTLP_HTTP_ENDPOINT_URL: `http://127.0.0.1:${otlpPort}`,
      DOTNET_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS: 'true',
    },
  });
}
await Promise.all([
  dashboard ? waitFor('telemetry dashboard', `http://127.0.0.1:${dashboardPort}/`) : Promise.resolve(),
  waitFor('cosmos', `https://127.0.0.1:${cosmosPort}/`),
  waitFor('azurite', `http://127.0.0.1:${blobPort}/devstoreaccount1?comp=list`),
  waitFor('azurite-queue', `http://127.0.0.1:${queuePort}/devstoreaccount1?comp=list`),
  waitFor('signalr', `http://127.0.0.1:${signalRPort}/api/hubs/livechat/users/probe`),
]);

if (process.argv.includes('--stack-only')) {
  console.log('Local stand-ins running; Ctrl+C stops them.');
} else {
  start('functions-host', 'dotnet', [release('local/functions-host', 'LiveChat.FunctionsHost.dll'),
    '--ScriptRoot', path.join(root, 'LiveChat.Functions', 'bin', 'Release', 'net10.0'),
    '--SettingsFile', settings, '--SettingsSample', sample, '--Port', String(apiPort)], {
    toConsole: true, essential: true,
    env: dashboard ? {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}`, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_SERVICE_NAME: 'livechat',
    } : {},
  });
  const baseUrl = `http://127.0.0.1:${apiPort}`;
  await waitFor('LiveChat worker', `${baseUrl}/api/health`, status => status === 200, 120);
  const seed = spawn('dotnet', [release('tools/LiveChat.Dev', 'LiveChat.Dev.dll'), 'seed-demo', baseUrl,
    path.join(root, '.local', 'demo.env')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (await new Promise(r => seed.once('exit', r)) !== 0 && !stopping) { console.error('Seeding the demo tenant failed.'); await stop(1); }
  if (dashboard) console.log(`Telemetry (traces, metrics, logs): http://127.0.0.1:${dashboardPort}`);
  // The dev agent token rides in the fragment, which the browser never sends to a server (so no log keeps it);
  // the page takes it and drops it from the address bar.
  const demo = fs.readFileSync(path.join(root, '.local', 'demo.env'), 'utf8');
  const [agentToken, ticketId] = ['AGENT_TOKEN', 'TICKET_ID'].map(name => new RegExp(`^${name}=(.+)$`, 'm').exec(demo)?.[1]);
  if (agentToken) console.log(`Agent console (the demo agent, on the demo ticket): ${baseUrl}/api/console#ticket=${ticketId}&token=${agentToken}`);
  console.log(`LiveChat is ready at ${baseUrl} (demo tokens in .local/demo.env). Ctrl+C stops everything.`);
}
ready = true;
