// The ceilings the service is compared with, doing no work beyond parsing the request and serialising a contact of
// the same size: `fastify` (the default) is the service's HTTP stack, `node:http` a server on Node's own module with no
// framework at all. Started by run.mjs with an IPC channel; the kind is its one argument. The body it is sent is what it
// answers: a contact for the bench's GET and PUT, a list page for profile.mjs's list and search routes.
import http from 'node:http';
import Fastify from 'fastify';

const kind = process.argv[2] ?? 'fastify';
const { body } = await new Promise((resolve) => process.once('message', resolve));
// Keep it an object so that every response pays for JSON.stringify, as the service's responses do.
const contact = JSON.parse(body);

const server = kind === 'node:http' ? nodeServer() : await fastifyServer();

function nodeServer() {
  const send = (res, status, payload) => {
    const text = payload === undefined ? '' : JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  return http.createServer((req, res) => {
    const path = req.url.split('?')[0];
    if (req.method === 'GET' && path === '/health') return send(res, 200, { status: 'ok' });
    if (req.method === 'GET' && (path === '/contacts' || path.startsWith('/contacts/'))) return send(res, 200, contact);
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      let parsed;
      try {
        parsed = JSON.parse(text);
      } catch {
        return send(res, 400, { error: 'expected a JSON body' });
      }
      if (typeof parsed !== 'object' || parsed === null) return send(res, 400, { error: 'expected a JSON body' });
      if ((req.method === 'PUT' && path.startsWith('/contacts/')) || (req.method === 'POST' && path === '/contacts/search')) return send(res, 200, contact);
      // Intercom's answer to a tracked event: 202 with an empty body.
      if (req.method === 'POST' && path === '/events') return send(res, 202);
      send(res, 404, { error: 'not found' });
    });
  });
}

async function fastifyServer() {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/contacts/:id', async () => contact);
  app.put('/contacts/:id', async (request) => {
    if (typeof request.body !== 'object' || request.body === null) throw new Error('expected a JSON body');
    return contact;
  });
  app.post('/events', async (request, reply) => {
    if (typeof request.body !== 'object' || request.body === null) throw new Error('expected a JSON body');
    reply.code(202).send();
  });
  await app.ready();
  return app.server;
}

const close = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, close);
process.once('disconnect', close);

server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
