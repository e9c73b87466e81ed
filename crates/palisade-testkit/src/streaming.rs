//! Streaming clients for tests: a WebSocket (tokio-tungstenite) and a server-sent events
//! reader (reqwest), both against a server spawned on a real port.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{self, Message};

/// How a WebSocket client hands over its token.
#[derive(Clone, Copy, Debug)]
pub enum TokenVia {
    Query,
    Protocol,
    Header,
}

pub struct Ws {
    socket: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
}

/// A streaming event: `event`, the parsed payload (or the raw one), the `stream` array.
#[derive(Clone, Debug)]
pub struct LiveEvent {
    pub event: String,
    pub payload: Value,
    pub stream: Vec<String>,
}

fn parse_payload(raw: Option<&str>) -> Value {
    match raw {
        None => Value::Null,
        Some(p) => serde_json::from_str(p).unwrap_or_else(|_| Value::String(p.to_owned())),
    }
}

impl Ws {
    /// Opens `/api/v1/streaming` (plus `query`) on `base` (`http://host:port`); the HTTP
    /// status when the upgrade is refused.
    pub async fn connect(base: &str, token: Option<&str>, via: TokenVia, query: &str) -> Result<Ws, u16> {
        let mut url = format!("{}/api/v1/streaming", base.replacen("http", "ws", 1));
        let mut params: Vec<String> = Vec::new();
        if let (Some(t), TokenVia::Query) = (token, via) {
            params.push(format!("access_token={t}"));
        }
        if !query.is_empty() {
            params.push(query.to_owned());
        }
        if !params.is_empty() {
            url = format!("{url}?{}", params.join("&"));
        }
        let mut request = url.into_client_request().map_err(|_| 0u16)?;
        if let Some(t) = token {
            let headers = request.headers_mut();
            match via {
                TokenVia::Protocol => {
                    headers.insert(
                        "sec-websocket-protocol",
                        HeaderValue::from_str(t).map_err(|_| 0u16)?,
                    );
                }
                TokenVia::Header => {
                    headers.insert(
                        "authorization",
                        HeaderValue::from_str(&format!("Bearer {t}")).map_err(|_| 0u16)?,
                    );
                }
                TokenVia::Query => {}
            }
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((socket, _)) => Ok(Ws { socket }),
            Err(tungstenite::Error::Http(r)) => Err(r.status().as_u16()),
            Err(_) => Err(0),
        }
    }

    pub async fn send(&mut self, v: Value) {
        self.socket
            .send(Message::Text(v.to_string().into()))
            .await
            .expect("send on the websocket");
    }

    /// The next text message (events, errors) within `wait`; `None` on timeout or close.
    pub async fn next_json(&mut self, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let msg = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .ok()??;
            match msg.ok()? {
                Message::Text(t) => return serde_json::from_str(t.as_str()).ok(),
                Message::Close(_) => return None,
                _ => continue,
            }
        }
    }

    /// The next event (not an error message) within `wait`.
    pub async fn next_event(&mut self, wait: Duration) -> Option<LiveEvent> {
        let v = self.next_json(wait).await?;
        Some(LiveEvent {
            event: v["event"].as_str().unwrap_or("").to_owned(),
            payload: parse_payload(v["payload"].as_str()),
            stream: v["stream"]
                .as_array()
                .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
                .unwrap_or_default(),
        })
    }

    /// Whether the server closed the connection within `wait`.
    pub async fn closed_within(&mut self, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Err(_) => return false,
                Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => return true,
                Ok(Some(Ok(_))) => continue,
            }
        }
    }
}

/// A server-sent events stream.
pub struct Sse {
    response: reqwest::Response,
    buffer: String,
}

impl Sse {
    /// GETs `path` on `base` with an optional bearer token; the status when not 200.
    pub async fn connect(base: &str, path: &str, token: Option<&str>) -> Result<Sse, (u16, String)> {
        let client = reqwest::Client::new();
        let mut req = client.get(format!("{base}{path}"));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let response = req.send().await.map_err(|e| (0, e.to_string()))?;
        if response.status() != 200 {
            let status = response.status().as_u16();
            return Err((status, response.text().await.unwrap_or_default()));
        }
        Ok(Sse {
            response,
            buffer: String::new(),
        })
    }

    /// The next event within `wait` (comments skipped); `None` on timeout or end.
    pub async fn next_event(&mut self, wait: Duration) -> Option<LiveEvent> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = None;
                let mut data = None;
                for line in block.lines() {
                    if let Some(e) = line.strip_prefix("event:") {
                        event = Some(e.trim().to_owned());
                    } else if let Some(d) = line.strip_prefix("data:") {
                        data = Some(d.trim_start().to_owned());
                    }
                }
                if let Some(event) = event {
                    return Some(LiveEvent {
                        event,
                        payload: parse_payload(data.as_deref()),
                        stream: Vec::new(),
                    });
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Whether the server ended the stream within `wait`.
    pub async fn ended_within(&mut self, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Err(_) => return false,
                Ok(Ok(Some(_))) => continue,
                Ok(_) => return true,
            }
        }
    }
}
