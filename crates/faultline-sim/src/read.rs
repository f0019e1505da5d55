//! Reading a scenario (and its faults) back from JSON, by hand.
//!
//! The JSON is first read as a `serde_json::Value` (the OAuth lab reads
//! token claims and headers that way, so that code ships anyway), then
//! turned into a [`Scenario`] by the small functions below. Serde's derived
//! `Deserialize` for the scenario, its nine fault kinds and their parts
//! cost about 28 KB of WebAssembly (12 KB gzipped): one struct visitor per
//! type, each inlined into the next.
//!
//! It reads exactly the JSON the derived `Serialize` writes, so every link
//! and run file opens as before (tests/permalink.rs, golden digests), with
//! the same rules: fields missing where serde has a default take it,
//! unknown fields are ignored, a present field must have the right type
//! (`null` only stands for an absent optional field), numbers must fit
//! their type, a fault is `{"kind": {...}}` and a unit choice is `"name"`
//! (or `{"name": null}`). Errors read like serde's ("missing field
//! `seed`", "invalid type: ..."). Serde's sequence form of a struct
//! (`{"crash": [5, "api"]}`), which no Faultline version ever wrote, is
//! refused.
//!
//! The app reads a run file's head with the public helpers below
//! ([`string`], [`u32_of`], [`invalid`]) and its scenario with
//! [`scenario`], from the same one `Value` reader.

use crate::config::{Bounds, Config, ConfigValue, Latency, MAX_CHOICE_LEN};
use crate::fault::{Fault, LinkRule, MsgMatch, NetAction, RandomFaults};
use crate::message::MsgClass;
use crate::scenario::Scenario;
use serde::Deserialize;
use serde_json::{Map, Value};

// The types this module reads implement `Deserialize` here, through the
// functions below: serde's derived readers (its `untagged` one buffers its
// input) cost several KB of WebAssembly, and the types stay below this
// module (they do not call back up into it).
impl<'de> Deserialize<'de> for ConfigValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        via_value(d, config_value)
    }
}

impl<'de> Deserialize<'de> for Config {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        via_value(d, config)
    }
}

impl<'de> Deserialize<'de> for Fault {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        via_value(d, fault)
    }
}

impl<'de> Deserialize<'de> for Scenario {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        via_value(d, scenario)
    }
}

pub(crate) type Obj = Map<String, Value>;
pub(crate) type R<T> = Result<T, String>;

/// A JSON value's kind, as serde words it in "invalid type" errors.
fn kind(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
        Value::Number(n) => format!("integer `{n}`"),
        // Quoted by hand: `{:?}` would ship the Debug escaping code.
        Value::String(s) => format!("string \"{s}\""),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

/// serde's "invalid type: ..., expected ..." for `v`.
pub fn invalid(v: &Value, expected: &str) -> String {
    format!("invalid type: {}, expected {expected}", kind(v))
}

pub(crate) fn object<'a>(v: &'a Value, expected: &str) -> R<&'a Obj> {
    v.as_object().ok_or_else(|| invalid(v, expected))
}

/// A field that must be present.
pub(crate) fn need<'a>(o: &'a Obj, key: &str) -> R<&'a Value> {
    o.get(key).ok_or_else(|| format!("missing field `{key}`"))
}

/// A present field, or None when it is absent (for fields with a default).
fn opt<'a>(o: &'a Obj, key: &str) -> Option<&'a Value> {
    o.get(key)
}

/// A present, non-null field (for `Option` fields: absent or `null` is None).
pub(crate) fn some<'a>(o: &'a Obj, key: &str) -> Option<&'a Value> {
    o.get(key).filter(|v| !v.is_null())
}

fn uint(v: &Value, max: u64, expected: &str) -> R<u64> {
    match v.as_u64() {
        Some(n) if n <= max => Ok(n),
        Some(n) => Err(format!("invalid value: integer `{n}`, expected {expected}")),
        None => match v.as_i64() {
            Some(n) => Err(format!("invalid value: integer `{n}`, expected {expected}")),
            None => Err(invalid(v, expected)),
        },
    }
}

fn u64_of(v: &Value) -> R<u64> {
    uint(v, u64::MAX, "u64")
}

/// A `u32`, or serde's words for why `v` is not one.
pub fn u32_of(v: &Value) -> R<u32> {
    uint(v, u32::MAX.into(), "u32").map(|n| n as u32)
}

fn u16_of(v: &Value) -> R<u16> {
    uint(v, u16::MAX.into(), "u16").map(|n| n as u16)
}

/// A string, or serde's words for why `v` is not one.
pub fn string(v: &Value) -> R<String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| invalid(v, "a string"))
}

pub(crate) fn strings(v: &Value) -> R<Vec<String>> {
    v.as_array()
        .ok_or_else(|| invalid(v, "a sequence"))?
        .iter()
        .map(string)
        .collect()
}

/// Optional field with a default: absent takes `default`, present must parse.
fn or<T>(o: &Obj, key: &str, default: T, f: fn(&Value) -> R<T>) -> R<T> {
    opt(o, key).map_or(Ok(default), f)
}

/// A unit choice: `"name"` or `{"name": null}`, as serde reads unit variants.
fn unit_name<'a>(v: &'a Value, what: &str) -> R<&'a str> {
    match v {
        Value::String(s) => Ok(s),
        Value::Object(o) if o.len() == 1 => match o.iter().next() {
            Some((k, inner)) if inner.is_null() => Ok(k),
            Some((_, inner)) => Err(invalid(inner, "unit variant")),
            None => Err(invalid(v, what)),
        },
        _ => Err(invalid(v, what)),
    }
}

pub(crate) fn unknown_variant(name: &str, expected: &str) -> String {
    format!("unknown variant `{name}`, expected {expected}")
}

fn msg_class(v: &Value) -> R<MsgClass> {
    match unit_name(v, "enum MsgClass")? {
        "request" => Ok(MsgClass::Request),
        "response" => Ok(MsgClass::Response),
        "one_way" => Ok(MsgClass::OneWay),
        other => Err(unknown_variant(
            other,
            "one of `request`, `response`, `one_way`",
        )),
    }
}

pub(crate) fn config_value(v: &Value) -> R<ConfigValue> {
    const EXPECTED: &str = "true, false, a whole number or an option's name";
    match v {
        Value::Bool(b) => Ok(ConfigValue::Bool(*b)),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Ok(ConfigValue::Int(i)),
            (None, Some(_)) => Err("number too large".into()),
            _ => Err(invalid(v, EXPECTED)),
        },
        Value::String(s) if s.len() > MAX_CHOICE_LEN => Err("option name too long".into()),
        Value::String(s) => Ok(ConfigValue::Choice(s.clone())),
        _ => Err(invalid(v, EXPECTED)),
    }
}

pub(crate) fn config(v: &Value) -> R<Config> {
    // One insert at a time: collecting into a map would sort (4 KB of code).
    let mut config = Config::new();
    for (k, v) in object(v, "a map")? {
        config.insert(k.clone(), config_value(v)?);
    }
    Ok(config)
}

fn latency(v: &Value) -> R<Latency> {
    let o = object(v, "struct Latency")?;
    Ok(Latency {
        min_ms: u64_of(need(o, "min_ms")?)?,
        max_ms: u64_of(need(o, "max_ms")?)?,
    })
}

fn bounds(v: &Value) -> R<Bounds> {
    let o = object(v, "struct Bounds")?;
    Ok(Bounds {
        max_events: u32_of(need(o, "max_events")?)?,
        max_time_ms: u64_of(need(o, "max_time_ms")?)?,
    })
}

fn random(v: &Value) -> R<RandomFaults> {
    let o = object(v, "struct RandomFaults")?;
    Ok(RandomFaults {
        drop_permille: or(o, "drop_permille", 0, u16_of)?,
        duplicate_permille: or(o, "duplicate_permille", 0, u16_of)?,
        delay_permille: or(o, "delay_permille", 0, u16_of)?,
        delay_ms: or(o, "delay_ms", 0, u64_of)?,
    })
}

fn msg_match(v: &Value) -> R<MsgMatch> {
    let o = object(v, "struct MsgMatch")?;
    Ok(MsgMatch {
        after_ms: or(o, "after_ms", 0, u64_of)?,
        from: some(o, "from").map(string).transpose()?,
        to: some(o, "to").map(string).transpose()?,
        class: some(o, "class").map(msg_class).transpose()?,
        nth: or(o, "nth", 1, u32_of)?,
    })
}

fn net_action(v: &Value) -> R<NetAction> {
    if let Some(o) = v.as_object() {
        if o.len() == 1 {
            if let Some(d) = o.get("delay") {
                let d = object(d, "struct variant NetAction::Delay")?;
                return Ok(NetAction::Delay {
                    ms: u64_of(need(d, "ms")?)?,
                });
            }
        }
    }
    match unit_name(v, "enum NetAction")? {
        "drop" => Ok(NetAction::Drop),
        "duplicate" => Ok(NetAction::Duplicate),
        "delay" => Err(invalid(v, "struct variant NetAction::Delay")),
        other => Err(unknown_variant(
            other,
            "one of `drop`, `duplicate`, `delay`",
        )),
    }
}

fn link_rule(v: &Value) -> R<LinkRule> {
    let o = object(v, "struct LinkRule")?;
    Ok(LinkRule {
        from: string(need(o, "from")?)?,
        to: string(need(o, "to")?)?,
        from_ms: u64_of(need(o, "from_ms")?)?,
        until_ms: u64_of(need(o, "until_ms")?)?,
        latency: some(o, "latency").map(latency).transpose()?,
        drop_permille: or(o, "drop_permille", 0, u16_of)?,
        duplicate_permille: or(o, "duplicate_permille", 0, u16_of)?,
    })
}

/// A fault: `{"crash": {"at_ms": 5, "actor": "api"}}` and so on.
pub(crate) fn fault(v: &Value) -> R<Fault> {
    const KINDS: &str =
        "one of `net`, `crash`, `crash_on_send`, `restart`, `lab`, `partition`, `link`, `at_step`";
    let outer = object(v, "enum Fault")?;
    let (name, inner) = match outer.iter().next() {
        Some(entry) if outer.len() == 1 => entry,
        _ => return Err(invalid(v, "enum Fault (a map with one entry)")),
    };
    if name == "link" {
        return Ok(Fault::Link(link_rule(inner)?));
    }
    let o = object(inner, "struct variant")?;
    let at_ms = || u64_of(need(o, "at_ms")?);
    let actor = || string(need(o, "actor")?);
    Ok(match name.as_str() {
        "net" => Fault::Net {
            on: msg_match(need(o, "on")?)?,
            action: net_action(need(o, "action")?)?,
        },
        "crash" => Fault::Crash {
            at_ms: at_ms()?,
            actor: actor()?,
        },
        "crash_on_send" => Fault::CrashOnSend {
            on: msg_match(need(o, "on")?)?,
            actor: actor()?,
            restart_after_ms: some(o, "restart_after_ms").map(u64_of).transpose()?,
        },
        "restart" => Fault::Restart {
            at_ms: at_ms()?,
            actor: actor()?,
        },
        "lab" => Fault::Lab {
            at_ms: at_ms()?,
            actor: actor()?,
            name: string(need(o, "name")?)?,
            args: or(o, "args", Config::new(), config)?,
        },
        "partition" => Fault::Partition {
            from_ms: u64_of(need(o, "from_ms")?)?,
            until_ms: u64_of(need(o, "until_ms")?)?,
            side_a: strings(need(o, "side_a")?)?,
            side_b: strings(need(o, "side_b")?)?,
        },
        "at_step" => Fault::AtStep {
            step: u32_of(need(o, "step")?)?,
            then: Box::new(fault(need(o, "then")?)?),
        },
        other => return Err(unknown_variant(other, KINDS)),
    })
}

fn faults(v: &Value) -> R<Vec<Fault>> {
    v.as_array()
        .ok_or_else(|| invalid(v, "a sequence"))?
        .iter()
        .map(fault)
        .collect()
}

/// A scenario, as a permalink or a run file holds it.
pub fn scenario(v: &Value) -> R<Scenario> {
    let o = object(v, "struct Scenario")?;
    Ok(Scenario {
        v: u32_of(need(o, "v")?)?,
        lab: string(need(o, "lab")?)?,
        model: or(o, "model", 1, u32_of)?,
        config: or(o, "config", Config::new(), config)?,
        seed: u64_of(need(o, "seed")?)?,
        faults: or(o, "faults", Vec::new(), faults)?,
        random: or(o, "random", RandomFaults::default(), random)?,
        latency: or(o, "latency", Latency::default(), latency)?,
        bounds: or(o, "bounds", Bounds::default(), bounds)?,
    })
}

/// A JSON object's text as its map; None if it is not JSON or not an
/// object. Through a `Value`, the one JSON reader in the wasm: reading a
/// `Map` directly compiles serde_json's reader once more (the build is
/// 1.4 KB gzipped smaller once nothing reads a `Map` directly).
pub fn json_object(text: &str) -> Option<Obj> {
    match serde_json::from_str(text) {
        Ok(Value::Object(o)) => Some(o),
        _ => None,
    }
}

/// `Deserialize` through a `Value` and one of the readers above.
pub(crate) fn via_value<'de, D, T>(d: D, read: fn(&Value) -> R<T>) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let v = <Value as serde::Deserialize>::deserialize(d)?;
    read(&v).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use crate::fault::{Fault, LinkRule, MsgMatch, NetAction, RandomFaults};
    use crate::message::MsgClass;
    use crate::scenario::{Bounds, ConfigValue, Latency, Scenario};

    fn back(s: &Scenario) -> Scenario {
        serde_json::from_str(&serde_json::to_string(s).unwrap()).unwrap()
    }

    #[test]
    fn every_preset_reads_back_as_written() {
        for lab in crate::labs() {
            for p in lab.presets {
                let s = (p.scenario)();
                assert_eq!(back(&s), s, "{} {}", lab.id, p.id);
            }
        }
    }

    #[test]
    fn every_fault_kind_and_field_reads_back() {
        let on = MsgMatch::next(5, Some(MsgClass::OneWay))
            .from("a")
            .to("b")
            .nth(3);
        let mut s = crate::registry::new_scenario("payments", u64::MAX)
            .with("retries", ConfigValue::Int(-4))
            .with("atomic", ConfigValue::Bool(true))
            .with("mode", ConfigValue::Choice("opaque".into()));
        s.random = RandomFaults {
            drop_permille: 1,
            duplicate_permille: 2,
            delay_permille: 3,
            delay_ms: 4,
        };
        s.latency = Latency {
            min_ms: 0,
            max_ms: 7,
        };
        s.bounds = Bounds {
            max_events: 9,
            max_time_ms: 10,
        };
        s.model = 7;
        let mut lab = Fault::lab(3, "api", "change-amount");
        if let Fault::Lab { args, .. } = &mut lab {
            args.insert("amount".into(), ConfigValue::Int(5000));
        }
        for f in [
            Fault::Net {
                on: on.clone(),
                action: NetAction::Drop,
            },
            Fault::Net {
                on: MsgMatch::next(0, None),
                action: NetAction::Duplicate,
            },
            Fault::Net {
                on: MsgMatch::next(1, Some(MsgClass::Request)),
                action: NetAction::Delay { ms: 60_000 },
            },
            Fault::Crash {
                at_ms: 1,
                actor: "api".into(),
            },
            Fault::CrashOnSend {
                on: MsgMatch::next(2, Some(MsgClass::Response)),
                actor: "db".into(),
                restart_after_ms: None,
            },
            Fault::CrashOnSend {
                on: MsgMatch::next(3, Some(MsgClass::Request)),
                actor: "api".into(),
                restart_after_ms: Some(800),
            },
            Fault::Restart {
                at_ms: 2,
                actor: "api".into(),
            },
            lab.clone(),
            Fault::lab(4, "db", "expire-keys"),
            Fault::Partition {
                from_ms: 1,
                until_ms: 2,
                side_a: vec!["a".into()],
                side_b: vec!["b".into(), "c".into()],
            },
            Fault::Link(LinkRule {
                from: "a".into(),
                to: "b".into(),
                from_ms: 0,
                until_ms: 9,
                latency: Some(Latency {
                    min_ms: 1,
                    max_ms: 2,
                }),
                drop_permille: 5,
                duplicate_permille: 6,
            }),
            Fault::AtStep {
                step: 12,
                then: Box::new(lab),
            },
        ] {
            s.faults.push(f);
        }
        assert_eq!(back(&s), s);
    }

    #[test]
    fn a_config_is_written_in_key_order_like_the_btreemap_it_replaces() {
        use crate::scenario::Config;
        let entries = [
            ("retries", ConfigValue::Int(3)),
            ("atomic", ConfigValue::Bool(false)),
            ("mode", ConfigValue::Choice("x".into())),
            ("atomic", ConfigValue::Bool(true)),
        ];
        let mut config = Config::new();
        let mut tree = std::collections::BTreeMap::new();
        for (k, v) in entries {
            config.insert(k.into(), v.clone());
            tree.insert(k.to_string(), v);
        }
        assert_eq!(
            serde_json::to_string(&config).unwrap(),
            serde_json::to_string(&tree).unwrap()
        );
        assert_eq!(config.len(), 3);
        assert_eq!(config.get("atomic"), Some(&ConfigValue::Bool(true)));
        assert_eq!(config.remove("mode"), Some(ConfigValue::Choice("x".into())));
        assert!(!config.contains_key("mode"));
    }

    #[test]
    fn defaults_fill_missing_fields_and_unknown_fields_are_ignored() {
        let s: Scenario = serde_json::from_str(
            r#"{"v":1,"lab":"payments","seed":3,"extra":[1,{"x":null}],
                "faults":[{"net":{"on":{"class":null},"action":{"drop":null}}}]}"#,
        )
        .unwrap();
        let mut want = crate::registry::new_scenario("payments", 3);
        want.model = 1;
        want.faults.push(Fault::Net {
            on: MsgMatch::next(0, None),
            action: NetAction::Drop,
        });
        assert_eq!(s, want);
    }

    #[test]
    fn wrong_json_is_refused_with_serde_like_messages() {
        for (json, expect) in [
            (r#"{"v":1,"lab":"payments"}"#, "missing field `seed`"),
            (
                r#"{"v":1,"lab":"payments","seed":-1}"#,
                "invalid value: integer `-1`, expected u64",
            ),
            (
                r#"{"v":1,"lab":"payments","seed":1.5}"#,
                "floating point `1.5`",
            ),
            (
                r#"{"v":4294967296,"lab":"payments","seed":1}"#,
                "expected u32",
            ),
            (
                r#"{"v":1,"lab":7,"seed":1}"#,
                "invalid type: integer `7`, expected a string",
            ),
            (
                r#"{"v":1,"lab":"p","seed":1,"model":null}"#,
                "invalid type: null",
            ),
            (
                r#"{"v":1,"lab":"p","seed":1,"config":{"k":1.5}}"#,
                "a whole number",
            ),
            (
                r#"{"v":1,"lab":"p","seed":1,"config":{"k":9223372036854775808}}"#,
                "number too large",
            ),
            (
                r#"{"v":1,"lab":"p","seed":1,"faults":[{"boom":{}}]}"#,
                "unknown variant `boom`",
            ),
            (
                r#"{"v":1,"lab":"p","seed":1,"faults":["crash"]}"#,
                "expected enum Fault",
            ),
            (
                r#"{"v":1,"lab":"p","seed":1,"faults":[{"crash":{"at_ms":1}}]}"#,
                "missing field `actor`",
            ),
            (
                r#"{"v":1,"lab":"p","seed":1,"faults":[{"net":{"on":{},"action":"lose"}}]}"#,
                "unknown variant `lose`",
            ),
            (
                r#"{"v":1,"lab":"p","seed":1,"random":{"drop_permille":70000}}"#,
                "expected u16",
            ),
            ("[1]", "invalid type: sequence, expected struct Scenario"),
        ] {
            let err = serde_json::from_str::<Scenario>(json)
                .unwrap_err()
                .to_string();
            assert!(err.contains(expect), "{json}: {err}");
        }
    }
}
