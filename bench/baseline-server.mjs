// The ceiling the service is compared with: the same HTTP stack (Fastify, one Node process) doing no work
// beyond parsing the request and serialising a contact of the same size. Started by run.mjs with an IPC channel.
import Fastify from 'fastify';

const { body } = await new Promise((resolve) => process.once('message', resolve));
// Keep it an object so that every response pays for JSON.stringify, as the service's responses do.
const contact = JSON.parse(body);

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
app.get('/health', async () => ({ status: 'ok' }));
app.get('/contacts/:id', async () => contact);
app.put('/contacts/:id', async (request) => {
  if (typeof request.body !== 'object' || request.body === null) throw new Error('expected a JSON body');
  return contact;
});
// Intercom's answer to a tracked event: 202 with an empty body.
app.post('/events', async (request, reply) => {
  if (typeof request.body !== 'object' || request.body === null) throw new Error('expected a JSON body');
  reply.code(202).send();
});

for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => app.close().finally(() => process.exit(0)));
process.once('disconnect', () => app.close().finally(() => process.exit(0)));

await app.listen({ port: 0, host: '127.0.0.1' });
process.send({ port: app.server.address().port });
