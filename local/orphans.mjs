// Kills the processes (other than this one) whose command line, parent process id and environment pass `matches`:
// how the local runners stop workers and stand-ins that outlived whoever started them. Linux (/proc) only; elsewhere
// it does nothing.
import fs from 'node:fs';

export function killMatching(matches) {
  let pids = [];
  try { pids = fs.readdirSync('/proc').filter(p => /^\d+$/.test(p) && p !== String(process.pid)); } catch { return; }
  for (const pid of pids) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const parent = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1];
      const environment = () => fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (matches(cmdline, parent, environment)) process.kill(Number(pid), 'SIGKILL');
    } catch { /* gone meanwhile, or not ours to read */ }
  }
}
