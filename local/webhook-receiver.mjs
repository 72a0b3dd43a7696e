// A webhook receiver for local runs and tests: every delivery is verified with the `standardwebhooks` package (the
// Standard Webhooks reference library, not this repository's signing code) and printed as one JSON line.
//   node local/webhook-receiver.mjs <port> <secret> [<secret>...]
// It answers 204 to a verified delivery and 401 to one whose signature, timestamp or id does not verify. For tests,
// POST /_control {"status": 500 | 410 | 400 | 204, "delayMs": n, "secrets": [...]} changes how it answers, and
// GET /_received lists what it got ({id, type, verified, status, body}).
import http from 'node:http';
import { Webhook } from 'standardwebhooks';

const [port, ...initialSecrets] = process.argv.slice(2);
let secrets = initialSecrets, answer = { status: 204, delayMs: 0 };
const received = [];

function verify(body, headers) {
  for (const secret of secrets) {
    try { return new Webhook(secret).verify(body, headers); } catch { /* the next secret may sign it */ }
  }
  return null;
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks).toString('utf8');
    if (req.url === '/_control' && req.method === 'POST') {
      const control = JSON.parse(body);
      if (control.secrets) secrets = control.secrets;
      answer = { status: control.status ?? answer.status, delayMs: control.delayMs ?? 0, retryAfter: control.retryAfter };
      return res.writeHead(204).end();
    }
    if (req.url === '/_received') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(received));
    const event = verify(body, req.headers);
    const status = event ? answer.status : 401;
    received.push({ id: req.headers['webhook-id'], type: event?.type, verified: !!event, status, signatures: String(req.headers['webhook-signature'] ?? '').split(' ').length, body: event });
    console.log(JSON.stringify({ status, id: req.headers['webhook-id'], ...(event ?? { verified: false }) }));
    if (answer.delayMs) await new Promise(r => setTimeout(r, answer.delayMs));
    res.writeHead(status, answer.retryAfter ? { 'retry-after': String(answer.retryAfter) } : {}).end();
  });
});
server.listen(Number(port), '127.0.0.1', () => console.error(`webhook receiver listening on http://127.0.0.1:${port}/`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
