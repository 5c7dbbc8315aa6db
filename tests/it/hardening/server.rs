//! The server: bounded metrics, idle clients, security headers, refusals
//! in the error shape.

use std::process::Command;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use llmrank::web::{self, AppState};
use tower::ServiceExt;

use super::get;
use crate::support::TestDb;

// Finding 3: client-chosen method names do not grow /metrics.

#[tokio::test]
async fn ten_thousand_random_method_names_leave_metrics_under_64_kb() {
    let db = TestDb::new();
    let state = db.state().await;
    let app = web::router(state.clone());
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..10_000 {
        let mut name = String::new();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        for i in 0..(8 + seed % 120) {
            name.push(char::from(b'A' + ((seed >> (i % 58)) % 26) as u8));
        }
        let request = Request::builder()
            .method(name.as_str())
            .uri(if seed.is_multiple_of(2) {
                "/"
            } else {
                "/nowhere"
            })
            .body(Body::empty())
            .expect("request");
        let _ = app.clone().oneshot(request).await.expect("response");
    }
    let (status, metrics) = get(&state, "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        metrics.len() < 64 * 1024,
        "/metrics is {} bytes after 10,000 odd methods",
        metrics.len()
    );
    assert!(metrics.contains("method=\"other\""), "{metrics}");
}

// Finding 4: idle and half-sent connections cannot starve the server.

/// The soft limit on open files, when the system says.
fn open_file_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// A server on a random port with these config-file settings.
async fn server_with(db: &TestDb, settings: llmrank::config::FileConfig) -> std::net::SocketAddr {
    let config = llmrank::config::Config::resolve(
        llmrank::config::Overrides {
            database_url: Some(db.url.clone()),
            ..Default::default()
        },
        settings,
    )
    .expect("valid config");
    let state = AppState::new(db.store().await, config)
        .await
        .expect("state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(web::serve(listener, state, std::future::pending()));
    addr
}

/// `/healthz` answers within a second.
async fn healthy(addr: std::net::SocketAddr) -> bool {
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(1))
        .build()
        .expect("client");
    match client.get(format!("http://{addr}/healthz")).send().await {
        Ok(response) => response.status().is_success(),
        Err(_) => false,
    }
}

/// Whether the server closed `socket` (it reads end-of-file or a reset).
fn closed(socket: &tokio::net::TcpStream) -> bool {
    let mut buf = [0u8; 256];
    loop {
        match socket.try_read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return false,
            Err(_) => return true,
        }
    }
}

/// Opens `count` connections: most send nothing, every third half a request.
async fn idle_sockets(addr: std::net::SocketAddr, count: usize) -> Vec<tokio::net::TcpStream> {
    use tokio::io::AsyncWriteExt;
    let mut sockets = Vec::with_capacity(count);
    for i in 0..count {
        let mut socket = tokio::net::TcpStream::connect(addr).await.expect("connect");
        if i % 3 == 0 {
            socket
                .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Half: ")
                .await
                .expect("write");
        }
        sockets.push(socket);
    }
    sockets
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_idle_connections_close_within_the_header_read_timeout_while_healthz_answers()
{
    // Each connection costs a descriptor at both ends of this one process.
    let count = match open_file_limit() {
        Some(limit) if limit < 4_400 => {
            eprintln!(
                "open-file limit {limit}: using {} idle sockets",
                (limit - 400) / 2
            );
            (limit - 400) / 2
        }
        _ => 2_000,
    };
    let db = TestDb::new();
    // The default 10 s timeout; the connection cap out of the way.
    let addr = server_with(
        &db,
        llmrank::config::FileConfig {
            max_connections: Some(10_000),
            ..Default::default()
        },
    )
    .await;
    let started = std::time::Instant::now();
    let sockets = idle_sockets(addr, count).await;
    let opened = std::time::Instant::now();
    for _ in 0..5 {
        assert!(
            healthy(addr).await,
            "/healthz answers beside {count} idle sockets"
        );
    }
    let open_early = sockets.iter().filter(|s| !closed(s)).count();
    assert!(
        started.elapsed().as_secs() >= 9 || open_early > count / 2,
        "not closed before the timeout"
    );
    // Each socket has 10 s from its own opening; the last opened last.
    let deadline = opened + std::time::Duration::from_millis(11_500);
    let mut still_open = sockets.len();
    while std::time::Instant::now() < deadline {
        still_open = sockets.iter().filter(|s| !closed(s)).count();
        if still_open == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(
        still_open,
        0,
        "{still_open} of {count} idle sockets still open after {:?}",
        started.elapsed()
    );
    assert!(healthy(addr).await);
}

#[tokio::test]
async fn at_the_connection_cap_the_oldest_idle_connection_makes_room() {
    let db = TestDb::new();
    let addr = server_with(
        &db,
        llmrank::config::FileConfig {
            max_connections: Some(50),
            ..Default::default()
        },
    )
    .await;
    let sockets = idle_sockets(addr, 200).await;
    assert!(healthy(addr).await, "/healthz answers at the cap");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(closed(&sockets[0]), "the oldest idle connection was closed");
    let open = sockets.iter().filter(|s| !closed(s)).count();
    assert!(open <= 50, "{open} connections open over a cap of 50");
}

#[test]
fn with_a_low_file_limit_idle_sockets_do_not_stop_healthz() {
    // The case: the usual file limit, filled with idle sockets.
    if !std::path::Path::new("/bin/sh").exists() {
        eprintln!("SKIPPED with_a_low_file_limit_idle_sockets_do_not_stop_healthz: no /bin/sh");
        return;
    }
    let db = TestDb::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let mut child = Command::new("/bin/sh")
        .args([
            "-c",
            &format!(
                "ulimit -n 256 && exec {} serve --offline --addr 127.0.0.1:{port}",
                env!("CARGO_BIN_EXE_llmrank")
            ),
        ])
        .env("DATABASE_URL", &db.url)
        .current_dir(db.dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start serve");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    let result = runtime.block_on(async {
        let started = std::time::Instant::now();
        while !healthy(addr).await {
            if started.elapsed() > std::time::Duration::from_secs(20) {
                return Err("the server did not start".to_string());
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let _sockets = idle_sockets(addr, 400).await;
        for probe in 0..5 {
            if !healthy(addr).await {
                return Err(format!("/healthz did not answer (probe {probe})"));
            }
        }
        Ok(())
    });
    let _ = child.kill();
    let _ = child.wait();
    result.expect("healthz answers with 400 idle sockets and 256 files");
}

#[tokio::test]
async fn shutdown_is_not_held_up_by_a_half_sent_request() {
    use tokio::io::AsyncWriteExt;
    let db = TestDb::new();
    let state = db.state().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let mut half = tokio::net::TcpStream::connect(addr).await.expect("connect");
    half.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    let _idle = tokio::net::TcpStream::connect(addr).await.expect("connect");
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let started = std::time::Instant::now();
    stop.send(()).expect("signal");
    tokio::time::timeout(std::time::Duration::from_secs(3), server)
        .await
        .expect("the server stops within 3 s")
        .expect("joined")
        .expect("served");
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
}

// Findings 6 and 12: security headers, and refusals in the error shape.

async fn raw(addr: std::net::SocketAddr, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut socket = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let _ = socket.write_all(request).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        socket.read_to_end(&mut answer),
    )
    .await;
    String::from_utf8_lossy(&answer).into_owned()
}

const SECURITY_HEADERS: [&str; 4] = [
    "content-security-policy: default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "x-content-type-options: nosniff",
    "referrer-policy: no-referrer",
    "x-frame-options: deny",
];

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let db = TestDb::new();
    let addr = server_with(&db, Default::default()).await;
    for request in [
        "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /api/v1/rankings HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /static/app.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ] {
        let answer = raw(addr, request.as_bytes()).await.to_ascii_lowercase();
        for header in SECURITY_HEADERS {
            assert!(
                answer.contains(&header.to_ascii_lowercase()),
                "{header} missing for {request:?}: {answer}"
            );
        }
    }
}

/// The status line, the content type and the body of an answer.
fn parts(answer: &str) -> (String, String, String) {
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((answer, ""));
    let status = head.lines().next().unwrap_or_default().to_string();
    let content_type = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(str::to_string)
        })
        .unwrap_or_default();
    (status, content_type, body.to_string())
}

#[tokio::test]
async fn refusals_get_the_json_shape_on_the_api_and_the_error_page_elsewhere() {
    let db = TestDb::new();
    let addr = server_with(&db, Default::default()).await;
    let long = "a".repeat(70_000);
    let big = "b".repeat(500_000);
    let cases = [
        (
            "DELETE /api/v1/rankings HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_string(),
            "405",
            "method_not_allowed",
        ),
        (
            format!("GET /api/v1/rankings?q={long} HTTP/1.1\r\nHost: x\r\n\r\n"),
            "414",
            "uri_too_long",
        ),
        (
            format!("GET /api/v1/rankings HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\n\r\n"),
            "431",
            "headers_too_large",
        ),
    ];
    for (request, status, code) in &cases {
        let answer = raw(addr, request.as_bytes()).await;
        let (line, content_type, body) = parts(&answer);
        assert!(line.starts_with(&format!("HTTP/1.1 {status}")), "{line}");
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
        let doc: serde_json::Value = serde_json::from_str(&body).expect("JSON error");
        assert_eq!(doc["error"]["code"], *code, "{body}");
        assert!(
            doc["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
        for header in SECURITY_HEADERS {
            assert!(
                answer
                    .to_ascii_lowercase()
                    .contains(&header.to_ascii_lowercase())
            );
        }
    }
    for (request, status, _) in &cases {
        let request = request.replacen("/api/v1/rankings", "/", 1);
        let (line, content_type, body) = parts(&raw(addr, request.as_bytes()).await);
        assert!(line.starts_with(&format!("HTTP/1.1 {status}")), "{line}");
        assert!(content_type.starts_with("text/html"), "{content_type}");
        assert!(
            body.contains("<h1>") && body.contains("Back to the rankings"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_repeated_query_parameter_is_a_400() {
    let db = TestDb::new();
    let state = db.state().await;
    let (status, body) = get(&state, "/api/v1/rankings?limit=abc&limit=1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let doc: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(doc["error"]["code"], "invalid_parameter");
    assert!(
        doc["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("`limit` is given more than once")),
        "{body}"
    );
    let (status, page) = get(&state, "/?sort=name&sort=rank").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("`sort` is given more than once"), "{page}");
    let (status, _) = get(&state, "/rankings.csv?limit=1&limit=1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
