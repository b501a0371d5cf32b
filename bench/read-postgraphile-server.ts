// The read benchmark's peer (issue 17): PostGraphile 5 over the same database, as a user would
// run it (the Amber preset, its node HTTP server, a pool the size of ours, no GraphiQL, no
// introspection-time work left at request time). Requests carry the bench's bearer token and
// are refused without one, checked as the hand-written baseline checks it. One smart tag gives
// order_events.actor_id (a plain column in our schema) the link to consumers that the service
// resolves, so an event's actor can be selected. Prints {"url", "statementsUrl"} when listening.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { jsonPgSmartTags } from 'postgraphile/utils';
import { readAuthorization } from '../src/platform/auth/token.ts';
import { JWT_SECRET, POOL_SIZE } from './harness.ts';

const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: POOL_SIZE });
pool.on('error', () => undefined);
/** Statements sent since the last reset, as the other servers count theirs. */
let statements = 0;
pool.on('connect', (client) => {
  const send = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    statements++;
    return send(...args);
  };
});

const preset: GraphileConfig.Preset = {
  extends: [PostGraphileAmberPreset],
  // Relations and orderings on every foreign key and column, not only those a full index
  // serves: underwrite photos and problems have partial indexes alone.
  disablePlugins: ['PgIndexBehaviorsPlugin'],
  plugins: [
    jsonPgSmartTags({
      version: 1,
      config: {
        class: {
          order_events: {
            tags: { foreignKey: '(actor_id) references consumers (id)|@fieldName actor' },
          },
        },
      },
    }),
  ],
  pgServices: [makePgService({ pool, schemas: ['public'] })],
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false },
  grafast: {
    explain: false,
    context(requestContext) {
      const authorization = requestContext.node?.req.headers.authorization;
      if (!readAuthorization(authorization, JWT_SECRET).claims) throw new Error('anonymous');
      return {};
    },
  },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.keepAliveTimeout = 60_000;
await serv.addTo(server);
// Builds the schema now, not on the first timed request.
await pgl.getSchema();
const counter = createServer((_req, res) => {
  res.end(JSON.stringify({ statements }));
  statements = 0;
});
const listen = (s: typeof server) =>
  new Promise<number>((done) =>
    s.listen(0, '127.0.0.1', () => done((s.address() as AddressInfo).port)),
  );
const [port, counterPort] = [await listen(server), await listen(counter)];
process.stdout.write(
  `${JSON.stringify({ url: `http://127.0.0.1:${port}/graphql`, statementsUrl: `http://127.0.0.1:${counterPort}/statements` })}\n`,
);
process.on('SIGTERM', () => {
  server.close();
  counter.close();
  void Promise.resolve(pgl.release())
    .then(() => pool.end())
    .then(() => process.exit(0));
});
