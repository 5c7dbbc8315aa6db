//! The connection loop: hyper's HTTP/1 server with a timer, run here rather
//! than through `axum::serve` so that slow and idle clients cannot starve
//! the server.
//!
//! - A client has [`ServerLimits::header_read_timeout`] (10 s by default) to
//!   send a request's headers, on a new connection and between keep-alive
//!   requests; a connection that sends nothing, or half a request, is closed.
//! - At [`ServerLimits::max_connections`], and whenever accepting fails for
//!   lack of file descriptors, the oldest connection with no request in
//!   progress is closed to make room, so `/healthz` keeps answering.
//! - On shutdown, connections without a request in progress close at once
//!   and the requests in flight get [`DRAIN`] to finish.
//! - The refusals hyper sends itself before any handler runs (400, 414 and
//!   431, with empty bodies) are given the JSON or HTML error shape and the
//!   security headers.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;
use tracing::{debug, warn};

use crate::config::ServerLimits;

/// How long requests in flight may take to finish after a shutdown signal.
pub const DRAIN: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` within `limits` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let registry = Arc::new(Mutex::new(Registry::default()));
    let (stop, stopping) = watch::channel(false);
    let mut tasks = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => continue,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) if is_connection_error(&e) => continue,
            Err(e) if is_out_of_files(&e) => {
                // Room for the next accept: close the oldest idle client.
                if !lock(&registry).evict_oldest_idle() {
                    warn!(error = %e, "out of file descriptors and no idle connection to close");
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
            Err(e) => {
                warn!(error = %e, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let (id, conn) = {
            let mut registry = lock(&registry);
            if registry.conns.len() >= limits.max_connections {
                registry.evict_oldest_idle();
            }
            registry.add()
        };
        let registry = Arc::clone(&registry);
        let app = app.clone();
        let stopping = stopping.clone();
        let timeout = limits.header_read_timeout;
        tasks.spawn(async move {
            connection(stream, Arc::clone(&conn), app, timeout, stopping).await;
            lock(&registry).conns.remove(&id);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    let drained =
        tokio::time::timeout(DRAIN, async { while tasks.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        warn!(
            connections = tasks.len(),
            "requests still running after the drain period are cut off"
        );
    }
    Ok(())
}

fn lock(registry: &Mutex<Registry>) -> std::sync::MutexGuard<'_, Registry> {
    registry
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Errors of one client's connection attempt, not of the listener.
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// EMFILE / ENFILE: the process or the system is out of file descriptors.
fn is_out_of_files(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(23 | 24))
}

/// The open connections, oldest first.
#[derive(Default)]
struct Registry {
    next: u64,
    conns: BTreeMap<u64, Arc<Conn>>,
}

impl Registry {
    fn add(&mut self) -> (u64, Arc<Conn>) {
        self.next += 1;
        let conn = Arc::new(Conn::default());
        self.conns.insert(self.next, Arc::clone(&conn));
        (self.next, conn)
    }

    /// Closes the oldest connection with no request in progress.
    fn evict_oldest_idle(&mut self) -> bool {
        let oldest = self
            .conns
            .iter()
            .find(|(_, c)| c.in_flight.load(Ordering::SeqCst) == 0)
            .map(|(id, _)| *id);
        match oldest.and_then(|id| self.conns.remove(&id)) {
            Some(conn) => {
                debug!("closing the oldest idle connection to make room");
                conn.evict.notify_one();
                true
            }
            None => false,
        }
    }
}

/// What the loop, the service and the socket wrapper share about one
/// connection.
#[derive(Default)]
struct Conn {
    /// Requests whose response has not been sent whole.
    in_flight: AtomicUsize,
    /// The next bytes read start a request (its path says JSON or HTML).
    at_request_start: AtomicBool,
    /// The current request is for `/api/`.
    api: AtomicBool,
    evict: Notify,
}

async fn connection(
    stream: TcpStream,
    conn: Arc<Conn>,
    app: Router,
    header_read_timeout: Duration,
    mut stopping: watch::Receiver<bool>,
) {
    conn.at_request_start.store(true, Ordering::SeqCst);
    let io = TokioIo::new(Watched::new(stream, Arc::clone(&conn)));
    let service = {
        let conn = Arc::clone(&conn);
        hyper::service::service_fn(move |request: Request<Incoming>| {
            let guard = InFlight::start(&conn);
            conn.at_request_start.store(true, Ordering::SeqCst);
            let app = app.clone();
            async move {
                let response = app
                    .oneshot(request.map(Body::new))
                    .await
                    .unwrap_or_else(|never: Infallible| match never {});
                Ok::<_, Infallible>(response.map(|body| {
                    Body::new(Guarded {
                        body,
                        _guard: guard,
                    })
                }))
            }
        })
    };
    let served = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .serve_connection(io, service);
    tokio::pin!(served);
    tokio::select! {
        result = served.as_mut() => {
            if let Err(e) = result {
                debug!(error = %e, "connection ended");
            }
            return;
        }
        () = conn.evict.notified() => return,
        _ = stopping.wait_for(|stop| *stop) => {}
    }
    if conn.in_flight.load(Ordering::SeqCst) == 0 {
        return;
    }
    served.as_mut().graceful_shutdown();
    tokio::select! {
        _ = served => {}
        () = conn.evict.notified() => {}
    }
}

/// Counts a request as in progress until its response body is sent whole.
struct InFlight(Arc<Conn>);

impl InFlight {
    fn start(conn: &Arc<Conn>) -> Self {
        conn.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(Arc::clone(conn))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A response body that holds its request's [`InFlight`] until it is done.
struct Guarded {
    body: Body,
    _guard: InFlight,
}

impl http_body::Body for Guarded {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// The client's socket, watched: the start of each request says whether it
/// is for the API, and an empty refusal written by hyper itself is replaced
/// by one in the error shape.
struct Watched {
    inner: TcpStream,
    conn: Arc<Conn>,
    /// The first bytes of the current request, until its path is known.
    start: Vec<u8>,
    /// A replacement being written, and how many of hyper's bytes it stands for.
    rewrite: Option<(Vec<u8>, usize, usize)>,
}

impl Watched {
    fn new(inner: TcpStream, conn: Arc<Conn>) -> Self {
        Watched {
            inner,
            conn,
            start: Vec::new(),
            rewrite: None,
        }
    }
}

/// Notes the first bytes of a request (`start` collects them) until its
/// path says whether it is for the API.
fn saw(start: &mut Vec<u8>, conn: &Conn, bytes: &[u8]) {
    if bytes.is_empty() || !conn.at_request_start.load(Ordering::SeqCst) {
        return;
    }
    start.extend(bytes.iter().take(64 - start.len().min(64)));
    let path = start
        .iter()
        .position(|b| *b == b' ')
        .map(|space| &start[space + 1..]);
    let known = match path {
        Some(path) if path.len() >= 5 => Some(path.starts_with(b"/api/")),
        _ if start.len() >= 64 => Some(false),
        _ => None,
    };
    if let Some(api) = known {
        conn.api.store(api, Ordering::SeqCst);
        conn.at_request_start.store(false, Ordering::SeqCst);
        start.clear();
    }
}

/// The status of a bodiless 400, 414 or 431 that hyper writes on its own
/// when it cannot read a request; handlers never answer a 4xx without a
/// body (`error::give_errors_a_body`), so such a head is hyper's.
fn hyper_refusal(buf: &[u8]) -> Option<StatusCode> {
    let status = match buf.get(..13)? {
        b"HTTP/1.1 400 " => StatusCode::BAD_REQUEST,
        b"HTTP/1.1 414 " => StatusCode::URI_TOO_LONG,
        b"HTTP/1.1 431 " => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        _ => return None,
    };
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
    (end + 4 == buf.len() && head.contains("\r\ncontent-length: 0")).then_some(status)
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            saw(&mut this.start, &this.conn, &buf.filled()[before..]);
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.rewrite.is_none()
            && let Some(status) = hyper_refusal(buf)
        {
            let api = self.conn.api.load(Ordering::SeqCst);
            let bytes = super::error::raw_refusal(status, api, &super::security::HEADERS);
            self.rewrite = Some((bytes, 0, buf.len()));
        }
        let this = &mut *self;
        let Some((bytes, written, stands_for)) = this.rewrite.as_mut() else {
            return Pin::new(&mut this.inner).poll_write(cx, buf);
        };
        while *written < bytes.len() {
            match Pin::new(&mut this.inner).poll_write(cx, &bytes[*written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *written += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        let stands_for = *stands_for;
        this.rewrite = None;
        Poll::Ready(Ok(stands_for))
    }

    /// A head and its body go out in one system call, the body straight
    /// from the cache's bytes. Without this, hyper copies every body into
    /// a buffer of the connection first: the 1.4 MB page of every model to
    /// 32 clients took 50 MB, and a copy per answer.
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        // hyper's own refusals are a head alone, in the first slice.
        let first = bufs.iter().find(|b| !b.is_empty());
        match first {
            Some(head) if self.rewrite.is_some() || hyper_refusal(head).is_some() => {
                self.poll_write(cx, head)
            }
            Some(_) => Pin::new(&mut self.inner).poll_write_vectored(cx, bufs),
            None => Poll::Ready(Ok(0)),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hyper_s_own_bodiless_refusals_are_recognised() {
        let own =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(
            hyper_refusal(own),
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        );
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 60\r\n\r\n";
        assert_eq!(hyper_refusal(ours), None);
        let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(hyper_refusal(ok), None);
    }
}
