//! HTTP for every real source: one client per source with its timeout, TLS
//! settings and credentials, bodies read with a size cap, JSON decoded off
//! the runtime's worker for large bodies, and every failure turned into a
//! message a duty officer can act on. Secrets never reach a message or a log.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::config::{Auth, Secret, SourceSpec, secret_from_env};

/// Looks up an environment variable.
pub type Env = dyn Fn(&str) -> Option<String> + Send + Sync;

/// Why a fetch failed, worded for the wall (Chinese, short, actionable).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("配置错误：{0}")]
    Config(String),
    #[error("无法连接 {0}：连接被拒绝")]
    Refused(String),
    #[error("无法连接 {0}：{1}")]
    Connect(String, String),
    #[error("{0} 秒内无应答（超时）")]
    Timeout(u64),
    #[error("TLS 证书校验失败：{0}")]
    Tls(String),
    #[error("认证失败（HTTP {0}）：检查凭据")]
    Unauthorized(u16),
    #[error("HTTP {0}{1}")]
    Status(u16, String),
    #[error("应答超过 {0} MB 上限，已丢弃")]
    TooLarge(usize),
    #[error("应答不是 JSON：{0}")]
    NotJson(String),
    #[error("应答格式不符：{0}")]
    Shape(String),
    #[error("接口报错：{0}")]
    Api(String),
}

/// Bodies larger than this are decoded on a blocking thread.
const DECODE_INLINE_MAX: usize = 256 * 1024;

/// A source's HTTP connection.
#[derive(Clone, Debug)]
pub struct HttpClient {
    client: reqwest::Client,
    base: String,
    host: String,
    timeout: Duration,
    max_body: usize,
    /// User and password: Zabbix logs in with them, other kinds send them
    /// as HTTP basic authentication on every request.
    pub credentials: Option<(Secret, Secret)>,
    basic_auth: bool,
    /// The bearer token, when the source has one.
    pub token: Option<Secret>,
}

impl HttpClient {
    /// Builds the client; reads credentials from the environment.
    pub fn new(spec: &SourceSpec) -> Result<HttpClient, FetchError> {
        HttpClient::with_env(spec, &|var| std::env::var(var).ok())
    }

    /// Builds the client, reading credentials through `env` (tests pass their own).
    pub fn with_env(spec: &SourceSpec, env: &Env) -> Result<HttpClient, FetchError> {
        let mut headers = HeaderMap::new();
        let mut token = None;
        let mut credentials = None;
        match &spec.auth {
            Auth::None => {}
            Auth::Bearer { token_env } => {
                let t = secret_from_env(token_env, env).map_err(FetchError::Config)?;
                let mut v = HeaderValue::from_str(&format!("Bearer {}", t.expose()))
                    .map_err(|_| FetchError::Config(format!("{token_env} 中的令牌含非法字符")))?;
                v.set_sensitive(true);
                headers.insert(reqwest::header::AUTHORIZATION, v);
                token = Some(t);
            }
            Auth::UserPassword {
                user_env,
                password_env,
            } => {
                let user = secret_from_env(user_env, env).map_err(FetchError::Config)?;
                let password = secret_from_env(password_env, env).map_err(FetchError::Config)?;
                credentials = Some((user, password));
            }
        }
        let mut builder = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(spec.timeout)
            .connect_timeout(spec.timeout)
            .user_agent(concat!("opswall/", env!("CARGO_PKG_VERSION")))
            .pool_max_idle_per_host(2)
            .danger_accept_invalid_certs(!spec.tls_verify);
        if let Some(ca) = &spec.ca_file {
            let pem = std::fs::read(ca).map_err(|e| {
                FetchError::Config(format!("无法读取 CA 文件 {}：{e}", ca.display()))
            })?;
            let cert = reqwest::Certificate::from_pem(&pem).map_err(|e| {
                FetchError::Config(format!("CA 文件 {} 不是 PEM 证书：{e}", ca.display()))
            })?;
            builder = builder.add_root_certificate(cert);
        }
        let client = builder
            .build()
            .map_err(|e| FetchError::Config(format!("HTTP 客户端：{e}")))?;
        let host = spec
            .url
            .split("://")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .unwrap_or(&spec.url)
            .to_owned();
        Ok(HttpClient {
            client,
            base: spec.url.clone(),
            host,
            timeout: spec.timeout,
            max_body: spec.max_body_bytes,
            basic_auth: credentials.is_some() && spec.kind != super::config::SourceKind::Zabbix,
            credentials,
            token,
        })
    }

    /// `GET base+path?query`, decoded as `T`.
    pub async fn get<T: DeserializeOwned + Send + 'static>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, FetchError> {
        let request = self.client.get(format!("{}{path}", self.base)).query(query);
        self.send(request).await
    }

    /// `POST base+path` with a JSON body, decoded as `T`.
    pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned + Send + 'static>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, FetchError> {
        let bytes = serde_json::to_vec(body).map_err(|e| FetchError::Config(e.to_string()))?;
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(bytes);
        self.send(request).await
    }

    /// A request with extra headers (content type, per-call auth), decoded as `T`.
    pub async fn post_with<T: DeserializeOwned + Send + 'static>(
        &self,
        path: &str,
        content_type: &str,
        auth: Option<&Secret>,
        body: Vec<u8>,
    ) -> Result<T, FetchError> {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        if let Some(secret) = auth {
            let mut v = HeaderValue::from_str(&format!("Bearer {}", secret.expose()))
                .map_err(|_| FetchError::Config("令牌含非法字符".into()))?;
            v.set_sensitive(true);
            request = request.header(reqwest::header::AUTHORIZATION, v);
        }
        self.send(request).await
    }

    async fn send<T: DeserializeOwned + Send + 'static>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, FetchError> {
        let request = match (&self.credentials, self.basic_auth) {
            (Some((user, password)), true) => {
                request.basic_auth(user.expose(), Some(password.expose()))
            }
            _ => request,
        };
        let mut response = request.send().await.map_err(|e| self.classify(&e))?;
        let status = response.status();
        if let Some(len) = response.content_length()
            && len as usize > self.max_body
        {
            return Err(FetchError::TooLarge(self.max_body_mb()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(&e))? {
            if body.len() + chunk.len() > self.max_body {
                return Err(FetchError::TooLarge(self.max_body_mb()));
            }
            body.extend_from_slice(&chunk);
        }
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
            return Err(FetchError::Unauthorized(status.as_u16()));
        }
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16(), api_message(&body)));
        }
        decode(body).await
    }

    fn max_body_mb(&self) -> usize {
        self.max_body.div_ceil(1024 * 1024)
    }

    /// Turns a transport error into a wall message.
    fn classify(&self, e: &reqwest::Error) -> FetchError {
        if e.is_timeout() {
            return FetchError::Timeout(self.timeout.as_secs().max(1));
        }
        let chain = error_chain(e);
        if chain.iter().any(|m| {
            let m = m.to_ascii_lowercase();
            m.contains("certificate") || m.contains("invalidcert") || m.contains("unknownissuer")
        }) {
            let detail = chain.last().cloned().unwrap_or_default();
            return FetchError::Tls(detail);
        }
        let refused = {
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
            let mut found = false;
            while let Some(s) = source {
                if let Some(io) = s.downcast_ref::<std::io::Error>()
                    && io.kind() == std::io::ErrorKind::ConnectionRefused
                {
                    found = true;
                }
                source = s.source();
            }
            found
        };
        if refused {
            return FetchError::Refused(self.host.clone());
        }
        let detail = chain.last().cloned().unwrap_or_else(|| e.to_string());
        FetchError::Connect(self.host.clone(), detail)
    }
}

/// The messages of an error and its sources, innermost last, with URLs removed.
fn error_chain(e: &reqwest::Error) -> Vec<String> {
    let mut out = vec![e.without_url_text()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push(s.to_string());
        source = s.source();
    }
    out
}

trait WithoutUrl {
    fn without_url_text(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_text(&self) -> String {
        // Queries may carry names an operator would rather not see on a wall.
        let mut plain = format!("{self}");
        if let Some(url) = self.url() {
            plain = plain.replace(url.as_str(), "");
        }
        plain
    }
}

/// A short message from an error body: `{"error": …}`, Prometheus' `error`,
/// or the start of the text.
fn api_message(body: &[u8]) -> String {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body)
        && let Some(msg) = v.get("error").and_then(|m| m.as_str())
    {
        return format!("：{}", truncate(msg, 120));
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]);
    let text = text.trim();
    if text.is_empty() {
        String::new()
    } else {
        format!("：{}", truncate(text, 120))
    }
}

fn truncate(s: &str, chars: usize) -> String {
    if s.chars().count() <= chars {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(chars).collect();
        t.push('…');
        t
    }
}

/// Decodes JSON, on a blocking thread when the body is large so the
/// runtime's worker keeps serving timers and other sources.
pub async fn decode<T: DeserializeOwned + Send + 'static>(body: Vec<u8>) -> Result<T, FetchError> {
    if body.len() <= DECODE_INLINE_MAX {
        return decode_now(&body);
    }
    tokio::task::spawn_blocking(move || decode_now(&body))
        .await
        .map_err(|e| FetchError::Shape(format!("解码任务失败：{e}")))?
}

/// Decodes JSON, telling "not JSON at all" from "JSON of the wrong shape".
pub fn decode_now<T: DeserializeOwned>(body: &[u8]) -> Result<T, FetchError> {
    serde_json::from_slice(body).map_err(|e| {
        let msg = truncate(&e.to_string(), 160);
        match e.classify() {
            serde_json::error::Category::Data => FetchError::Shape(msg),
            _ => FetchError::NotJson(msg),
        }
    })
}
