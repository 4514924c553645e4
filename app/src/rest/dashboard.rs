//! The mesh dashboard at `/dashboard`: static files compiled into the binary (no build step, no
//! CDN: it works offline) that read the REST API of the node serving them.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

const FILES: [(&str, &str, &str); 3] = [
    (
        "/dashboard",
        "text/html; charset=utf-8",
        include_str!("dashboard/index.html"),
    ),
    (
        "/dashboard/dashboard.js",
        "text/javascript; charset=utf-8",
        include_str!("dashboard/dashboard.js"),
    ),
    (
        "/dashboard/dashboard.css",
        "text/css; charset=utf-8",
        include_str!("dashboard/dashboard.css"),
    ),
];

/// The dashboard file at `path`, if it is one.
pub fn file(path: &str) -> Option<Response> {
    let path = match path {
        "/dashboard/" | "/dashboard/index.html" => "/dashboard",
        other => other,
    };
    FILES
        .iter()
        .find(|(at, _, _)| *at == path)
        .map(|(_, content_type, body)| {
            (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, *content_type),
                    (header::CACHE_CONTROL, "no-cache"),
                ],
                *body,
            )
                .into_response()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_and_the_files_it_loads_are_served() {
        let page = FILES[0].2;
        for (path, _, _) in &FILES[1..] {
            assert!(page.contains(path), "the page does not load {path}");
            assert!(file(path).is_some());
        }
        assert!(file("/dashboard/").is_some());
        assert!(file("/dashboard/other.js").is_none());
    }

    #[test]
    fn the_page_reads_only_routes_the_gateway_serves() {
        let table =
            crate::rest::routes::RouteTable::from_pool(crate::descriptors::pool(), |_| true)
                .unwrap();
        let script = FILES[1].2;
        // Every literal API path the script fetches, with `${...}` parts as one segment.
        let mut checked = 0;
        for piece in script.split("api(").skip(1) {
            let quoted = piece.trim_start_matches(['"', '`']);
            let Some(end) = quoted.find(['"', '`', '?']) else {
                continue;
            };
            let path = quoted[..end]
                .split('/')
                .map(|segment| if segment.contains("${") { "x" } else { segment })
                .collect::<Vec<_>>()
                .join("/");
            if !path.starts_with('/') {
                continue;
            }
            assert!(
                table.find(crate::rest::routes::Verb::Get, &path).is_ok(),
                "the dashboard fetches {path}, which no route serves"
            );
            checked += 1;
        }
        assert!(checked >= 8, "only {checked} fetches found");
    }
}
