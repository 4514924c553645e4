//! Prometheus metrics on `[metrics] address` (off when empty): the chain's height, how long
//! FinalizeBlock and Commit take (and FinalizeBlock of epoch blocks), txs by result code and the
//! mesh packets sent, acknowledged or timed out, counted as blocks pass; the mempool and the mesh
//! (per provider cap, price, discount, delegated stake, positions, status and pending packets;
//! virtual against local bonded stake) read from the node when scraped.
//!
//! Durations are measured in whole microseconds and written as decimal seconds, so nothing here
//! uses floating point.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest;
use futures::future::BoxFuture;
use prost::Message;
use serde::{Deserialize, Serialize};
use tendermint::abci::Event;
use tendermint::v0_38::abci::{ConsensusRequest, ConsensusResponse};
use tower::Service;

use crate::error::CliError;
use crate::node::abci_server::BoxError;
use crate::node::mempool::Mempool;
use crate::query::QueryRouter;

/// `[metrics]` in app.toml.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "kebab-case")]
pub struct MetricsConfig {
    /// Where `GET /metrics` is served (host:port); empty: no metrics server.
    pub address: String,
}

/// Bucket bounds of the duration histograms, in microseconds.
const BUCKETS_MICROS: [u64; 12] = [
    500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000,
    2_500_000,
];

#[derive(Debug, Default)]
struct Histogram {
    /// Observations at or under each bound of `BUCKETS_MICROS`, then the total count.
    counts: [u64; BUCKETS_MICROS.len()],
    count: u64,
    sum_micros: u64,
}

impl Histogram {
    fn observe(&mut self, elapsed: Duration) {
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        for (bound, count) in BUCKETS_MICROS.iter().zip(self.counts.iter_mut()) {
            if micros <= *bound {
                *count = count.saturating_add(1);
            }
        }
        self.count = self.count.saturating_add(1);
        self.sum_micros = self.sum_micros.saturating_add(micros);
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} histogram");
        for (bound, count) in BUCKETS_MICROS.iter().zip(self.counts) {
            let _ = writeln!(out, "{name}_bucket{{le=\"{}\"}} {count}", seconds(*bound));
        }
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {}", self.count);
        let _ = writeln!(out, "{name}_sum {}", seconds(self.sum_micros));
        let _ = writeln!(out, "{name}_count {}", self.count);
    }
}

/// Microseconds as decimal seconds (`2500` → `0.0025`).
fn seconds(micros: u64) -> String {
    let text = format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// What blocks tell as they pass.
#[derive(Debug, Default)]
pub struct Metrics {
    height: AtomicU64,
    finalized_height: AtomicU64,
    finalize_block: Mutex<Histogram>,
    epoch_block: Mutex<Histogram>,
    commit: Mutex<Histogram>,
    txs_by_code: Mutex<BTreeMap<u32, u64>>,
    /// Mesh packets by (port, outcome: sent, acknowledged, timed_out).
    mesh_packets: Mutex<BTreeMap<(String, &'static str), u64>>,
}

/// The ports whose packets are mesh security's.
const MESH_PORTS: [&str; 2] = [rmesh_converter::PORT, rmesh_external_staking::PORT];

impl Metrics {
    pub fn new() -> Arc<Metrics> {
        Arc::new(Metrics::default())
    }

    fn finalized(&self, height: u64, elapsed: Duration, response: &ConsensusResponse) {
        let ConsensusResponse::FinalizeBlock(block) = response else {
            return;
        };
        self.finalized_height.store(height, Ordering::Relaxed);
        lock(&self.finalize_block).observe(elapsed);
        let tx_events = block.tx_results.iter().flat_map(|tx| tx.events.iter());
        let mut epoch = false;
        for event in block.events.iter().chain(tx_events) {
            epoch |= event.kind == "virtual_staking_epoch";
            self.count_mesh_packet(event);
        }
        if epoch {
            lock(&self.epoch_block).observe(elapsed);
        }
        let mut txs = lock(&self.txs_by_code);
        for tx in &block.tx_results {
            let count = txs.entry(tx.code.value()).or_default();
            *count = count.saturating_add(1);
        }
    }

    fn count_mesh_packet(&self, event: &Event) {
        let outcome = match event.kind.as_str() {
            "send_packet" => "sent",
            "acknowledge_packet" => "acknowledged",
            "timeout_packet" => "timed_out",
            _ => return,
        };
        let port = event
            .attributes
            .iter()
            .find(|a| a.key_bytes() == b"packet_src_port")
            .and_then(|a| a.value_str().ok())
            .filter(|port| MESH_PORTS.contains(port));
        if let Some(port) = port {
            let mut packets = lock(&self.mesh_packets);
            let count = packets.entry((port.to_string(), outcome)).or_default();
            *count = count.saturating_add(1);
        }
    }

    fn committed(&self, elapsed: Duration) {
        lock(&self.commit).observe(elapsed);
        self.height.store(
            self.finalized_height.load(Ordering::Relaxed),
            Ordering::Relaxed,
        );
    }

    /// The counters and histograms in Prometheus' text format.
    fn render_counted(&self, out: &mut String) {
        gauge(
            out,
            "rmesh_height",
            "The latest committed block height.",
            [(
                String::new(),
                self.height.load(Ordering::Relaxed).to_string(),
            )],
        );
        lock(&self.finalize_block).render(
            out,
            "rmesh_finalize_block_seconds",
            "Time the app takes to run FinalizeBlock.",
        );
        lock(&self.epoch_block).render(
            out,
            "rmesh_epoch_block_seconds",
            "FinalizeBlock time of blocks that close a virtual-staking epoch (re-pricing).",
        );
        lock(&self.commit).render(
            out,
            "rmesh_commit_seconds",
            "Time the app takes to Commit a block.",
        );
        let txs: Vec<_> = lock(&self.txs_by_code)
            .iter()
            .map(|(code, count)| (format!("code=\"{code}\""), count.to_string()))
            .collect();
        series(
            out,
            "counter",
            "rmesh_txs_total",
            "Txs in blocks, by result code.",
            txs,
        );
        let packets: Vec<_> = lock(&self.mesh_packets)
            .iter()
            .map(|((port, outcome), count)| {
                (
                    format!("port=\"{port}\",outcome=\"{outcome}\""),
                    count.to_string(),
                )
            })
            .collect();
        series(
            out,
            "counter",
            "rmesh_mesh_packets_total",
            "Mesh-security packets sent, acknowledged and timed out since the node started.",
            packets,
        );
    }
}

/// A poisoned lock only means a scrape panicked; the numbers are still whole.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn series(
    out: &mut String,
    kind: &str,
    name: &str,
    help: &str,
    values: impl IntoIterator<Item = (String, String)>,
) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
    for (labels, value) in values {
        if labels.is_empty() {
            let _ = writeln!(out, "{name} {value}");
        } else {
            let _ = writeln!(out, "{name}{{{labels}}} {value}");
        }
    }
}

fn gauge(
    out: &mut String,
    name: &str,
    help: &str,
    values: impl IntoIterator<Item = (String, String)>,
) {
    series(out, "gauge", name, help, values)
}

/// The consensus connection with its requests timed and its blocks counted.
#[derive(Clone)]
pub struct Metered<C> {
    inner: C,
    metrics: Arc<Metrics>,
}

impl<C> Metered<C> {
    pub fn new(inner: C, metrics: Arc<Metrics>) -> Self {
        Metered { inner, metrics }
    }
}

impl<C> Service<ConsensusRequest> for Metered<C>
where
    C: Service<ConsensusRequest, Response = ConsensusResponse, Error = BoxError>,
    C::Future: Send + 'static,
{
    type Response = ConsensusResponse;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<ConsensusResponse, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: ConsensusRequest) -> Self::Future {
        let height = match &request {
            ConsensusRequest::FinalizeBlock(block) => Some(block.height.value()),
            _ => None,
        };
        let is_commit = matches!(request, ConsensusRequest::Commit);
        let metrics = self.metrics.clone();
        let answer = self.inner.call(request);
        Box::pin(async move {
            let start = Instant::now();
            let response = answer.await?;
            let elapsed = start.elapsed();
            if let Some(height) = height {
                metrics.finalized(height, elapsed, &response);
            } else if is_commit {
                metrics.committed(elapsed);
            }
            Ok(response)
        })
    }
}

/// Reads the gauges the chain's state and CometBFT answer, at scrape time.
struct Scraper {
    metrics: Arc<Metrics>,
    router: QueryRouter,
    mempool: Mempool,
}

impl Scraper {
    async fn render(&self) -> String {
        let mut out = String::new();
        self.metrics.render_counted(&mut out);
        self.render_mempool(&mut out).await;
        self.render_mesh(&mut out).await;
        out
    }

    async fn ask<Request: Message, Response: Message + Default>(
        &self,
        path: &str,
        request: Request,
    ) -> Option<Response> {
        let answer = self
            .router
            .query(path, request.encode_to_vec(), 0, false)
            .await
            .ok()?;
        Response::decode(answer.value.as_slice()).ok()
    }

    async fn render_mempool(&self, out: &mut String) {
        gauge(
            out,
            "rmesh_mempool_txs",
            "Txs waiting for a block, as this node's CheckTx accepted them since the last commit.",
            [(String::new(), self.mempool.waiting_txs().await.to_string())],
        );
    }

    async fn render_mesh(&self, out: &mut String) {
        use cosmos_sdk_proto::cosmos::staking::v1beta1::{QueryPoolRequest, QueryPoolResponse};
        use rmesh_proto::converter::v1 as converter;
        use rmesh_proto::virtualstaking::v1 as virtualstaking;

        let providers: converter::QueryProvidersResponse = self
            .ask(
                "/rmesh.converter.v1.Query/Providers",
                converter::QueryProvidersRequest {},
            )
            .await
            .unwrap_or_default();
        let mut rows: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
        for info in &providers.providers {
            let Some(provider) = &info.provider else {
                continue;
            };
            let label = format!("provider=\"{}\"", escape(&provider.id));
            let positions: converter::QueryPositionsResponse = self
                .ask(
                    "/rmesh.converter.v1.Query/Positions",
                    converter::QueryPositionsRequest {
                        provider_id: provider.id.clone(),
                        delegator: String::new(),
                        // Only the count is wanted.
                        pagination: Some(PageRequest {
                            limit: 1,
                            count_total: true,
                            ..Default::default()
                        }),
                    },
                )
                .await
                .unwrap_or_default();
            let pending: converter::QueryPendingPacketsResponse = self
                .ask(
                    "/rmesh.converter.v1.Query/PendingPackets",
                    converter::QueryPendingPacketsRequest {
                        provider_id: provider.id.clone(),
                    },
                )
                .await
                .unwrap_or_default();
            let status = converter::ProviderStatus::try_from(provider.status)
                .map(|s| {
                    s.as_str_name()
                        .trim_start_matches("PROVIDER_STATUS_")
                        .to_lowercase()
                })
                .unwrap_or_else(|_| provider.status.to_string());
            for (name, value) in [
                ("rmesh_provider_cap", provider.cap.clone()),
                ("rmesh_provider_price", provider.price.clone()),
                ("rmesh_provider_discount", provider.discount.clone()),
                ("rmesh_provider_delegated", info.delegated.clone()),
                (
                    "rmesh_provider_positions",
                    positions
                        .pagination
                        .map_or(0, |page| page.total)
                        .to_string(),
                ),
                (
                    "rmesh_provider_pending_packets",
                    pending.packets.len().to_string(),
                ),
            ] {
                rows.entry(name).or_default().push((label.clone(), value));
            }
            rows.entry("rmesh_provider_status")
                .or_default()
                .push((format!("{label},status=\"{status}\""), "1".to_string()));
        }
        for (name, help) in [
            (
                "rmesh_provider_cap",
                "Most virtual stake (bond denom) a provider may hold.",
            ),
            (
                "rmesh_provider_price",
                "Bond-denom tokens per provider token.",
            ),
            (
                "rmesh_provider_discount",
                "Share of a provider's priced value not counted.",
            ),
            (
                "rmesh_provider_delegated",
                "Virtual stake (bond denom) delegated for a provider.",
            ),
            (
                "rmesh_provider_positions",
                "Stakers' positions of a provider.",
            ),
            (
                "rmesh_provider_pending_packets",
                "Packets to a provider not yet acknowledged.",
            ),
            (
                "rmesh_provider_status",
                "A provider's status (the series with value 1).",
            ),
        ] {
            gauge(out, name, help, rows.remove(name).unwrap_or_default());
        }

        let supply: Option<virtualstaking::QuerySupplyResponse> = self
            .ask(
                "/rmesh.virtualstaking.v1.Query/Supply",
                virtualstaking::QuerySupplyRequest {},
            )
            .await;
        let pool: Option<QueryPoolResponse> = self
            .ask("/cosmos.staking.v1beta1.Query/Pool", QueryPoolRequest {})
            .await;
        if let (Some(supply), Some(pool)) = (supply, pool.and_then(|p| p.pool)) {
            let bonded: u128 = pool.bonded_tokens.parse().unwrap_or_default();
            let virtual_stake: u128 = supply.delegated.parse().unwrap_or_default();
            gauge(
                out,
                "rmesh_bonded_tokens",
                "Bonded stake by origin: virtual (minted for providers) or local.",
                [
                    ("origin=\"virtual\"".to_string(), virtual_stake.to_string()),
                    (
                        "origin=\"local\"".to_string(),
                        bonded.saturating_sub(virtual_stake).to_string(),
                    ),
                ],
            );
        }
    }
}

/// A label value with `\`, `"` and newlines escaped as the text format wants.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Serves `GET /metrics` on `address` until the server fails.
pub async fn serve(
    metrics: Arc<Metrics>,
    router: QueryRouter,
    mempool: Mempool,
    address: &str,
) -> Result<(), CliError> {
    let scraper = Arc::new(Scraper {
        metrics,
        router,
        mempool,
    });
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let scraper = scraper.clone();
            async move {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    scraper.render().await,
                )
            }
        }),
    );
    crate::rest::serve_http(app, address, "metrics server").await
}

#[cfg(test)]
mod tests {
    use super::*;
    use tendermint::abci::types::ExecTxResult;
    use tendermint::abci::Code;
    use tendermint::v0_38::abci::response;

    #[test]
    fn durations_are_written_as_decimal_seconds() {
        assert_eq!(seconds(2_500), "0.0025");
        assert_eq!(seconds(1_000_000), "1");
        assert_eq!(seconds(1_250_000), "1.25");
        assert_eq!(seconds(0), "0");
    }

    #[test]
    fn histograms_count_each_observation_in_every_bucket_that_holds_it() {
        let mut histogram = Histogram::default();
        histogram.observe(Duration::from_micros(3_000));
        histogram.observe(Duration::from_secs(10));
        let mut out = String::new();
        histogram.render(&mut out, "x_seconds", "x");
        assert!(out.contains("x_seconds_bucket{le=\"0.0025\"} 0\n"), "{out}");
        assert!(out.contains("x_seconds_bucket{le=\"0.005\"} 1\n"), "{out}");
        assert!(out.contains("x_seconds_bucket{le=\"2.5\"} 1\n"), "{out}");
        assert!(out.contains("x_seconds_bucket{le=\"+Inf\"} 2\n"), "{out}");
        assert!(out.contains("x_seconds_sum 10.003\n"), "{out}");
        assert!(out.contains("x_seconds_count 2\n"), "{out}");
    }

    #[test]
    fn finalized_blocks_count_txs_by_code_epochs_and_mesh_packets() {
        let metrics = Metrics::default();
        let packet = |kind: &str, port: &str| {
            rmesh_core::EventBuilder::new(kind)
                .attr("packet_src_port", port)
                .build()
        };
        let tx = |code: u32, events: Vec<Event>| ExecTxResult {
            code: if code == 0 {
                Code::Ok
            } else {
                Code::from(code)
            },
            events,
            ..Default::default()
        };
        let block = response::FinalizeBlock {
            events: vec![
                rmesh_core::EventBuilder::new("virtual_staking_epoch").build(),
                packet("send_packet", rmesh_converter::PORT),
                packet("send_packet", "transfer"),
            ],
            tx_results: vec![
                tx(0, vec![packet("acknowledge_packet", rmesh_converter::PORT)]),
                tx(5, vec![]),
                tx(
                    0,
                    vec![packet("timeout_packet", rmesh_external_staking::PORT)],
                ),
            ],
            validator_updates: vec![],
            consensus_param_updates: None,
            app_hash: Default::default(),
        };
        metrics.finalized(
            7,
            Duration::from_millis(3),
            &ConsensusResponse::FinalizeBlock(block),
        );
        metrics.committed(Duration::from_millis(1));
        let mut out = String::new();
        metrics.render_counted(&mut out);
        assert!(out.contains("rmesh_height 7\n"), "{out}");
        assert!(out.contains("rmesh_txs_total{code=\"0\"} 2\n"), "{out}");
        assert!(out.contains("rmesh_txs_total{code=\"5\"} 1\n"), "{out}");
        assert!(out.contains("rmesh_epoch_block_seconds_count 1\n"), "{out}");
        assert!(out.contains("rmesh_commit_seconds_count 1\n"), "{out}");
        assert!(
            out.contains("rmesh_mesh_packets_total{port=\"mesh-security\",outcome=\"sent\"} 1\n")
        );
        assert!(out.contains(
            "rmesh_mesh_packets_total{port=\"mesh-security\",outcome=\"acknowledged\"} 1\n"
        ));
        assert!(out.contains(
            "rmesh_mesh_packets_total{port=\"external-staking\",outcome=\"timed_out\"} 1\n"
        ));
        assert!(!out.contains("port=\"transfer\""), "{out}");
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
