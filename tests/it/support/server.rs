//! A local HTTP server for fetcher tests: serves a folder like a mirror
//! (`BASE/<source>/<file>`), with failures injected per path.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// What the server does for one path.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// Answer with this status, `times` times, then serve the file.
    Status { status: u16, times: usize },
    /// Answer 429 with this Retry-After, `times` times, then serve the file.
    RateLimit { retry_after: u64, times: usize },
    /// Serve these bytes instead of the file.
    Body(Vec<u8>),
    /// Wait this long before answering.
    Delay(std::time::Duration),
    /// Answer 302 with this `Location`.
    Redirect(String),
    /// Serve these bytes with this `Content-Type` (an HTML error page with 200).
    Typed {
        content_type: &'static str,
        bytes: Vec<u8>,
    },
    /// Answer this status with this JSON body (an API's `{"error": …}`).
    Answer { status: u16, bytes: Vec<u8> },
}

#[derive(Default)]
struct Inner {
    root: PathBuf,
    behaviours: Mutex<HashMap<String, Behaviour>>,
    hits: Mutex<HashMap<String, usize>>,
    /// The headers of every request, by path, in order.
    headers: Mutex<Vec<(String, axum::http::HeaderMap)>>,
    /// The path and query of every request, in order.
    uris: Mutex<Vec<String>>,
    requests: AtomicUsize,
    not_modified: AtomicUsize,
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    })
}

/// A running fixture server; stops when dropped.
pub struct FixtureServer {
    pub addr: SocketAddr,
    inner: Arc<Inner>,
    task: tokio::task::JoinHandle<()>,
}

impl FixtureServer {
    /// Serves `root` (a snapshot directory) at `http://addr/`.
    pub async fn start(root: impl Into<PathBuf>) -> Self {
        let inner = Arc::new(Inner {
            root: root.into(),
            ..Inner::default()
        });
        let app = Router::new().fallback(handle).with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fixture server");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FixtureServer { addr, inner, task }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Sets what the server does for `path` (e.g. `/openrouter/models.json`),
    /// or for one query of it (`/api/v2/language/models/free?page=2`: the
    /// query as sent, without the other parameters is not matched).
    pub fn on(&self, path: &str, behaviour: Behaviour) {
        self.inner
            .behaviours
            .lock()
            .expect("lock")
            .insert(path.to_string(), behaviour);
    }

    /// How many requests were answered 304.
    pub fn not_modified(&self) -> usize {
        self.inner.not_modified.load(Ordering::SeqCst)
    }

    /// The headers of each request `path` received, in order.
    pub fn headers(&self, path: &str) -> Vec<axum::http::HeaderMap> {
        self.inner
            .headers
            .lock()
            .expect("lock")
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, h)| h.clone())
            .collect()
    }

    /// The path and query of every request, in order.
    pub fn requested(&self) -> Vec<String> {
        self.inner.uris.lock().expect("lock").clone()
    }

    /// How many requests `path` received.
    pub fn hits(&self, path: &str) -> usize {
        *self
            .inner
            .hits
            .lock()
            .expect("lock")
            .get(path)
            .unwrap_or(&0)
    }
}

impl Drop for FixtureServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(State(inner): State<Arc<Inner>>, request: Request<Body>) -> Response {
    let path = request.uri().path().to_string();
    inner.requests.fetch_add(1, Ordering::SeqCst);
    inner
        .headers
        .lock()
        .expect("lock")
        .push((path.clone(), request.headers().clone()));
    let uri = request
        .uri()
        .path_and_query()
        .map_or_else(|| path.clone(), |p| p.as_str().to_string());
    inner.uris.lock().expect("lock").push(uri);
    // A behaviour set for the query the request names (`?page=2`, whatever
    // else it asks), else for its path; its hits are counted under that key.
    let (key, behaviour) = {
        let behaviours = inner.behaviours.lock().expect("lock");
        let query = request.uri().query().unwrap_or_default();
        behaviours
            .iter()
            .find(|(key, _)| {
                key.split_once('?').is_some_and(|(p, q)| {
                    p == path && q.split('&').all(|pair| query.split('&').any(|x| x == pair))
                })
            })
            .map(|(key, b)| (key.clone(), Some(b.clone())))
            .unwrap_or_else(|| (path.clone(), behaviours.get(&path).cloned()))
    };
    let hit = {
        let mut hits = inner.hits.lock().expect("lock");
        let n = hits.entry(key).or_insert(0);
        *n += 1;
        *n
    };
    match behaviour {
        Some(Behaviour::Status { status, times }) if hit <= times => {
            return StatusCode::from_u16(status)
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
                .into_response();
        }
        Some(Behaviour::RateLimit { retry_after, times }) if hit <= times => {
            let mut response = StatusCode::TOO_MANY_REQUESTS.into_response();
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_str(&retry_after.to_string()).expect("header"),
            );
            return response;
        }
        Some(Behaviour::Body(bytes)) => return bytes.into_response(),
        Some(Behaviour::Redirect(location)) => {
            let mut response = StatusCode::FOUND.into_response();
            response.headers_mut().insert(
                header::LOCATION,
                HeaderValue::from_str(&location).expect("location"),
            );
            return response;
        }
        Some(Behaviour::Typed {
            content_type,
            bytes,
        }) => {
            return ([(header::CONTENT_TYPE, content_type)], bytes).into_response();
        }
        Some(Behaviour::Answer { status, bytes }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response();
        }
        Some(Behaviour::Delay(wait)) => tokio::time::sleep(wait).await,
        _ => {}
    }
    let relative = path.trim_start_matches('/');
    if relative.split('/').any(|part| part == "..") {
        return StatusCode::BAD_REQUEST.into_response();
    }
    match tokio::fs::read(inner.root.join(relative)).await {
        Ok(bytes) => {
            // A content hash as ETag, so conditional GETs can be tested.
            let etag = format!("\"{:x}-{}\"", fnv(&bytes), bytes.len());
            let matches = request
                .headers()
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                == Some(etag.as_str());
            if matches {
                inner.not_modified.fetch_add(1, Ordering::SeqCst);
                return StatusCode::NOT_MODIFIED.into_response();
            }
            let mut response = bytes.into_response();
            response
                .headers_mut()
                .insert(header::ETAG, HeaderValue::from_str(&etag).expect("etag"));
            response
        }
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
