import http from 'node:http';

/**
 * A minimal JSON client for the service, failing loudly on anything but 2xx. node:http with a keep-alive agent
 * rather than fetch: on a 2-core machine fetch cost the client about as much CPU per request as the service spent.
 */
export function apiClient(baseUrl, token) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  return function request(method, path, body) {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) };
    return new Promise((resolve, reject) => {
      const req = http.request(new URL(path, baseUrl), { method, headers, agent }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode < 200 || res.statusCode > 299) return reject(new Error(`${method} ${path} answered ${res.statusCode}: ${text.slice(0, 500)}`));
          try {
            resolve({ json: JSON.parse(text), text });
          } catch {
            reject(new Error(`${method} ${path} answered ${res.statusCode} with a body that is not JSON: ${text.slice(0, 200)}`));
          }
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  };
}

/** Defines the custom attributes the PUT scenario writes, then creates `count` contacts, `concurrency` at a time. */
export async function seed(request, { count, concurrency, attributes }) {
  for (const name of attributes) await request('POST', '/data_attributes', { name, model: 'contact', data_type: 'string' });
  const ids = new Array(count);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < count && !failed) {
      const i = next++;
      const { json } = await request('POST', '/contacts', { email: `bench-${i}@example.com`, external_id: `bench-${i}`, name: `Bench Contact ${i}` }).catch((error) => {
        failed = true;
        throw error;
      });
      if (typeof json.id !== 'string') throw new Error(`POST /contacts answered without an id: ${JSON.stringify(json).slice(0, 200)}`);
      ids[i] = json.id;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ids;
}
