// Nunjucks' internal modules, which nunjucks-patches.ts extends: @types/nunjucks types the public API only.
declare module 'nunjucks/src/*.js' {
  const internals: any;
  export default internals;
}
