/**
 * The layering of src/ (README, "Layout"), checked on every `npm run lint`: the domain in core/
 * depends on nothing of ours, the adapters around it (store, runtime, api, proxy) depend on core
 * and not on one another, and only the composition root (server, reached from cli and bin) sees
 * them all. A rule broken here is a design change to make on purpose, not to silence.
 */
module.exports = {
  forbidden: [
    {
      name: 'core-is-self-contained',
      comment: 'core is the domain: it reaches the world only through the ports it declares (core/ports).',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^(src|console|bin)/', pathNot: '^src/core/' },
    },
    {
      name: 'adapters-use-core-only',
      comment: "store and runtime implement core's ports; they import core and themselves, nothing else of ours.",
      severity: 'error',
      from: { path: '^src/(store|runtime)/' },
      to: { path: '^(src|console|bin)/', pathNot: ['^src/core/', '^src/$1/'] },
    },
    {
      name: 'api-and-proxy-stay-off-the-adapters',
      comment:
        "api and proxy serve core's services over HTTP; which store or runtime is behind them is the server's choice.",
      severity: 'error',
      from: { path: '^src/(api|proxy)/' },
      to: { path: '^src/(store|runtime|server|cli)/' },
    },
    {
      name: 'nothing-imports-the-cli',
      comment: 'The cli is an entry point: bin starts it, nothing else depends on it.',
      severity: 'error',
      from: { pathNot: ['^src/cli/', '^bin/'] },
      to: { path: '^src/cli/' },
    },
    {
      name: 'server-is-the-composition-root',
      comment:
        'server wires everything together; only the entry points (bin, cli) may start it, and backup, which ' +
        "the cli runs against the server's data directory with the server's key and configuration.",
      severity: 'error',
      from: { path: '^(src|console)/', pathNot: ['^src/server/', '^src/cli/', '^src/backup/'] },
      to: { path: '^src/server/' },
    },
    {
      name: 'console-talks-http-only',
      comment:
        'The console is a browser app: it speaks to the server through the typed client and nothing else of src/.',
      severity: 'error',
      from: { path: '^console/' },
      to: { path: '^src/', pathNot: '^src/client/' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle makes the import order matter and the layers meaningless.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
