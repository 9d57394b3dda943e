//! Real sources against servers that misbehave: refused connections, a
//! 30-second hang, HTTP 500 and 401, a body that is not JSON, JSON of the
//! wrong shape, a 100 MB answer and a certificate that does not verify. Each
//! gives a clear message in the source's state, keeps the last good data on
//! screen marked stale, and recovers by itself when the server does. Tokens
//! never reach a message or a log line.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use opswall::kpi::Catalog;
use opswall::layout::HistoryNeed;
use opswall::sources::config::{self, SourceSpec};
use opswall::sources::prometheus::Prometheus;
use opswall::sources::scheduler::{self, Schedule};
use opswall::sources::{self, Outbox};
use opswall::store::{Limits, Store, Update};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TOKEN: &str = "tok-NEVER-SHOWN-93f1";

/// How the fake server answers.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Good,
    Hang,
    Status500,
    Status401,
    NotJson,
    WrongShape,
    Huge,
}

type Shared = Arc<Mutex<Mode>>;

/// A one-request-per-connection HTTP server on 127.0.0.1 speaking just
/// enough of the Prometheus API; it keeps the request heads in `heads`.
async fn fake_server(mode: Shared, heads: Arc<Mutex<Vec<String>>>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let mode = *mode.lock().unwrap();
            let heads = heads.clone();
            tokio::spawn(async move {
                let Some(head) = read_head(&mut sock).await else {
                    return;
                };
                let range = head.contains("query_range");
                heads.lock().unwrap().push(head);
                answer(&mut sock, mode, range).await;
            });
        }
    });
    addr
}

/// Reads a request's head (up to the blank line); `None` if the peer left.
async fn read_head(sock: &mut tokio::net::TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match sock.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

async fn answer(sock: &mut tokio::net::TcpStream, mode: Mode, range: bool) {
    let now = chrono::Utc::now().timestamp();
    let (status, body): (&str, Vec<u8>) = match mode {
        Mode::Good if range => (
            "200 OK",
            format!(r#"{{"status":"success","data":{{"resultType":"matrix","result":[{{"metric":{{"instance":"h1"}},"values":[[{},"40"],[{now},"42"]]}}]}}}}"#, now - 60).into_bytes(),
        ),
        Mode::Good => (
            "200 OK",
            format!(r#"{{"status":"success","data":{{"resultType":"vector","result":[{{"metric":{{"instance":"h1"}},"value":[{now},"42"]}}]}}}}"#).into_bytes(),
        ),
        Mode::Hang => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            return;
        }
        Mode::Status500 => ("500 Internal Server Error", b"upstream exploded".to_vec()),
        Mode::Status401 => ("401 Unauthorized", br#"{"error":"bad token"}"#.to_vec()),
        Mode::NotJson => ("200 OK", b"<html><body>login</body></html>".to_vec()),
        Mode::WrongShape => ("200 OK", br#"{"status":"success","data":{"resultType":"vector","result":{"oops":1}}}"#.to_vec()),
        Mode::Huge => {
            // 100 MB of a JSON array, streamed without a length.
            let _ = sock
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[")
                .await;
            let chunk = vec![b'1'; 1 << 20];
            for _ in 0..100 {
                if sock.write_all(&chunk).await.is_err() {
                    return;
                }
            }
            let _ = sock.write_all(b"]").await;
            return;
        }
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = sock.write_all(head.as_bytes()).await;
    let _ = sock.write_all(&body).await;
}

fn spec(url: &str) -> SourceSpec {
    let text = format!(
        "[[source]]\nname = \"prom\"\nkind = \"prometheus\"\nurl = \"{url}\"\ninterval_s = 1\ntimeout_s = 1\nbackoff_max_s = 2\nbackfill_h = 0.1\ntoken_env = \"FAULT_TOKEN\"\n\n[[source.kpi]]\nid = \"host_cpu_total_pct\"\nquery = \"cpu\"\ntarget = \"{{instance}}\"\n"
    );
    config::parse(&text, "faults.toml", Path::new("."), &Catalog::builtin())
        .unwrap()
        .sources
        .remove(0)
}

fn env(var: &str) -> Option<String> {
    (var == "FAULT_TOKEN").then(|| TOKEN.to_owned())
}

fn need() -> HistoryNeed {
    HistoryNeed {
        range_ms: 600_000,
        width_px: 600,
    }
}

/// Captures every log line the sources write.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Feeds the store until `done` holds, or fails after `within`.
async fn until(
    rx: &mut tokio::sync::mpsc::Receiver<Update>,
    store: &mut Store,
    within: Duration,
    what: &str,
    done: impl Fn(&Store) -> bool,
) {
    let deadline = tokio::time::Instant::now() + within;
    while !done(store) {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(u)) => store.apply(u),
            _ => panic!(
                "timed out waiting for: {what}; source: {:?}",
                store.source("prom")
            ),
        }
    }
}

#[test]
fn every_fault_is_reported_clearly_keeps_the_last_data_and_recovers() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let messages = rt.block_on(async {
        let mode: Shared = Arc::new(Mutex::new(Mode::Good));
        let addr = fake_server(mode.clone(), Arc::default()).await;
        let s = spec(&format!("http://{addr}"));
        let source = Prometheus::with(
            &s,
            need(),
            &env,
            Arc::new(|| chrono::Utc::now().timestamp_millis()),
        )
        .unwrap();
        let (tx, mut rx) = sources::channel();
        let out = Outbox::new(tx, Arc::new(|| {}));
        let schedule = Schedule {
            interval: s.interval,
            timeout: s.timeout,
            backoff_max: s.backoff_max,
        };
        tokio::spawn(scheduler::run(s.name.clone(), source, schedule, out, None));

        let mut store = Store::new(Limits::default());
        store.register_source("prom", 1.0);
        let has_data = |st: &Store| {
            st.latest("host_cpu_total_pct", "h1")
                .is_some_and(|x| x.value == 42.0)
        };
        until(
            &mut rx,
            &mut store,
            Duration::from_secs(10),
            "first data",
            has_data,
        )
        .await;
        // The history came first: the sample a minute ago is there too.
        assert_eq!(store.series("host_cpu_total_pct", "h1").unwrap().len(), 2);

        let cases = [
            (Mode::Hang, "秒内无应答（超时）"),
            (Mode::Status500, "HTTP 500：upstream exploded"),
            (Mode::Status401, "认证失败（HTTP 401）"),
            (Mode::NotJson, "应答不是 JSON"),
            (Mode::WrongShape, "应答格式不符"),
            (Mode::Huge, "应答超过 64 MB 上限"),
        ];
        let mut messages = Vec::new();
        for (fault, expected) in cases {
            *mode.lock().unwrap() = fault;
            until(
                &mut rx,
                &mut store,
                Duration::from_secs(20),
                &format!("{fault:?} reported"),
                |st| {
                    st.source("prom")
                        .and_then(|s| s.error.as_deref())
                        .is_some_and(|e| e.contains(expected))
                },
            )
            .await;
            let state = store.source("prom").unwrap().clone();
            messages.push(state.error.clone().unwrap());
            // The last good value is still there, and is marked stale once old.
            assert_eq!(
                store.latest("host_cpu_total_pct", "h1").unwrap().value,
                42.0,
                "{fault:?}"
            );
            *mode.lock().unwrap() = Mode::Good;
            until(
                &mut rx,
                &mut store,
                Duration::from_secs(20),
                &format!("recovery after {fault:?}"),
                |st| st.source("prom").is_some_and(|s| s.error.is_none()),
            )
            .await;
        }

        // A long outage: the data is stale, with its age, and comes back.
        *mode.lock().unwrap() = Mode::Status500;
        until(
            &mut rx,
            &mut store,
            Duration::from_secs(20),
            "down again",
            |st| st.source("prom").is_some_and(|s| s.error.is_some()),
        )
        .await;
        let last_ok = store.source("prom").unwrap().last_ok_ms.unwrap();
        let later = last_ok + 5_000;
        assert!(store.source("prom").unwrap().is_stale(later));
        assert!(store.is_stale(1.0, "host_cpu_total_pct", "h1", later));
        messages
    });

    for m in &messages {
        assert!(!m.contains(TOKEN), "token in message: {m}");
    }
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("source failed"),
        "the first failure is logged:\n{logged}"
    );
    assert!(
        logged.contains("source recovered"),
        "recovery is logged:\n{logged}"
    );
    assert!(!logged.contains(TOKEN), "token in logs:\n{logged}");
}

#[test]
fn connection_refused_says_so_and_names_the_host() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        // A port that was just free: nothing listens on it.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let s = spec(&format!("http://127.0.0.1:{port}"));
        let mut source = Prometheus::with(&s, need(), &env, Arc::new(|| 0)).unwrap();
        let e = opswall::sources::scheduler::Fetcher::fetch(&mut source)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("连接被拒绝") && e.contains(&format!("127.0.0.1:{port}")),
            "{e}"
        );
        assert!(!e.contains(TOKEN));
    });
}

#[test]
fn a_certificate_that_does_not_verify_is_refused_unless_its_ca_is_given() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
        let pem = cert.cert.pem();
        let addr = tls_server(&cert).await;

        // Verification on (the default): refused with a TLS message.
        let s = spec(&format!("https://127.0.0.1:{}", addr.port()));
        let mut source = Prometheus::with(&s, need(), &env, Arc::new(|| 0)).unwrap();
        let e = opswall::sources::scheduler::Fetcher::fetch(&mut source).await.unwrap_err().to_string();
        assert!(e.contains("TLS 证书校验失败"), "{e}");

        // With the server's CA given in ca_file, it verifies and answers.
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::File::create(&ca).unwrap().write_all(pem.as_bytes()).unwrap();
        let text = format!(
            "[[source]]\nname = \"prom\"\nkind = \"prometheus\"\nurl = \"https://127.0.0.1:{}\"\nca_file = \"ca.pem\"\nbackfill_h = 0\n[[source.kpi]]\nid = \"host_cpu_total_pct\"\nquery = \"cpu\"\ntarget = \"{{instance}}\"\n",
            addr.port()
        );
        let s = config::parse(&text, "tls.toml", dir.path(), &Catalog::builtin()).unwrap().sources.remove(0);
        let mut source = Prometheus::with(&s, need(), &env, Arc::new(|| 0)).unwrap();
        let updates = opswall::sources::scheduler::Fetcher::fetch(&mut source).await.unwrap();
        assert!(updates.iter().any(|u| matches!(u, Update::Samples { samples, .. } if !samples.is_empty())));
    });
}

/// An HTTPS server with a self-signed certificate answering like Prometheus.
async fn tls_server(cert: &rcgen::CertifiedKey<rcgen::KeyPair>) -> SocketAddr {
    use tokio_rustls::rustls;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let der = rustls::pki_types::CertificateDer::from(cert.cert.der().to_vec());
    let key = rustls::pki_types::PrivateKeyDer::try_from(cert.signing_key.serialize_der()).unwrap();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![der], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(sock).await else {
                    return;
                };
                let mut buf = [0u8; 4096];
                let _ = tls.read(&mut buf).await;
                let now = chrono::Utc::now().timestamp();
                let body = format!(
                    r#"{{"status":"success","data":{{"resultType":"vector","result":[{{"metric":{{"instance":"h1"}},"value":[{now},"7"]}}]}}}}"#
                );
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = tls.write_all(head.as_bytes()).await;
                let _ = tls.write_all(body.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    addr
}

#[test]
fn a_prometheus_behind_basic_auth_gets_user_and_password_on_every_request() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let heads = Arc::new(Mutex::new(Vec::new()));
        let addr = fake_server(Arc::new(Mutex::new(Mode::Good)), heads.clone()).await;
        let text = format!(
            "[[source]]\nname = \"prom\"\nkind = \"prometheus\"\nurl = \"http://{addr}\"\nbackfill_h = 0.1\nuser_env = \"PROM_USER\"\npassword_env = \"PROM_PASSWORD\"\n\n[[source.kpi]]\nid = \"host_cpu_total_pct\"\nquery = \"cpu\"\ntarget = \"{{instance}}\"\n"
        );
        let spec = config::parse(&text, "basic.toml", Path::new("."), &Catalog::builtin())
            .unwrap()
            .sources
            .remove(0);
        let env = |v: &str| match v {
            "PROM_USER" => Some("duty".to_owned()),
            "PROM_PASSWORD" => Some("pw-NEVER-SHOWN-17".to_owned()),
            _ => None,
        };
        let clock: opswall::sources::prometheus::Clock = Arc::new(|| chrono::Utc::now().timestamp_millis());
        let need = HistoryNeed { range_ms: 600_000, width_px: 100 };
        let mut source = Prometheus::with(&spec, need, &env, clock).unwrap();
        let updates = opswall::sources::scheduler::Fetcher::fetch(&mut source).await.unwrap();
        assert!(updates.iter().any(|u| matches!(u, Update::Samples { samples, .. } if !samples.is_empty())));
        let heads = heads.lock().unwrap();
        // The range query and the instant query.
        assert_eq!(heads.len(), 2);
        for h in heads.iter() {
            let auth = h
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
                .unwrap_or_else(|| panic!("no Authorization header in {h}"));
            assert_eq!(auth.split_once(':').unwrap().1.trim(), "Basic ZHV0eTpwdy1ORVZFUi1TSE9XTi0xNw==");
        }
        // The password never shows in the source's debug form.
        assert!(!format!("{spec:?}").contains("pw-NEVER-SHOWN"));
    });
}
