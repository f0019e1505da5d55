//! The shape in which the trace shows a message: HTTP-like, so a learner
//! reads a real request line, headers and a body as it travels on the wire
//! (JSON, a form, or plain text). Helpers decode what a learner should see
//! decoded: a redirect's query, form fields and compact JWS tokens.

use serde::{Deserialize, Serialize};

/// What a message does besides carrying its request or answer, when the
/// learner must notice it: it says no, or it repeats an earlier answer.
/// The diagram marks these with a glyph and a dash as well as a colour
/// (meaning never rests on colour alone).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mark {
    #[default]
    Plain,
    /// A refusal: an error status, a decline, a conflict.
    Refused,
    /// An answer replayed from storage rather than computed now.
    Replayed,
}

/// A message's class by transport. Fault matchers use it ("lose the next
/// response") so that palettes stay lab-neutral.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum MsgClass {
    /// Asks for something and expects a response.
    Request,
    /// Answers a request (a 302 is a response; a vote answers a PREPARE).
    Response,
    /// Expects no response: publish, deliver, acknowledge.
    OneWay,
}

impl MsgClass {
    /// The class in plain words ("request", "response", "one-way message").
    pub fn noun(self) -> &'static str {
        match self {
            MsgClass::Request => "request",
            MsgClass::Response => "response",
            MsgClass::OneWay => "one-way message",
        }
    }

    /// Whether this message starts work at its receiver (requests and
    /// one-way messages do; responses close work the receiver started).
    pub fn starts_work(self) -> bool {
        !matches!(self, MsgClass::Response)
    }
}

/// A body as it travels on the wire.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    #[default]
    None,
    /// `application/json`: an object of fields (numbers, booleans and null
    /// stay bare; everything else is a string).
    Json(Vec<(String, String)>),
    /// `application/x-www-form-urlencoded`: fields, decoded.
    Form(Vec<(String, String)>),
    /// `text/plain`.
    Text(String),
}

impl Body {
    /// The fields of a JSON or form body (empty otherwise).
    pub fn fields(&self) -> &[(String, String)] {
        match self {
            Body::Json(f) | Body::Form(f) => f,
            _ => &[],
        }
    }

    /// The media type a `Content-Type` header would name.
    pub fn media_type(&self) -> Option<&'static str> {
        match self {
            Body::None => None,
            Body::Json(_) => Some("application/json"),
            Body::Form(_) => Some("application/x-www-form-urlencoded"),
            Body::Text(_) => Some("text/plain"),
        }
    }
}

/// A message as displayed: `line` is `POST /v1/charges` or `200 OK`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub class: MsgClass,
    pub line: String,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    /// The parameters that matter at this step (a header, a query or form
    /// parameter, a JSON field), which the view highlights: `state` and
    /// `code_challenge` on the way to /authorize, `Idempotency-Key` on a
    /// charge. From `LabMsg::focus`; not part of the run's file format.
    #[serde(skip)]
    pub focus: &'static [&'static str],
}

/// A byte range of [`Message::to_http`]'s text.
pub type Span = std::ops::Range<usize>;

impl Message {
    fn of(class: MsgClass, line: impl Into<String>) -> Self {
        Self {
            class,
            line: line.into(),
            headers: Vec::new(),
            body: Body::None,
            focus: &[],
        }
    }

    pub fn request(line: impl Into<String>) -> Self {
        Self::of(MsgClass::Request, line)
    }

    pub fn response(line: impl Into<String>) -> Self {
        Self::of(MsgClass::Response, line)
    }

    pub fn one_way(line: impl Into<String>) -> Self {
        Self::of(MsgClass::OneWay, line)
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// Add a JSON body field.
    pub fn field(mut self, name: &str, value: impl Into<String>) -> Self {
        let pair = (name.to_string(), value.into());
        match &mut self.body {
            Body::Json(f) => f.push(pair),
            _ => self.body = Body::Json(vec![pair]),
        }
        self
    }

    /// Add a form-encoded body field.
    pub fn form_field(mut self, name: &str, value: impl Into<String>) -> Self {
        let pair = (name.to_string(), value.into());
        match &mut self.body {
            Body::Form(f) => f.push(pair),
            _ => self.body = Body::Form(vec![pair]),
        }
        self
    }

    /// A plain-text body.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.body = Body::Text(text.into());
        self
    }

    /// A header's value (names compare case-insensitively, as in HTTP).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The query parameters of a redirect's `Location` (decoded).
    pub fn location_query(&self) -> Vec<(String, String)> {
        self.header_value("Location")
            .and_then(|l| l.split_once('?'))
            .map(|(_, q)| parse_query(q.split('#').next().unwrap_or_default()))
            .unwrap_or_default()
    }

    /// Raw HTTP-ish text: request line, headers, blank line, body as sent.
    pub fn to_http(&self) -> String {
        self.to_http_marked().0
    }

    /// [`Message::to_http`]'s text and where the [`Message::focus`]
    /// parameters are in it, in text order: a header's value, a query or
    /// form parameter's `name=value`, a JSON field's `"name": value`.
    pub fn to_http_marked(&self) -> (String, Vec<Span>) {
        let focus = |name: &str| self.focus.iter().any(|f| f.eq_ignore_ascii_case(name));
        let mut marks = Vec::new();
        let mut out = self.line.clone();
        mark_params(&out, 0, self.focus, &mut marks);
        for (k, v) in &self.headers {
            out.push('\n');
            out.push_str(k);
            out.push_str(": ");
            let at = out.len();
            out.push_str(v);
            if focus(k) {
                marks.push(at..out.len());
            } else {
                mark_params(v, at, self.focus, &mut marks);
            }
        }
        match &self.body {
            Body::None => {}
            Body::Json(fields) if fields.is_empty() => out.push_str("\n\n{}"),
            Body::Json(fields) => {
                out.push_str("\n\n{");
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str("\n  ");
                    let at = out.len();
                    out.push_str(&serde_json::to_string(k).unwrap_or_default());
                    out.push_str(": ");
                    out.push_str(&json_value(v));
                    if focus(k) {
                        marks.push(at..out.len());
                    }
                }
                out.push_str("\n}");
            }
            Body::Form(fields) => {
                out.push_str("\n\n");
                let at = out.len();
                out.push_str(&form_encode(fields));
                mark_params(&out[at..], at, self.focus, &mut marks);
            }
            Body::Text(t) => {
                out.push_str("\n\n");
                out.push_str(t);
            }
        }
        // Marks were made in the order of the text: no sorting needed.
        (out, marks)
    }

    /// Every header or body field whose value is a compact JWS, decoded.
    pub fn tokens(&self) -> Vec<(String, Jws)> {
        self.headers
            .iter()
            .map(|(k, v)| (k, v.strip_prefix("Bearer ").unwrap_or(v)))
            .chain(self.body.fields().iter().map(|(k, v)| (k, v.as_str())))
            .filter_map(|(k, v)| Jws::decode(v).map(|j| (k.clone(), j)))
            .collect()
    }
}

/// Numbers, booleans, null and well-formed JSON arrays or objects (a
/// JWKS's `keys`) stay bare; everything else is a JSON string.
fn json_value(v: &str) -> String {
    // Checked by reading a `Value` (the one JSON reader the wasm has), not
    // `IgnoredAny`, whose skipping code is 2 KB more.
    let nested = (v.starts_with('[') || v.starts_with('{'))
        && serde_json::from_str::<serde_json::Value>(v).is_ok();
    let bare = nested
        || v == "true"
        || v == "false"
        || v == "null"
        || (!v.is_empty() && v.parse::<i64>().is_ok());
    if bare {
        v.to_string()
    } else {
        serde_json::to_string(v).unwrap_or_default()
    }
}

/// Mark each `name=value` of `text` (a URL's query or fragment, or a form
/// body) whose name is in `focus`; `at` is where `text` starts.
fn mark_params(text: &str, at: usize, focus: &[&str], marks: &mut Vec<Span>) {
    if focus.is_empty() {
        return;
    }
    let mut start = 0;
    for (i, c) in text.char_indices().chain([(text.len(), '&')]) {
        if matches!(c, '?' | '&' | '#' | ' ') {
            let part = &text[start..i];
            if let Some((name, _)) = part.split_once('=') {
                if focus.iter().any(|f| f.eq_ignore_ascii_case(name)) {
                    marks.push(at + start..at + i);
                }
            }
            start = i + 1;
        }
    }
}

/// `a=1&b=two%20words` from fields (unreserved characters kept, space as `+`).
pub fn form_encode(fields: &[(String, String)]) -> String {
    let enc = |s: &str| {
        let mut out = String::with_capacity(s.len());
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    out.push(b as char)
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Decode `a=1&b=two+words` into fields. Malformed escapes are kept as
/// they are: this shows what was sent, it never fails.
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A compact JWS (`header.payload.signature`, each base64url) decoded for
/// display. Decoding is not verifying: the signature is shown as hex.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Jws {
    /// The compact string as it travelled.
    pub raw: String,
    /// The protected header's JSON text.
    pub header: String,
    /// The payload's JSON text.
    pub payload: String,
    /// The signature's bytes as hex.
    pub signature_hex: String,
}

impl Jws {
    /// Decode a string that looks like a compact JWS whose header names an
    /// `alg`; anything else is `None`.
    pub fn decode(s: &str) -> Option<Jws> {
        if s.len() > 16_384 {
            return None;
        }
        let mut parts = s.split('.');
        let (h, p, sig) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || h.is_empty() || p.is_empty() {
            return None;
        }
        let text =
            |part: &str| crate::b64::decode_url(part).and_then(|b| String::from_utf8(b).ok());
        let header = text(h)?;
        // A JOSE header is a JSON object naming its algorithm. (No JSON
        // parser here: this decodes for display, it does not verify.)
        if !(header.trim_start().starts_with('{') && header.contains("\"alg\"")) {
            return None;
        }
        let payload = text(p)?;
        let signature = crate::b64::decode_url(sig)?;
        Some(Jws {
            raw: s.to_string(),
            header,
            payload,
            signature_hex: signature.iter().map(|b| format!("{b:02x}")).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_http_text() {
        let m = Message::request("POST /v1/charges")
            .header("Idempotency-Key", "k1")
            .field("amount", "4200")
            .field("currency", "eur");
        assert_eq!(
            m.to_http(),
            "POST /v1/charges\nIdempotency-Key: k1\n\n{\n  \"amount\": 4200,\n  \"currency\": \"eur\"\n}"
        );
    }

    #[test]
    fn nested_json_stays_json_and_look_alikes_stay_strings() {
        let m = Message::response("200 OK")
            .field("keys", r#"[{"kty":"EC"}]"#)
            .field("note", "[not json");
        assert_eq!(
            m.to_http(),
            "200 OK\n\n{\n  \"keys\": [{\"kty\":\"EC\"}],\n  \"note\": \"[not json\"\n}"
        );
    }

    #[test]
    fn form_bodies_travel_encoded_and_read_back_decoded() {
        let m = Message::request("POST /token")
            .form_field("grant_type", "authorization_code")
            .form_field("redirect_uri", "https://planner.example/cb?x=1 2");
        assert_eq!(
            m.to_http(),
            "POST /token\n\ngrant_type=authorization_code&redirect_uri=https%3A%2F%2Fplanner.example%2Fcb%3Fx%3D1+2"
        );
        let back = parse_query(&form_encode(m.body.fields()));
        assert_eq!(back, m.body.fields());
    }

    #[test]
    fn a_redirect_location_is_read_parameter_by_parameter() {
        let m = Message::response("302 Found").header(
            "Location",
            "https://app.example/cb?code=Sp1x&state=xyz%3D%3D#frag",
        );
        assert_eq!(
            m.location_query(),
            vec![
                ("code".to_string(), "Sp1x".to_string()),
                ("state".to_string(), "xyz==".to_string())
            ]
        );
        assert_eq!(
            parse_query("a=%zz&b"),
            vec![("a".into(), "%zz".into()), ("b".into(), "".into())]
        );
        assert_eq!(parse_query("a=%4"), vec![("a".into(), "%4".into())]);
    }

    #[test]
    fn a_compact_jws_is_decoded_beside_the_raw_string() {
        // RFC 7515 Appendix A.1's example (HS256).
        let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let m =
            Message::request("GET /calendar").header("Authorization", format!("Bearer {token}"));
        let tokens = m.tokens();
        assert_eq!(tokens.len(), 1);
        assert_eq!(tokens[0].0, "Authorization");
        assert!(tokens[0].1.header.contains("\"alg\":\"HS256\""));
        assert!(tokens[0].1.payload.contains("\"iss\":\"joe\""));
        assert!(tokens[0].1.signature_hex.starts_with("7418df"));
        assert_eq!(Jws::decode("not.a.token"), None);
        assert_eq!(Jws::decode("a.b"), None);
    }

    #[test]
    fn the_parameters_that_matter_are_marked_where_they_are_in_the_text() {
        let mut m = Message::response("HTTP/1.1 302 Found")
            .header(
                "Location",
                "https://app.example/cb?code=Sp1x&state=xyz#frag",
            )
            .header("Cache-Control", "no-store");
        m.focus = &["state", "cache-control"];
        let (text, marks) = m.to_http_marked();
        let shown: Vec<&str> = marks.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(shown, ["state=xyz", "no-store"]);

        let mut m = Message::request("POST /token?x=1")
            .form_field("code", "abc")
            .form_field("code_verifier", "v 1");
        m.focus = &["code_verifier"];
        let (text, marks) = m.to_http_marked();
        let shown: Vec<&str> = marks.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(
            shown,
            ["code_verifier=v+1"],
            "not the `code` a prefix matches"
        );

        let mut m = Message::response("200 OK")
            .field("scope", "a b")
            .field("n", "1");
        m.focus = &["scope"];
        let (text, marks) = m.to_http_marked();
        assert_eq!(&text[marks[0].clone()], "\"scope\": \"a b\"");
        assert_eq!(text, m.to_http());
        m.focus = &[];
        assert!(m.to_http_marked().1.is_empty());
    }

    #[test]
    fn one_way_messages_have_their_own_class() {
        let m = Message::one_way("PUBLISH OrderCreated").text("order 7");
        assert_eq!(m.class, MsgClass::OneWay);
        assert_eq!(m.to_http(), "PUBLISH OrderCreated\n\norder 7");
        assert!(MsgClass::OneWay.starts_work() && !MsgClass::Response.starts_work());
    }
}
