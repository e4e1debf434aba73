/** The domain is pure: it may import only itself and zod. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'functions/src/domain must not import SDKs, adapters, handlers, transports or Node I/O.',
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
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
