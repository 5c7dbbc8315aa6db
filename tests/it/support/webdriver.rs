//! A minimal WebDriver client over the project's own HTTP client, driving
//! Debian's headless Chromium through chromedriver for browser tests.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A chromedriver process with one browser session; both end on drop.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    http: reqwest::Client,
    /// Held while the browser runs (see [`super::EXCLUSIVE`]).
    _exclusive: tokio::sync::MutexGuard<'static, ()>,
}

/// Where screenshots are kept (CI keeps this folder as an artefact).
pub fn artifacts() -> std::path::PathBuf {
    std::env::var_os("LLMRANK_ARTIFACTS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/ci-artifacts")
        })
}

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

impl Browser {
    /// Starts headless Chromium, or says loudly why the test is skipped.
    pub async fn start(test: &str, javascript: bool) -> Option<Browser> {
        if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
            eprintln!(
                "SKIPPED {test}: {CHROMIUM} and {CHROMEDRIVER} are needed (apt-get install chromium chromium-driver; .ci/run does)"
            );
            return None;
        }
        let exclusive = super::EXCLUSIVE.lock().await;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let started = Instant::now();
        while http.get(format!("{base}/status")).send().await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().expect("profile dir").keep();
        let mut args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--window-size=1280,900".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        if !javascript {
            args.push("--blink-settings=scriptEnabled=false".into());
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
            // Console messages, to catch Content-Security-Policy violations.
            "goog:loggingPrefs": {"browser": "ALL"}
        }}});
        let mut browser = Browser {
            driver,
            base,
            session: String::new(),
            http,
            _exclusive: exclusive,
        };
        let created = browser.call("POST", "/session", Some(capabilities)).await;
        browser.session = created["sessionId"]
            .as_str()
            .expect("a session id")
            .to_string();
        Some(browser)
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let request = match method {
            "POST" => self
                .http
                .post(&url)
                .header("content-type", "application/json")
                .body(body.unwrap_or_else(|| json!({})).to_string()),
            "DELETE" => self.http.delete(&url),
            _ => self.http.get(&url),
        };
        let text = request
            .send()
            .await
            .expect("webdriver answers")
            .text()
            .await
            .expect("body");
        let reply: Value = serde_json::from_str(&text).expect("webdriver JSON");
        let value = reply["value"].clone();
        if let Some(error) = value.get("error") {
            panic!("webdriver {method} {path}: {error} {}", value["message"]);
        }
        value
    }

    fn at(&self, path: &str) -> String {
        format!("/session/{}{path}", self.session)
    }

    pub async fn goto(&self, url: &str) {
        self.call("POST", &self.at("/url"), Some(json!({"url": url})))
            .await;
    }

    /// The page's address once it holds every one of `parts` (a click's
    /// navigation may still be under way when the click returns), or the
    /// last address seen after 15 s.
    pub async fn url_with(&self, parts: &[&str]) -> String {
        let started = Instant::now();
        loop {
            let url = self.url().await;
            if parts.iter().all(|p| url.contains(p)) || started.elapsed() > Duration::from_secs(15)
            {
                return url;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn url(&self) -> String {
        self.call("GET", &self.at("/url"), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The first element matching `css`.
    pub async fn find(&self, css: &str) -> String {
        let value = self
            .call(
                "POST",
                &self.at("/element"),
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        value
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .expect("an element id")
            .to_string()
    }

    /// Every element matching `css`.
    pub async fn find_all(&self, css: &str) -> Vec<String> {
        self.call(
            "POST",
            &self.at("/elements"),
            Some(json!({"using": "css selector", "value": css})),
        )
        .await
        .as_array()
        .map(|found| {
            found
                .iter()
                .filter_map(|e| e.as_object()?.values().next()?.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
    }

    /// An attribute of an element (works with JavaScript off too).
    pub async fn attribute(&self, element: &str, name: &str) -> Option<String> {
        self.call(
            "GET",
            &self.at(&format!("/element/{element}/attribute/{name}")),
            None,
        )
        .await
        .as_str()
        .map(str::to_string)
    }

    /// Types `keys` into an element as a user would (focusing it first);
    /// WebDriver's key codes: `\u{E012}` ←, `\u{E014}` →, `\u{E011}` Home,
    /// `\u{E010}` End.
    pub async fn send_keys(&self, element: &str, keys: &str) {
        self.call(
            "POST",
            &self.at(&format!("/element/{element}/value")),
            Some(json!({"text": keys})),
        )
        .await;
    }

    /// Makes pages see `prefers-color-scheme: dark` (Chromium's DevTools
    /// protocol through chromedriver).
    pub async fn prefer_dark(&self) {
        self.call(
            "POST",
            &self.at("/goog/cdp/execute"),
            Some(json!({"cmd": "Emulation.setEmulatedMedia", "params": {
                "features": [{"name": "prefers-color-scheme", "value": "dark"}]
            }})),
        )
        .await;
    }

    pub async fn click(&self, element: &str) {
        self.call("POST", &self.at(&format!("/element/{element}/click")), None)
            .await;
    }

    pub async fn run(&self, script: &str) -> Value {
        self.call(
            "POST",
            &self.at("/execute/sync"),
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    pub async fn resize(&self, width: u32, height: u32) {
        self.call(
            "POST",
            &self.at("/window/rect"),
            Some(json!({"width": width, "height": height})),
        )
        .await;
    }

    /// Saves a PNG screenshot.
    pub async fn screenshot(&self, path: &Path) {
        use base64::Engine;
        let data = self.call("GET", &self.at("/screenshot"), None).await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap_or_default())
            .expect("a base64 PNG");
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("artifact dir");
        }
        std::fs::write(path, bytes).expect("write screenshot");
    }

    /// The browser console's messages since the last call (chromedriver's log).
    pub async fn console(&self) -> Vec<String> {
        self.call(
            "POST",
            &self.at("/se/log"),
            Some(json!({"type": "browser"})),
        )
        .await
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .filter_map(|e| e["message"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
    }

    /// Fails the test if the console reported a Content-Security-Policy violation.
    pub async fn assert_no_csp_violations(&self, page: &str) {
        let violations: Vec<String> = self
            .console()
            .await
            .into_iter()
            .filter(|m| {
                m.contains("Content Security Policy") || m.contains("Content-Security-Policy")
            })
            .collect();
        assert!(
            violations.is_empty(),
            "CSP violations on {page}: {violations:#?}"
        );
    }

    /// Waits until `script` returns true.
    pub async fn wait_for(&self, script: &str, what: &str) {
        let started = Instant::now();
        loop {
            if self.run(script).await == Value::Bool(true) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "timed out waiting for {what}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Browser {
    /// Ends the session (which closes Chromium) before stopping chromedriver:
    /// killing the driver alone would leave the browser running. `drop`
    /// cannot await, so this is one plain HTTP request on a socket.
    fn drop(&mut self) {
        use std::io::{Read, Write};
        if let Some(address) = self.base.strip_prefix("http://")
            && let Ok(mut stream) = std::net::TcpStream::connect(address)
        {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let request = format!(
                "DELETE /session/{} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n",
                self.session
            );
            if stream.write_all(request.as_bytes()).is_ok() {
                let mut reply = Vec::new();
                let _ = stream.read_to_end(&mut reply);
            }
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
