/** API Gateway's door: the service module and the names other code may need (API ids and hosts). */
export { APIGATEWAY_SERVICE, type ApiGatewayLive } from "./module.js";
export { deriveApiId } from "./schema/api-names.js";
