//! The shape in which the trace shows a message: HTTP-like, so a learner
//! reads a real request line, headers and a JSON body.

use serde::{Deserialize, Serialize};

/// Whether a message asks for something or answers. Fault matchers use it
/// ("lose the next response") so that palettes stay lab-neutral.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MsgClass {
    Request,
    Response,
}

/// A message as displayed: `line` is `POST /v1/charges` or `200 OK`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub class: MsgClass,
    pub line: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<(String, String)>,
}

impl Message {
    pub fn request(line: impl Into<String>) -> Self {
        Self {
            class: MsgClass::Request,
            line: line.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn response(line: impl Into<String>) -> Self {
        Self {
            class: MsgClass::Response,
            line: line.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub fn field(mut self, name: &str, value: impl Into<String>) -> Self {
        self.body.push((name.to_string(), value.into()));
        self
    }

    /// Raw HTTP-ish text: request line, headers, blank line, JSON body.
    pub fn to_http(&self) -> String {
        let mut out = self.line.clone();
        for (k, v) in &self.headers {
            out.push('\n');
            out.push_str(k);
            out.push_str(": ");
            out.push_str(v);
        }
        if !self.body.is_empty() {
            out.push_str("\n\n{");
            for (i, (k, v)) in self.body.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str("\n  ");
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push_str(": ");
                out.push_str(&json_value(v));
            }
            out.push_str("\n}");
        }
        out
    }
}

/// Numbers, booleans and null stay bare; everything else is a JSON string.
fn json_value(v: &str) -> String {
    let bare =
        v == "true" || v == "false" || v == "null" || (!v.is_empty() && v.parse::<i64>().is_ok());
    if bare {
        v.to_string()
    } else {
        serde_json::to_string(v).unwrap_or_default()
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
}
