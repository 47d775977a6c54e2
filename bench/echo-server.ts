// The ceiling: a bare Fastify JSON echo (POST /echo returns its body), no logging.
import Fastify from 'fastify';

const port = Number(process.env['PORT'] ?? 0);
const app = Fastify({ logger: false });
app.post('/echo', async (request) => request.body);
await app.listen({ port, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : port}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
