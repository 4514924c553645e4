//! The ABCI socket server: length-prefixed protobuf requests from CometBFT, routed to the four
//! connection services (consensus, mempool, info, snapshot), answered in order.
//!
//! rmesh runs its own server rather than tower-abci's: tower-abci converts each raw request into
//! tendermint's domain type and unwraps the failure inside the connection task, so one
//! `abci_query` with a negative height (anyone with RPC access can send it) panicked the task,
//! closed the query connection and made CometBFT exit. Here a request that cannot be converted
//! gets an error answer of its own kind (a query answers with a non-zero code and a log), a
//! service error is logged and answered with an ABCI exception, and a connection that ends (CometBFT
//! stopped or restarted) is logged and closed; nothing on a connection panics.

use std::fmt;
use std::panic::AssertUnwindSafe;

use bytes::{Buf, BytesMut};
use futures::future::{BoxFuture, FutureExt};
use futures::sink::SinkExt;
use futures::stream::{FuturesOrdered, StreamExt};
use tendermint::abci::MethodKind;
use tendermint::v0_38::abci::{
    ConsensusRequest, ConsensusResponse, InfoRequest, InfoResponse, MempoolRequest,
    MempoolResponse, Request, Response, SnapshotRequest, SnapshotResponse,
};
use tendermint_proto::v0_38::abci as pb;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio_util::codec::{Decoder, Encoder, FramedRead, FramedWrite};
use tower::{Service, ServiceExt};

/// The error type of the connection services.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The largest request CometBFT may send (its own limit on a socket message is 100 MiB; blocks
/// are far smaller). A longer length prefix means the stream is corrupt.
const MAX_MESSAGE_BYTES: usize = 128 * 1024 * 1024;

/// SDK code for an invalid request (codespace `sdk`), what a malformed query answers.
const INVALID_REQUEST: u32 = 18;
/// SDK code for a tx that cannot be decoded.
const TX_DECODE: u32 = 2;

/// The four services every connection routes to.
#[derive(Clone)]
pub struct AbciServices<C, M, I, S> {
    pub consensus: C,
    pub mempool: M,
    pub info: I,
    pub snapshot: S,
}

type ResponseFuture = BoxFuture<'static, pb::Response>;

impl<C, M, I, S> AbciServices<C, M, I, S>
where
    C: Service<ConsensusRequest, Response = ConsensusResponse, Error = BoxError>
        + Clone
        + Send
        + 'static,
    C::Future: Send + 'static,
    M: Service<MempoolRequest, Response = MempoolResponse, Error = BoxError>
        + Clone
        + Send
        + 'static,
    M::Future: Send + 'static,
    I: Service<InfoRequest, Response = InfoResponse, Error = BoxError> + Clone + Send + 'static,
    I::Future: Send + 'static,
    S: Service<SnapshotRequest, Response = SnapshotResponse, Error = BoxError>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    /// Accepts CometBFT's connections on `address` until the listener fails.
    pub async fn listen_tcp(self, address: &str) -> Result<(), BoxError> {
        let listener = TcpListener::bind(address).await?;
        tracing::info!(address = %listener.local_addr()?, "ABCI server listening");
        loop {
            match listener.accept().await {
                Ok((socket, peer)) => {
                    tracing::debug!(%peer, "ABCI connection accepted");
                    let _ = socket.set_nodelay(true);
                    let (read, write) = socket.into_split();
                    tokio::spawn(self.clone().serve_connection(read, write));
                }
                Err(e) => tracing::error!(error = %e, "cannot accept an ABCI connection"),
            }
        }
    }

    /// Serves one connection until it closes; how it ended is logged, never raised.
    pub async fn serve_connection(
        self,
        read: impl AsyncRead + Unpin,
        write: impl AsyncWrite + Unpin,
    ) {
        match self.run(read, write).await {
            Ok(()) => tracing::info!("ABCI connection closed by CometBFT"),
            Err(ConnectionEnd::Io(e)) => {
                tracing::info!(error = %e, "ABCI connection ended (CometBFT stopped or restarted)")
            }
            Err(ConnectionEnd::Corrupt(reason)) => {
                tracing::error!(%reason, "ABCI connection dropped: the stream is not ABCI")
            }
        }
    }

    async fn run(
        mut self,
        read: impl AsyncRead + Unpin,
        write: impl AsyncWrite + Unpin,
    ) -> Result<(), ConnectionEnd> {
        let mut requests = FramedRead::new(read, Frames::<pb::Request>::default());
        let mut responses_out = FramedWrite::new(write, Frames::<pb::Response>::default());
        let mut pending: FuturesOrdered<ResponseFuture> = FuturesOrdered::new();
        loop {
            tokio::select! {
                request = requests.next() => {
                    let Some(request) = request.transpose()? else {
                        return Ok(());
                    };
                    if matches!(request.value, Some(pb::request::Value::Flush(_))) {
                        // Answer everything received before the flush, then the flush itself.
                        while let Some(response) = pending.next().await {
                            responses_out.send(response).await?;
                        }
                        responses_out.send(flush_response()).await?;
                    } else {
                        pending.push_back(self.route(request));
                    }
                }
                Some(response) = pending.next(), if !pending.is_empty() => {
                    responses_out.send(response).await?;
                }
            }
        }
    }

    /// Starts the service call for one request; the future always yields a response to send.
    fn route(&mut self, request: pb::Request) -> ResponseFuture {
        let kind = RequestKind::of(&request);
        if let Some(pb::request::Value::Query(query)) = &request.value {
            if query.height < 0 {
                return refuse(
                    kind,
                    "cannot query with height < 0; please provide a valid height",
                );
            }
        }
        let request = match Request::try_from(request) {
            Ok(request) => request,
            // The detail only: the error's own Display carries its trace.
            Err(e) => return refuse(kind, e.detail()),
        };
        match request.kind() {
            MethodKind::Consensus => match ConsensusRequest::try_from(request) {
                Ok(request) => answer(kind, self.consensus.clone(), request),
                Err(e) => refuse(kind, e),
            },
            MethodKind::Mempool => match MempoolRequest::try_from(request) {
                Ok(request) => answer(kind, self.mempool.clone(), request),
                Err(e) => refuse(kind, e),
            },
            MethodKind::Info => match InfoRequest::try_from(request) {
                Ok(request) => answer(kind, self.info.clone(), request),
                Err(e) => refuse(kind, e),
            },
            MethodKind::Snapshot => match SnapshotRequest::try_from(request) {
                Ok(request) => answer(kind, self.snapshot.clone(), request),
                Err(e) => refuse(kind, e),
            },
            // Flush is answered by the connection loop before routing.
            MethodKind::Flush => futures::future::ready(flush_response()).boxed(),
        }
    }
}

/// Calls `service` and turns its answer (or its error) into the response to send.
fn answer<Req, Svc>(kind: RequestKind, service: Svc, request: Req) -> ResponseFuture
where
    Req: Send + 'static,
    Svc: Service<Req, Error = BoxError> + Send + 'static,
    Svc::Future: Send + 'static,
    Svc::Response: Into<Response>,
{
    async move {
        // A panic is a bug, but one query must not take the node down with it: it is answered
        // like any failure (for CometBFT's own requests that still stops the node, rightly).
        match AssertUnwindSafe(service.oneshot(request))
            .catch_unwind()
            .await
        {
            Ok(Ok(response)) => pb::Response::from(response.into()),
            Ok(Err(e)) => {
                tracing::error!(request = kind.name(), error = %e, "ABCI request failed");
                kind.refusal(&e.to_string())
            }
            Err(_) => {
                tracing::error!(request = kind.name(), "ABCI request panicked");
                kind.refusal("internal error (the node's log has the details)")
            }
        }
    }
    .boxed()
}

fn refuse(kind: RequestKind, error: impl fmt::Display) -> ResponseFuture {
    futures::future::ready(kind.refusal(&error.to_string())).boxed()
}

fn flush_response() -> pb::Response {
    pb::Response {
        value: Some(pb::response::Value::Flush(pb::ResponseFlush {})),
    }
}

/// Which request a raw message is, remembered before conversion so a refusal has its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RequestKind {
    Query,
    CheckTx,
    /// Anything else: only CometBFT itself sends these, never a remote client.
    Other(&'static str),
}

impl RequestKind {
    fn of(request: &pb::Request) -> Self {
        use pb::request::Value;
        match &request.value {
            Some(Value::Query(_)) => RequestKind::Query,
            Some(Value::CheckTx(_)) => RequestKind::CheckTx,
            Some(Value::Echo(_)) => RequestKind::Other("Echo"),
            Some(Value::Flush(_)) => RequestKind::Other("Flush"),
            Some(Value::Info(_)) => RequestKind::Other("Info"),
            Some(Value::InitChain(_)) => RequestKind::Other("InitChain"),
            Some(Value::Commit(_)) => RequestKind::Other("Commit"),
            Some(Value::ListSnapshots(_)) => RequestKind::Other("ListSnapshots"),
            Some(Value::OfferSnapshot(_)) => RequestKind::Other("OfferSnapshot"),
            Some(Value::LoadSnapshotChunk(_)) => RequestKind::Other("LoadSnapshotChunk"),
            Some(Value::ApplySnapshotChunk(_)) => RequestKind::Other("ApplySnapshotChunk"),
            Some(Value::PrepareProposal(_)) => RequestKind::Other("PrepareProposal"),
            Some(Value::ProcessProposal(_)) => RequestKind::Other("ProcessProposal"),
            Some(Value::ExtendVote(_)) => RequestKind::Other("ExtendVote"),
            Some(Value::VerifyVoteExtension(_)) => RequestKind::Other("VerifyVoteExtension"),
            Some(Value::FinalizeBlock(_)) => RequestKind::Other("FinalizeBlock"),
            None => RequestKind::Other("empty request"),
        }
    }

    fn name(self) -> &'static str {
        match self {
            RequestKind::Query => "Query",
            RequestKind::CheckTx => "CheckTx",
            RequestKind::Other(name) => name,
        }
    }

    /// The answer to a request that cannot be served. Queries and CheckTx (the two a client
    /// reaches through CometBFT's RPC) answer with a code and a log, as for any refused query
    /// or tx. CometBFT's own requests answer with an exception: it cannot go on after one,
    /// and that is right, since the app could not follow the chain either.
    fn refusal(self, reason: &str) -> pb::Response {
        use pb::response::Value;
        let value = match self {
            RequestKind::Query => Value::Query(pb::ResponseQuery {
                code: INVALID_REQUEST,
                codespace: "sdk".into(),
                log: format!("{reason}: invalid request"),
                ..Default::default()
            }),
            RequestKind::CheckTx => Value::CheckTx(pb::ResponseCheckTx {
                code: TX_DECODE,
                codespace: "sdk".into(),
                log: format!("{reason}: tx parse error"),
                ..Default::default()
            }),
            RequestKind::Other(name) => Value::Exception(pb::ResponseException {
                error: format!("{name}: {reason}"),
            }),
        };
        pb::Response { value: Some(value) }
    }
}

/// Why a connection stopped being served.
#[derive(Debug)]
enum ConnectionEnd {
    Io(std::io::Error),
    Corrupt(String),
}

impl From<std::io::Error> for ConnectionEnd {
    fn from(e: std::io::Error) -> Self {
        ConnectionEnd::Io(e)
    }
}

/// CometBFT's socket framing: each protobuf message is prefixed with its length as an unsigned
/// varint.
struct Frames<M> {
    _message: std::marker::PhantomData<M>,
}

impl<M> Default for Frames<M> {
    fn default() -> Self {
        Frames {
            _message: std::marker::PhantomData,
        }
    }
}

impl<M: prost::Message + Default> Decoder for Frames<M> {
    type Item = M;
    type Error = ConnectionEnd;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<M>, ConnectionEnd> {
        let Some((len, prefix)) = read_length_prefix(src)? else {
            return Ok(None);
        };
        if src.len() < prefix + len {
            src.reserve(prefix + len - src.len());
            return Ok(None);
        }
        src.advance(prefix);
        let body = src.split_to(len);
        M::decode(body)
            .map(Some)
            .map_err(|e| ConnectionEnd::Corrupt(format!("undecodable message: {e}")))
    }
}

/// The length prefix at the start of `src` and its size in bytes, once all of it has arrived.
fn read_length_prefix(src: &[u8]) -> Result<Option<(usize, usize)>, ConnectionEnd> {
    let mut value: u64 = 0;
    for (index, byte) in src.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * index);
        if byte & 0x80 == 0 {
            let len = usize::try_from(value)
                .ok()
                .filter(|len| *len <= MAX_MESSAGE_BYTES)
                .ok_or_else(|| {
                    ConnectionEnd::Corrupt(format!("message length {value} is too large"))
                })?;
            return Ok(Some((len, index + 1)));
        }
    }
    if src.len() >= 10 {
        return Err(ConnectionEnd::Corrupt(
            "length prefix is not a varint".into(),
        ));
    }
    Ok(None)
}

impl<M: prost::Message> Encoder<M> for Frames<M> {
    type Error = ConnectionEnd;

    fn encode(&mut self, message: M, dst: &mut BytesMut) -> Result<(), ConnectionEnd> {
        let len = message.encoded_len();
        dst.reserve(len + 10);
        prost::encoding::encode_varint(len as u64, dst);
        message
            .encode(dst)
            .map_err(|e| ConnectionEnd::Corrupt(format!("cannot encode a response: {e}")))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::{Context, Poll};
    use tendermint::v0_38::abci::response;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A service answering every request of its connection with a fixed response, or failing
    /// (an error, or a panic when the error is "panic").
    #[derive(Clone)]
    struct Fixed<R> {
        answer: Result<R, &'static str>,
    }

    impl<Req, R: Clone + Send + 'static> Service<Req> for Fixed<R> {
        type Response = R;
        type Error = BoxError;
        type Future = BoxFuture<'static, Result<R, BoxError>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: Req) -> Self::Future {
            let answer = self.answer.clone();
            async move {
                if answer.as_ref().err() == Some(&"panic") {
                    panic!("a bug in a query handler");
                }
                answer.map_err(BoxError::from)
            }
            .boxed()
        }
    }

    type TestServices = AbciServices<
        Fixed<ConsensusResponse>,
        Fixed<MempoolResponse>,
        Fixed<InfoResponse>,
        Fixed<SnapshotResponse>,
    >;

    fn services(info_fails: bool) -> TestServices {
        services_with_info(if info_fails {
            Err("the store is gone")
        } else {
            Ok(())
        })
    }

    fn services_with_info(info: Result<(), &'static str>) -> TestServices {
        let query = InfoResponse::Query(response::Query {
            value: b"answer".to_vec().into(),
            ..Default::default()
        });
        AbciServices {
            consensus: Fixed {
                answer: Ok(ConsensusResponse::Commit(response::Commit::default())),
            },
            mempool: Fixed {
                answer: Ok(MempoolResponse::CheckTx(response::CheckTx::default())),
            },
            info: Fixed {
                answer: info.map(|()| query),
            },
            snapshot: Fixed {
                answer: Ok(SnapshotResponse::ListSnapshots(Default::default())),
            },
        }
    }

    fn query(height: i64) -> pb::Request {
        pb::Request {
            value: Some(pb::request::Value::Query(pb::RequestQuery {
                path: "/cosmos.bank.v1beta1.Query/Params".into(),
                height,
                ..Default::default()
            })),
        }
    }

    fn flush() -> pb::Request {
        pb::Request {
            value: Some(pb::request::Value::Flush(pb::RequestFlush {})),
        }
    }

    fn frame(request: &pb::Request) -> Vec<u8> {
        let mut bytes = BytesMut::new();
        Frames::<pb::Request>::default()
            .encode(request.clone(), &mut bytes)
            .unwrap();
        bytes.to_vec()
    }

    /// Sends `requests` on one connection and reads back `count` responses.
    async fn exchange(
        services: TestServices,
        requests: &[pb::Request],
        count: usize,
    ) -> Vec<pb::Response> {
        let (client, server) = tokio::io::duplex(1 << 16);
        let (server_read, server_write) = tokio::io::split(server);
        let task = tokio::spawn(services.serve_connection(server_read, server_write));
        let (mut client_read, mut client_write) = tokio::io::split(client);
        for request in requests {
            client_write.write_all(&frame(request)).await.unwrap();
        }
        let mut decoder = Frames::<pb::Response>::default();
        let mut buffer = BytesMut::new();
        let mut responses = Vec::new();
        while responses.len() < count {
            match decoder.decode(&mut buffer).unwrap() {
                Some(response) => responses.push(response),
                None => {
                    let read = client_read.read_buf(&mut buffer).await.unwrap();
                    assert!(read > 0, "the server closed the connection early");
                }
            }
        }
        drop(client_write);
        drop(client_read);
        task.await.unwrap();
        responses
    }

    fn query_code_and_log(response: &pb::Response) -> (u32, String) {
        match &response.value {
            Some(pb::response::Value::Query(query)) => (query.code, query.log.clone()),
            other => panic!("not a query response: {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_query_with_a_negative_height_is_refused_and_the_connection_keeps_serving() {
        let responses = exchange(services(false), &[query(-1), query(0), flush()], 3).await;
        let (code, log) = query_code_and_log(&responses[0]);
        assert_eq!(code, INVALID_REQUEST);
        assert!(log.contains("cannot query with height < 0"), "{log}");
        let (code, _) = query_code_and_log(&responses[1]);
        assert_eq!(code, 0, "the next query on the same connection is answered");
        assert!(matches!(
            responses[2].value,
            Some(pb::response::Value::Flush(_))
        ));
    }

    #[tokio::test]
    async fn a_failing_service_answers_with_an_error_instead_of_closing_the_connection() {
        let responses = exchange(services(true), &[query(5), query(7)], 2).await;
        for response in &responses {
            let (code, log) = query_code_and_log(response);
            assert_eq!(code, INVALID_REQUEST);
            assert!(log.contains("the store is gone"), "{log}");
        }
    }

    #[tokio::test]
    async fn a_panicking_query_is_refused_and_the_connection_keeps_serving() {
        let responses = exchange(services_with_info(Err("panic")), &[query(5), flush()], 2).await;
        let (code, log) = query_code_and_log(&responses[0]);
        assert_eq!(code, INVALID_REQUEST);
        assert!(log.contains("internal error"), "{log}");
        assert!(matches!(
            responses[1].value,
            Some(pb::response::Value::Flush(_))
        ));
    }

    #[tokio::test]
    async fn a_check_tx_of_an_unknown_kind_is_refused_as_a_tx() {
        let bad = pb::Request {
            value: Some(pb::request::Value::CheckTx(pb::RequestCheckTx {
                tx: vec![1, 2, 3].into(),
                r#type: 7,
            })),
        };
        let responses = exchange(services(false), &[bad], 1).await;
        match &responses[0].value {
            Some(pb::response::Value::CheckTx(check)) => assert_eq!(check.code, TX_DECODE),
            other => panic!("not a CheckTx response: {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_connection_that_ends_mid_message_ends_quietly() {
        let (client, server) = tokio::io::duplex(1024);
        let (server_read, server_write) = tokio::io::split(server);
        let task = tokio::spawn(services(false).serve_connection(server_read, server_write));
        let (_client_read, mut client_write) = tokio::io::split(client);
        let bytes = frame(&query(3));
        client_write
            .write_all(&bytes[..bytes.len() / 2])
            .await
            .unwrap();
        drop(client_write);
        drop(_client_read);
        task.await.expect("the connection task must not panic");
    }

    #[test]
    fn length_prefixes_are_read_only_once_complete_and_bounded() {
        assert!(read_length_prefix(&[]).unwrap().is_none());
        assert!(read_length_prefix(&[0x80]).unwrap().is_none());
        assert_eq!(read_length_prefix(&[0x05]).unwrap(), Some((5, 1)));
        assert_eq!(read_length_prefix(&[0xac, 0x02]).unwrap(), Some((300, 2)));
        assert!(read_length_prefix(&[0xff; 10]).is_err());
        assert!(read_length_prefix(&[0xff, 0xff, 0xff, 0xff, 0x7f]).is_err());
    }
}
