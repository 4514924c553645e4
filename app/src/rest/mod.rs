//! The REST (LCD) API on `[api] address`, as the SDK's grpc-gateway serves it: every query method
//! the node serves answers at the route of its `google.api.http` rule, transcoded from the
//! descriptor set into the same handlers `abci_query` and gRPC use. Wallets (Keplr, Leap),
//! explorers and scripts talk to this port.

mod dashboard;
pub mod routes;
pub mod transcode;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use prost::Message;
use prost_reflect::DynamicMessage;
use rmesh_core::query::HEIGHT_HEADER;
use serde::{Deserialize, Serialize};
use tonic::{Code, Status};

use crate::error::CliError;
use crate::query::QueryRouter;
use routes::{NoRoute, RouteTable, Verb};

/// `[api]` in app.toml.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "kebab-case")]
pub struct ApiConfig {
    /// Serve the REST API at all.
    pub enable: bool,
    /// Where it listens (host:port).
    pub address: String,
    /// Answer browsers from any origin (CORS). Off: a page on another origin cannot read it.
    pub enabled_unsafe_cors: bool,
    /// Larger request bodies are refused (HTTP 413).
    pub max_body_bytes: usize,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            enable: true,
            address: "127.0.0.1:1317".into(),
            enabled_unsafe_cors: false,
            max_body_bytes: 1_000_000,
        }
    }
}

/// The gateway: the route table over the node's query router.
pub struct Gateway {
    routes: RouteTable,
    router: QueryRouter,
    config: ApiConfig,
}

impl Gateway {
    pub fn new(router: QueryRouter, config: ApiConfig) -> Result<Gateway, CliError> {
        let served: std::collections::BTreeSet<&str> =
            router.route_owners().map(|(path, _)| path).collect();
        let routes =
            RouteTable::from_pool(crate::descriptors::pool(), |path| served.contains(path))
                .map_err(|e| CliError::Other(format!("REST routes: {e}")))?;
        Ok(Gateway {
            routes,
            router,
            config,
        })
    }

    pub fn routes(&self) -> &RouteTable {
        &self.routes
    }

    /// Answers one HTTP request.
    pub async fn handle(&self, request: Request) -> Response {
        let mut response = self.answer(request).await;
        if self.config.enabled_unsafe_cors {
            let headers = response.headers_mut();
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, POST, OPTIONS"),
            );
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("*"),
            );
        }
        response
    }

    async fn answer(&self, request: Request) -> Response {
        let (parts, body) = request.into_parts();
        if parts.method == Method::OPTIONS && self.config.enabled_unsafe_cors {
            return StatusCode::NO_CONTENT.into_response();
        }
        let verb = match parts.method {
            Method::GET | Method::HEAD => Verb::Get,
            Method::POST => Verb::Post,
            ref other => {
                return gateway_error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    Code::Unimplemented,
                    &format!("the REST API answers GET and POST, not {other}"),
                )
            }
        };
        let path = parts.uri.path();
        if verb == Verb::Get {
            if let Some(file) = dashboard::file(path) {
                return file;
            }
        }
        let matched = match self.routes.find(verb, path) {
            Ok(matched) => matched,
            Err(NoRoute::WrongVerb) => {
                return gateway_error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    Code::Unimplemented,
                    &format!("{path} does not answer {}", verb.name()),
                )
            }
            Err(NoRoute::Unknown) => {
                return gateway_error(
                    StatusCode::NOT_FOUND,
                    Code::NotFound,
                    &format!(
                        "no REST route {} {path}: the routes are the google.api.http rules of the \
                         node's gRPC services, e.g. /cosmos/bank/v1beta1/balances/{{address}}",
                        verb.name()
                    ),
                )
            }
        };
        let route = matched.route;
        let body = match axum::body::to_bytes(body, self.config.max_body_bytes).await {
            Ok(body) => body,
            Err(_) => {
                return gateway_error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    Code::ResourceExhausted,
                    &format!(
                        "the request body is larger than {} bytes (api.max-body-bytes)",
                        self.config.max_body_bytes
                    ),
                )
            }
        };
        let path_bindings = matched.bindings;
        let mut query_bindings = Vec::new();
        if route.body != "*" {
            let query = parts.uri.query().unwrap_or_default();
            for (key, value) in form_urlencoded::parse(query.as_bytes()) {
                if !path_bindings.iter().any(|(bound, _)| *bound == key) {
                    query_bindings.push((key.into_owned(), value.into_owned()));
                }
            }
        }
        let input = route.method.input();
        let request = match transcode::build_request(
            &input,
            &route.body,
            &body,
            &path_bindings,
            &query_bindings,
        ) {
            Ok(request) => request,
            Err(err) => {
                return gateway_error(
                    StatusCode::BAD_REQUEST,
                    Code::InvalidArgument,
                    &err.to_string(),
                )
            }
        };
        let height = match requested_height(&parts.headers) {
            Ok(height) => height,
            Err(status) => return status_error(&status),
        };
        let answer = match self
            .router
            .query(&route.grpc_path, request.encode_to_vec(), height, false)
            .await
        {
            Ok(answer) => answer,
            Err(status) => return status_error(&status),
        };
        let json = DynamicMessage::decode(route.method.output(), answer.value.as_slice())
            .map_err(|e| {
                format!(
                    "the answer is not a {}: {e}",
                    route.method.output().full_name()
                )
            })
            .and_then(|response| transcode::to_json(&response).map_err(|e| e.to_string()));
        match json {
            Ok(json) => {
                let mut response = (StatusCode::OK, axum::Json(json)).into_response();
                if let Ok(value) = HeaderValue::from_str(&answer.height.to_string()) {
                    response.headers_mut().insert(HEIGHT_HEADER, value);
                }
                response
            }
            Err(message) => {
                gateway_error(StatusCode::INTERNAL_SERVER_ERROR, Code::Internal, &message)
            }
        }
    }
}

/// The height asked for with the SDK's `x-cosmos-block-height` header (0 = latest).
fn requested_height(headers: &HeaderMap) -> Result<u64, Status> {
    match headers.get(HEIGHT_HEADER) {
        None => Ok(0),
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|text| text.trim().parse().ok())
            .ok_or_else(|| {
                Status::invalid_argument(format!(
                    "{HEIGHT_HEADER} must be a block height, not {value:?}"
                ))
            }),
    }
}

/// grpc-gateway's HTTP status for a gRPC code.
pub fn http_status(code: Code) -> StatusCode {
    match code {
        Code::Ok => StatusCode::OK,
        Code::Cancelled => StatusCode::from_u16(499).unwrap_or(StatusCode::BAD_REQUEST),
        Code::Unknown | Code::Internal | Code::DataLoss => StatusCode::INTERNAL_SERVER_ERROR,
        Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => {
            StatusCode::BAD_REQUEST
        }
        Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::AlreadyExists | Code::Aborted => StatusCode::CONFLICT,
        Code::PermissionDenied => StatusCode::FORBIDDEN,
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        Code::Unimplemented => StatusCode::NOT_IMPLEMENTED,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

fn status_error(status: &Status) -> Response {
    gateway_error(http_status(status.code()), status.code(), status.message())
}

/// The gateway's error body: `{"code": <gRPC code>, "message": ..., "details": []}`.
fn gateway_error(http: StatusCode, code: Code, message: &str) -> Response {
    let body = serde_json::json!({
        "code": code as i32,
        "message": message,
        "details": [],
    });
    (http, axum::Json(body)).into_response()
}

/// Serves the REST API on `config.address` until the server fails.
pub async fn serve(router: QueryRouter, config: ApiConfig) -> Result<(), CliError> {
    let address = config.address.clone();
    let gateway = Arc::new(Gateway::new(router, config)?);
    let app = axum::Router::new()
        .fallback(
            |State(gateway): State<Arc<Gateway>>, request: Request<Body>| async move {
                gateway.handle(request).await
            },
        )
        .with_state(gateway);
    serve_http(app, &address, "REST API").await
}

/// Serves `app` over HTTP/1 on `address` (host:port) until the server fails; `what` names the
/// server in errors.
pub(crate) async fn serve_http(
    app: axum::Router,
    address: &str,
    what: &str,
) -> Result<(), CliError> {
    let address: SocketAddr = address
        .parse()
        .map_err(|e| CliError::Input(format!("invalid {what} address {address}: {e}")))?;
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| CliError::Other(format!("{what} cannot listen on {address}: {e}")))?;
    axum::serve(listener, app)
        .await
        .map_err(|e| CliError::Other(format!("{what} on {address} stopped: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_codes_map_to_the_gateways_http_statuses() {
        assert_eq!(http_status(Code::InvalidArgument), StatusCode::BAD_REQUEST);
        assert_eq!(http_status(Code::NotFound), StatusCode::NOT_FOUND);
        assert_eq!(
            http_status(Code::Unimplemented),
            StatusCode::NOT_IMPLEMENTED
        );
        assert_eq!(
            http_status(Code::Unavailable),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            http_status(Code::ResourceExhausted),
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(http_status(Code::Cancelled).as_u16(), 499);
    }

    #[test]
    fn the_height_header_must_be_a_number() {
        let mut headers = HeaderMap::new();
        assert_eq!(requested_height(&headers).unwrap(), 0);
        headers.insert(HEIGHT_HEADER, HeaderValue::from_static("12"));
        assert_eq!(requested_height(&headers).unwrap(), 12);
        headers.insert(HEIGHT_HEADER, HeaderValue::from_static("soon"));
        assert_eq!(
            requested_height(&headers).unwrap_err().code(),
            Code::InvalidArgument
        );
    }
}
