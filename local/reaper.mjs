// Stops what a test run left behind. `dotnet test` may end the test process before its exit handlers run, which
// leaves the worker processes and node stand-ins it started orphaned. This watches that process and, once it is
// gone, kills the orphans whose command line names one of the given paths (this checkout's worker and stand-ins).
// An orphan's parent is init or the same subreaper this script now has; a running ./run.sh's children are not.
//   node local/reaper.mjs <test process id> <path>...
import { killMatching } from './orphans.mjs';

const [watched, ...paths] = process.argv.slice(2);
const alive = pid => { try { process.kill(Number(pid), 0); return true; } catch { return false; } };

setInterval(() => {
  if (alive(watched)) return;
  const orphanParents = new Set(['1', String(process.ppid)]);
  killMatching((cmdline, parent) => orphanParents.has(parent) && paths.some(p => cmdline.includes(p)));
  process.exit(0);
}, 1000);
