/** Layer rules of design.md §Layout; a violation fails `npm run check`. */
module.exports = {
  forbidden: [
    {
      name: "model-is-pure",
      comment: "model/, services/*/schema/ and the schema registry services/schemas.ts import only zod, core/ and each other",
      severity: "error",
      from: { path: "^src/(model/|services/[^/]+/schema/|services/schemas\\.ts$)" },
      to: { path: "^src/", pathNot: "^src/(core/|model/|services/[^/]+/schema/|services/schemas\\.ts$)" },
    },
    {
      name: "importers-import-model-only",
      severity: "error",
      from: { path: "^src/importers/" },
      to: { path: "^src/", pathNot: "^src/(importers|model|core)/" },
    },
    {
      name: "data-plane-does-not-reach-up",
      comment: "data-plane code reads its plan, its schema types and core/ only",
      severity: "error",
      from: { path: "^src/(services|gateway)/" },
      to: { path: "^src/(importers|engine|cli|api|aws-api)/" },
    },
    {
      name: "edge-stages-do-not-import-each-other",
      comment: "only pipeline.ts knows the order",
      severity: "error",
      from: { path: "^src/services/cloudfront/edge/stages/([^/]+)/" },
      to: {
        path: "^src/services/cloudfront/edge/stages/[^/]+/",
        pathNot: ["^src/services/cloudfront/edge/stages/$1/", "^src/services/cloudfront/edge/stages/stage\\.ts$"],
      },
    },
    {
      name: "services-use-each-other-through-index",
      severity: "error",
      from: { path: "^src/services/([^/]+)/" },
      to: { path: "^src/services/([^/]+)/", pathNot: ["^src/services/$1/", "^src/services/[^/]+/index\\.ts$"] },
    },
    {
      name: "services-are-named-only-in-the-registry",
      comment: "issue 9: the engine, the CLI and the public API reach services only through services/index.ts",
      severity: "error",
      from: { path: "^src/(engine|cli|model|index\\.ts)" },
      to: { path: "^src/services/", pathNot: "^src/services/(index|schemas)\\.ts$" },
    },
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
