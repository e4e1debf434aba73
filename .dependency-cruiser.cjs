/**
 * The dependency rules `npm run lint` checks over functions/src, dev, test and bench. They keep the
 * shape of the code: a pure domain, handlers that reach infrastructure only through ports, production
 * code free of development tooling, and a Workflows runner that stands on its own.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'functions/src/domain must not import SDKs, adapters, handlers, transports or Node I/O: only itself and zod.',
      severity: 'error',
      from: { path: '^functions/src/domain' },
      to: {
        pathNot: ['^functions/src/domain', '^node_modules/zod'],
      },
    },
    {
      name: 'ports-do-not-reach-infrastructure',
      severity: 'error',
      from: { path: '^functions/src/ports' },
      to: { path: ['^functions/src/(adapters|handlers)', '^node_modules/@google-cloud'] },
    },
    {
      name: 'handlers-reach-adapters-through-ports',
      comment: 'A handler gets its adapters injected (register-functions.ts wires them); it imports ports and the domain, never an adapter or a client library other than the Functions Framework.',
      severity: 'error',
      from: { path: '^functions/src/handlers' },
      to: { path: ['^functions/src/adapters', '^node_modules/@google-cloud/(firestore|pubsub|workflows|secret-manager)'] },
    },
    {
      name: 'production-carries-no-dev-tooling',
      comment: 'Nothing deployed imports the local stack, the tests or the benchmarks.',
      severity: 'error',
      from: { path: '^functions/src' },
      to: { path: ['^dev/', '^test/', '^bench/'] },
    },
    {
      name: 'workflows-runner-stands-alone',
      comment: "The local Workflows runner implements Google's language; it knows nothing of Tandem.",
      severity: 'error',
      from: { path: '^dev/workflows-runner' },
      to: { path: ['^functions/', '^dev/(?!workflows-runner/|controllable-clock\.ts$)', '^test/', '^bench/'] },
    },
    {
      name: 'tests-and-benchmarks-are-not-imported',
      comment: 'The local stack and production never depend on test or bench code.',
      severity: 'error',
      from: { path: '^(functions/src|dev)/' },
      to: { path: ['^test/', '^bench/'] },
    },
    {
      name: 'web-app-reaches-only-the-pure-domain',
      comment: 'The browser bundle may share the pure domain (its types, the action table), never a handler, an adapter, a server client or the dev stack.',
      severity: 'error',
      from: { path: '^web/src' },
      to: { path: ['^functions/src/(adapters|handlers|ports)', '^functions/src/[^/]+\\.ts$', '^dev/', '^test/', '^bench/', '^node_modules/(@google-cloud|firebase-admin|zod)'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that resolves to nothing is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'], exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
