// Stops exactly what one test run started: every process that inherited its LIVECHAT_TEST_RUN marker (the test
// host, its workers, stand-ins and browsers, and theirs), whatever became of their parents; nothing else, so a
// ./run.sh of the same checkout keeps running. SIGKILL: a worker whose host is gone ignores SIGTERM, and Azurite
// takes minutes to honour it.
//   node local/stop-test-run.mjs <marker>
import { killMatching } from './orphans.mjs';

const [marker] = process.argv.slice(2);
if (!marker) {
  console.error('usage: node local/stop-test-run.mjs <LIVECHAT_TEST_RUN value>');
  process.exit(2);
}
killMatching((_, __, environment) => environment().includes(`LIVECHAT_TEST_RUN=${marker}`));
