/**
 * Lambda@Edge (cloudfront.md §14): the four triggers as pipeline stages, and the binding of each
 * association's function to a local handler file run in the shared Lambda runtime.
 */
export { buildLambdaEdgeRequestStage, buildLambdaEdgeResponseStage } from "./edge-stages.js";
export { bindEdgeFunctions, type EdgeFunctionBinding } from "./bind-edge-functions.js";
