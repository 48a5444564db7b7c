import { block, compact, isSet, opt, sortedSet, type Values } from "./values.js";

/**
 * aws_api_gateway_* (REST APIs) and aws_apigatewayv2_* (HTTP APIs) resources → the API Gateway
 * model (services/apigateway/schema): a REST API's resources keyed by full path with their methods
 * and integrations, stages by name; an HTTP API's routes by RouteKey, integrations by a local id
 * (the integration resource's key), stages by name. Resources find each other through the ids
 * edgeparity assigns (`rest_api_id`, `parent_id`, `resource_id`, `api_id`).
 */

export function toRestIntegration(v: Values): Values {
  return compact({
    Type: v.type,
    IntegrationHttpMethod: opt(v.integration_http_method),
    Uri: opt(v.uri),
    TimeoutInMillis: v.timeout_milliseconds === 29000 ? undefined : (v.timeout_milliseconds ?? undefined),
    RequestTemplates: isSet(v.request_templates) && Object.keys(v.request_templates as object).length ? v.request_templates : undefined,
    ConnectionType: v.connection_type === "INTERNET" ? undefined : opt(v.connection_type),
  });
}

export function toIntegrationResponse(v: Values): Values {
  return compact({
    StatusCode: String(v.status_code),
    SelectionPattern: opt(v.selection_pattern),
    ResponseParameters: isSet(v.response_parameters) && Object.keys(v.response_parameters as object).length ? v.response_parameters : undefined,
    ResponseTemplates: isSet(v.response_templates) && Object.keys(v.response_templates as object).length ? v.response_templates : undefined,
  });
}

export function toMethod(v: Values): Values {
  return compact({
    AuthorizationType: v.authorization ?? "NONE",
    AuthorizerId: opt(v.authorizer_id),
    ApiKeyRequired: v.api_key_required === true,
    OperationName: opt(v.operation_name),
  });
}

export function toHttpApi(v: Values): Values {
  const cors = block(v.cors_configuration);
  return compact({
    ProtocolType: "HTTP",
    Description: opt(v.description),
    CorsConfiguration: cors
      ? compact({
          AllowOrigins: sortedSet(cors.allow_origins),
          AllowMethods: sortedSet(cors.allow_methods),
          AllowHeaders: sortedSet(cors.allow_headers),
          ExposeHeaders: sortedSet(cors.expose_headers),
          MaxAge: cors.max_age ?? undefined,
          AllowCredentials: cors.allow_credentials === true ? true : undefined,
        })
      : undefined,
    Routes: {},
    Integrations: {},
    Stages: {},
  });
}

export function toHttpIntegration(v: Values): Values {
  return compact({
    IntegrationType: v.integration_type,
    IntegrationUri: opt(v.integration_uri),
    IntegrationMethod: opt(v.integration_method),
    PayloadFormatVersion: opt(v.payload_format_version) ?? "1.0",
    TimeoutInMillis: v.timeout_milliseconds === 30000 ? undefined : (v.timeout_milliseconds ?? undefined),
    Description: opt(v.description),
  });
}
