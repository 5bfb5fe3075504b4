// A TypeDoc plugin for `npm run docs`: each subpath's page starts with the few exports a reader
// starts from ("Start here"), in the order they are used, before the full lists by kind. The
// names are the public API of each subpath; a name that no longer exists fails the build.
import { ReflectionGroup, ReflectionKind, RendererEvent } from 'typedoc';

export const START_HERE = {
  'session-revocation': ['createSessionManager', 'SessionManager', 'CreateSessionManagerOptions', 'memoryStore', 'SessionError', 'isSessionError'],
  'session-revocation/store': ['SessionStore', 'SessionRecord', 'Batch', 'STORE_LIMITS'],
  'session-revocation/express': ['sessionMiddleware', 'requireSession', 'sessionRoutes', 'requireSameOrigin', 'requireFresh', 'sessionErrorHandler'],
  'session-revocation/fastify': ['sessionPlugin', 'sessionErrorHandler', 'requireFresh', 'replyToSessionError'],
  'session-revocation/koa': ['sessionMiddleware', 'requireSession', 'sessionRoutes', 'requireSameOrigin', 'requireFresh'],
  'session-revocation/hono': ['sessionMiddleware', 'requireSession', 'sessionRoutes', 'requireSameOrigin', 'requireFresh'],
  'session-revocation/fetch': ['sessionHandler', 'requireSession', 'sessionRoutes', 'requireSameOrigin', 'requireFresh'],
  'session-revocation/http': ['safeNextPath', 'createSessionHttp', 'fromFetchRequest', 'SessionHttpOptions'],
  'session-revocation/sqlite': ['sqliteStore'],
  'session-revocation/redis': ['redisStore'],
  'session-revocation/postgres': ['postgresStore'],
  'session-revocation/mysql': ['mysqlStore'],
  'session-revocation/testing': ['describeStoreConformance', 'describeFrameworkConformance'],
  'session-revocation/client': ['watchSession', 'WatchSessionOptions'],
};

const TITLE = 'Start here';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.renderer.on(RendererEvent.BEGIN, (event) => {
    for (const module of event.project.getChildrenByKind(ReflectionKind.Module)) {
      const names = START_HERE[module.name];
      if (names === undefined) throw new Error(`typedoc-entry-points: no "${TITLE}" list for module ${module.name}.`);
      const first = names.map((name) => {
        const child = module.children?.find((candidate) => candidate.name === name);
        if (child === undefined) throw new Error(`typedoc-entry-points: ${module.name} has no export named ${name}.`);
        return child;
      });
      const group = new ReflectionGroup(TITLE, module);
      group.children = first;
      const rest = (module.groups ?? [])
        .map((existing) => {
          existing.children = existing.children.filter((child) => !first.includes(child));
          return existing;
        })
        .filter((existing) => existing.children.length > 0);
      module.groups = [group, ...rest];
      // The site's own title is the package name too: name the root subpath for what it holds.
      if (module.name === 'session-revocation') module.name = 'session-revocation (core)';
      // The sidebar lists a module's children in this order.
      module.children = [...first, ...(module.children ?? []).filter((child) => !first.includes(child))];
      if (module.childrenIncludingDocuments !== undefined) {
        module.childrenIncludingDocuments = [...first, ...module.childrenIncludingDocuments.filter((child) => !first.includes(child))];
      }
    }
  });
}
