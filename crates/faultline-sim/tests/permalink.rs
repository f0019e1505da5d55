//! Permalinks round-trip, and every malformed link is refused with a
//! readable message instead of a panic.

use faultline_sim::permalink::{decode, encode, PermalinkError};
use faultline_sim::{preset, simulate};

#[test]
fn round_trip_reproduces_the_same_run_and_step() {
    let s = preset("payments", "lost-response-no-key").unwrap();
    let hash = encode(&s, 9);
    let (back, step) = decode(&format!("#{hash}")).unwrap();
    assert_eq!(back, s);
    assert_eq!(step, 9);
    assert_eq!(
        simulate(&back).unwrap().to_json(),
        simulate(&s).unwrap().to_json()
    );
}

#[test]
fn malformed_links_get_clear_messages() {
    let good = encode(&preset("payments", "happy-path").unwrap(), 3);
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "no run"),
        ("hello".into(), "does not look like"),
        ("v9.abc.1".into(), "different version"),
        ("v1.".into(), "cut short"),
        (good[..good.len() / 2].to_string(), "cut short"),
        ("v1.!!!.1".into(), "not valid base64url"),
        (good.replace(".3", ".x"), "not a number"),
        ("v1.e30.0".into(), "cannot be read"),
    ];
    for (hash, expect) in cases {
        let err = decode(&hash).expect_err(&hash);
        assert!(err.to_string().contains(expect), "{hash:?}: {err}");
    }
}

#[test]
fn tampered_content_is_refused() {
    use base64::Engine as _;
    let enc = |json: &str| {
        format!(
            "v1.{}.0",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
        )
    };
    let unknown_lab = enc(r#"{"v":1,"lab":"bank","seed":1}"#);
    assert!(matches!(
        decode(&unknown_lab),
        Err(PermalinkError::Invalid(_))
    ));
    let out_of_range = enc(r#"{"v":1,"lab":"payments","seed":1,"config":{"clients":999}}"#);
    assert!(decode(&out_of_range)
        .unwrap_err()
        .to_string()
        .contains("between 1 and 30"));
    let wrong_type = enc(r#"{"v":1,"lab":"payments","seed":1,"config":{"jitter":5}}"#);
    assert!(decode(&wrong_type)
        .unwrap_err()
        .to_string()
        .contains("true or false"));
    let bad_actor = enc(
        r#"{"v":1,"lab":"payments","seed":1,"faults":[{"crash":{"at_ms":5,"actor":"mainframe"}}]}"#,
    );
    assert!(decode(&bad_actor)
        .unwrap_err()
        .to_string()
        .contains("mainframe"));
    let long_delay = enc(
        r#"{"v":1,"lab":"payments","seed":1,"faults":[{"net":{"on":{"after_ms":0},"action":{"delay":{"ms":18446744073709551615}}}}]}"#,
    );
    assert!(decode(&long_delay)
        .unwrap_err()
        .to_string()
        .contains("the most is 60000 ms"));
    let random = enc(r#"{"v":1,"lab":"payments","seed":1,"random":{"drop_permille":5000}}"#);
    assert!(decode(&random)
        .unwrap_err()
        .to_string()
        .contains("per mille"));
    let huge = "v1.".to_string() + &"A".repeat(20_000) + ".0";
    assert!(matches!(decode(&huge), Err(PermalinkError::TooLong(_))));
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..5_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let len = (x % 80) as usize;
        let s: String = (0..len)
            .map(|i| char::from(b"v1.eyJ9AZaz-_!#%0"[((x >> (i % 60)) % 17) as usize]))
            .collect();
        let _ = decode(&s);
    }
}

/// Links made before per-lab model versions (committed in
/// e2e/fixtures/old-links.json, made at commit 7f8f929).
fn old_links() -> serde_json::Value {
    let text = include_str!("../../../e2e/fixtures/old-links.json");
    serde_json::from_str(text).unwrap()
}

#[test]
fn a_link_made_under_an_older_model_opens_with_a_notice() {
    use faultline_sim::permalink::open;
    let links = old_links();
    let old = links["key_expired_seed11_step12"].as_str().unwrap();
    let opened = open(old).expect("an old link still opens");
    assert_eq!(opened.step, 12);
    assert_eq!(opened.scenario.seed, 11);
    assert_eq!(
        opened.scenario.model,
        faultline_sim::registry::model_version("payments")
    );
    let notice = opened.notice.expect("a notice that the run may differ");
    assert!(
        notice.contains("version 1") && notice.contains("may differ"),
        "{notice}"
    );
    assert_eq!(opened.preset, None, "seed 11 is not the preset's seed");
    // The same preset at its own seed is recognised as that preset.
    let same = open(links["lost_response_no_key_step12"].as_str().unwrap()).unwrap();
    assert_eq!(same.preset.as_deref(), Some("lost-response-no-key"));
    assert!(same.notice.is_some());
}

#[test]
fn a_current_link_to_an_unchanged_preset_names_the_preset() {
    use faultline_sim::permalink::open;
    let s = preset("payments", "key-expired").unwrap();
    let opened = open(&encode(&s, 4)).unwrap();
    assert_eq!(opened.preset.as_deref(), Some("key-expired"));
    assert_eq!(opened.notice, None);
    let mut changed = s.clone();
    changed.seed += 1;
    assert_eq!(open(&encode(&changed, 4)).unwrap().preset, None);
}

#[test]
fn short_links_open_a_preset_at_a_step() {
    use faultline_sim::permalink::{encode_short, open};
    let opened = open("#lab=payments&preset=key-expired&step=7").unwrap();
    assert_eq!(opened.scenario, preset("payments", "key-expired").unwrap());
    assert_eq!(
        (opened.step, opened.preset.as_deref()),
        (7, Some("key-expired"))
    );
    assert_eq!(
        open("lab=payments").unwrap().preset.as_deref(),
        Some("lost-response-no-key")
    );
    assert_eq!(
        encode_short("payments", "happy-path", Some(3)),
        "lab=payments&preset=happy-path&step=3"
    );
    for (bad, expect) in [
        ("lab=bank&preset=x", "no lab called \"bank\""),
        ("lab=payments&preset=nope", "no scenario called \"nope\""),
        ("lab=payments&step=two", "not a number"),
        ("lab=payments&color=red", "not part of a short link"),
    ] {
        let err = open(bad).expect_err(bad).to_string();
        assert!(err.contains(expect), "{bad}: {err}");
    }
}

#[test]
fn a_link_with_invalid_bounds_is_refused_with_its_message() {
    use base64::Engine as _;
    let json = r#"{"v":1,"lab":"payments","seed":1,"bounds":{"max_events":0,"max_time_ms":5}}"#;
    let link = format!(
        "v1.{}.0",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    );
    let err = decode(&link).unwrap_err().to_string();
    assert!(err.contains("run limits"), "{err}");
}

#[test]
fn a_link_can_open_in_the_projector_view_and_round_trips_it() {
    use faultline_sim::permalink::{decode_in, encode_in, open, View};
    let s = preset("payments", "key-expired").unwrap();
    let hash = encode_in(&s, 5, View::Projector);
    assert!(hash.ends_with(".5.projector"), "{hash}");
    assert_eq!(decode_in(&hash).unwrap(), (s.clone(), 5, View::Projector));
    let opened = open(&format!("#{hash}")).unwrap();
    assert_eq!(
        (opened.view, opened.step, opened.preset.as_deref()),
        (View::Projector, 5, Some("key-expired"))
    );
    // The normal view adds nothing: the link is the one made before views.
    assert_eq!(encode_in(&s, 5, View::Normal), encode(&s, 5));
    assert_eq!(open(&encode(&s, 5)).unwrap().view, View::Normal);
    // Short links name it too, in any order.
    let short = open("lab=payments&preset=key-expired&view=projector").unwrap();
    assert_eq!(
        (short.view, short.step, short.preset.as_deref()),
        (View::Projector, 0, Some("key-expired"))
    );
    let at = open("lab=payments&view=projector&step=4").unwrap();
    assert_eq!((at.view, at.step), (View::Projector, 4));
    assert_eq!(open("lab=payments&step=4").unwrap().view, View::Normal);
}

#[test]
fn links_made_before_views_open_in_the_normal_view() {
    use faultline_sim::permalink::{open, View};
    let links = old_links();
    for key in ["key_expired_seed11_step12", "lost_response_no_key_step12"] {
        let opened = open(links[key].as_str().unwrap()).expect(key);
        assert_eq!(opened.view, View::Normal, "{key}");
    }
}

#[test]
fn a_link_naming_an_unknown_view_is_refused_with_its_name() {
    use faultline_sim::permalink::{open, PermalinkError};
    let good = encode(&preset("payments", "happy-path").unwrap(), 3);
    for bad in [
        format!("{good}.beamer"),
        format!("{good}."),
        format!("{good}.Projector"),
        "lab=payments&view=beamer".to_string(),
        "lab=payments&view=".to_string(),
    ] {
        let err = open(&bad).expect_err(&bad);
        assert!(matches!(err, PermalinkError::BadView(_)), "{bad}: {err:?}");
        assert!(err.to_string().contains("\"projector\""), "{bad}: {err}");
    }
    // A fifth segment is still damage, not a view.
    let five = format!("{good}.projector.x");
    assert!(matches!(open(&five), Err(PermalinkError::BadEncoding)));
}

/// Each upper limit of link validation, just at it (opens) and just past
/// it (refused with a message), through a link as the page receives it.
#[test]
fn every_limit_holds_exactly_at_its_edge() {
    use faultline_sim::fault::{Fault, MsgMatch, NetAction};
    type Edit = fn(&mut faultline_sim::Scenario, bool);
    let edits: [(&str, Edit); 7] = [
        ("max_events", |s, past| {
            s.bounds.max_events = 100_000 + u32::from(past)
        }),
        ("max_time_ms", |s, past| {
            s.bounds.max_time_ms = 3_600_000 + u64::from(past)
        }),
        ("latency", |s, past| {
            s.latency.max_ms = 60_000 + u64::from(past)
        }),
        ("drop chance", |s, past| {
            s.random.drop_permille = 1_000 + u16::from(past)
        }),
        ("random delay", |s, past| {
            s.random.delay_ms = 60_000 + u64::from(past)
        }),
        ("faults", |s, past| {
            let f = Fault::Net {
                on: MsgMatch::next(0, None),
                action: NetAction::Drop,
            };
            s.faults = vec![f; 64 + usize::from(past)];
        }),
        ("delay fault", |s, past| {
            s.faults = vec![Fault::Net {
                on: MsgMatch::next(0, None),
                action: NetAction::Delay {
                    ms: 60_000 + u64::from(past),
                },
            }];
        }),
    ];
    for (what, edit) in edits {
        for past in [false, true] {
            let mut s = preset("payments", "happy-path").unwrap();
            edit(&mut s, past);
            let opened = decode(&format!("#{}", encode(&s, 0)));
            match (past, opened) {
                (false, Ok(_)) => {}
                (true, Err(e)) => assert!(!e.to_string().is_empty(), "{what}: a refusal says why"),
                (false, Err(e)) => panic!("{what} at its limit is refused: {e}"),
                (true, Ok(_)) => panic!("{what} past its limit opens"),
            }
        }
    }
}

/// The notice says whether the link's model is older or newer than the
/// page's (a link from a newer page, opened on an older copy of the site).
#[test]
fn the_notice_says_whether_the_link_is_older_or_newer() {
    use faultline_sim::permalink::open;
    let current = faultline_sim::registry::model_version("payments");
    let notice = |model: u32| {
        let mut s = preset("payments", "happy-path").unwrap();
        s.model = model;
        open(&encode(&s, 0)).unwrap().notice
    };
    assert!(notice(current - 1).unwrap().contains("an earlier version"));
    assert!(notice(current + 1).unwrap().contains("a newer version"));
    assert_eq!(notice(current), None);
}

/// A comparison link is refused above twice a run link's limit, with the
/// whole link's length in the message. (Just at that limit one of its two
/// runs is already longer than a run link may be, so `>` and `>=` there
/// refuse the same links.)
#[test]
fn a_comparison_link_has_a_length_limit() {
    use faultline_sim::permalink::{open, MAX_LEN};
    let a = preset("payments", "happy-path").unwrap();
    let link = faultline_sim::permalink::encode_compare(
        &a,
        &a,
        0,
        false,
        faultline_sim::permalink::View::Normal,
    );
    assert!(open(&link).is_ok(), "a real comparison link opens: {link}");
    // Two long runs: each side within a run link's limit, the whole longer
    // than one run link may be, still opens.
    let mut long = a.clone();
    long.faults = (0..64)
        .map(|i| faultline_sim::fault::Fault::Net {
            on: faultline_sim::fault::MsgMatch::next(i, None)
                .from("payment-api")
                .to("card-processor")
                .nth(1 + i as u32),
            action: faultline_sim::fault::NetAction::Delay { ms: 1_000 + i },
        })
        .collect();
    let both = faultline_sim::permalink::encode_compare(
        &long,
        &long,
        0,
        false,
        faultline_sim::permalink::View::Normal,
    );
    assert!(
        both.len() > MAX_LEN + 2 && both.len() < 2 * MAX_LEN,
        "{} characters",
        both.len()
    );
    assert!(open(&both).is_ok(), "a long comparison link opens");
    let pad = |n: usize| format!("vs1.{}.{}.0", "A".repeat(n), "A".repeat(10));
    let past = pad(2 * MAX_LEN + 3 - "vs1..AAAAAAAAAA.0".len());
    match open(&past) {
        Err(PermalinkError::TooLong(n)) => assert_eq!(n, past.len()),
        other => panic!("a too-long comparison link: {other:?}"),
    }
}

/// A short link may be 512 characters, a full one `MAX_LEN`: each opens at
/// its limit and is refused one character past it. (Leading zeros in the
/// step pad a link without changing what it opens.)
#[test]
fn short_and_full_links_open_at_their_length_limits() {
    use faultline_sim::permalink::{open, MAX_LEN};
    let short = |len: usize| {
        let head = "lab=payments&preset=happy-path&step=";
        format!("{head}{}5", "0".repeat(len - head.len() - 1))
    };
    let at = open(&short(512)).expect("a 512-character short link opens");
    assert_eq!(at.step, 5);
    assert!(matches!(
        open(&short(513)),
        Err(PermalinkError::TooLong(513))
    ));

    let link = encode(&preset("payments", "happy-path").unwrap(), 7);
    let (run, _) = link.rsplit_once('.').unwrap();
    let full = |len: usize| format!("{run}.{}7", "0".repeat(len - run.len() - 2));
    let at = open(&full(MAX_LEN)).expect("a full link of MAX_LEN characters opens");
    assert_eq!(at.step, 7);
    assert!(matches!(
        open(&full(MAX_LEN + 1)),
        Err(PermalinkError::TooLong(_))
    ));
}

/// `show=a` and `show=b` pick the run on screen; anything else is refused.
#[test]
fn a_short_comparison_link_shows_a_or_b() {
    use faultline_sim::permalink::open;
    let shown = |v: &str| {
        open(&format!("lab=payments&compare=key-or-no-key&show={v}"))
            .map(|o| o.vs.expect("a comparison").shown)
    };
    assert!(!shown("a").unwrap());
    assert!(shown("b").unwrap());
    assert!(shown("c").is_err());
}

/// The lab a link names first, in every form: what a lab page reads to
/// send a link on to the page that has its lab (and what the landing
/// page's script reads too).
#[test]
fn the_lab_a_link_names_first_is_read_from_every_form() {
    use faultline_sim::permalink::{encode_compare, lab_of, View};
    let pay = preset("payments", "key-expired").unwrap();
    let oauth = preset("oauth", "happy-path").unwrap();
    assert_eq!(lab_of(&encode(&pay, 3)).as_deref(), Some("payments"));
    assert_eq!(
        lab_of(&format!("#{}", encode(&oauth, 0))).as_deref(),
        Some("oauth")
    );
    assert_eq!(
        lab_of("lab=sagas&preset=choreography&step=2").as_deref(),
        Some("sagas")
    );
    assert_eq!(
        lab_of("preset=x&lab=nope").as_deref(),
        None,
        "a short link starts with lab="
    );
    assert_eq!(lab_of("lab=nope&preset=x").as_deref(), Some("nope"));
    let both = encode_compare(&oauth, &pay, 0, false, View::Normal);
    assert_eq!(
        lab_of(&both).as_deref(),
        Some("oauth"),
        "a comparison: its first run's lab"
    );
    for bad in ["", "main", "v1.garbage.3", "vs1.", "v1..0"] {
        assert_eq!(lab_of(bad), None, "{bad}");
    }
}

/// A comparison of two labs is refused as that, even where one of its
/// labs is not on the page: it is never sent from page to page.
#[test]
fn a_comparison_of_two_labs_is_refused_before_either_run_is_checked() {
    use faultline_sim::permalink::{encode_compare, open, View};
    let oauth = preset("oauth", "happy-path").unwrap();
    let mut elsewhere = preset("payments", "happy-path").unwrap();
    elsewhere.lab = "a-lab-this-build-lacks".into();
    let link = encode_compare(&oauth, &elsewhere, 0, false, View::Normal);
    assert!(matches!(open(&link), Err(PermalinkError::CompareLabs(..))));
}

/// A crash on send restarts its actor between 1 ms and the longest window
/// after the crash; a link asking for 0 or more is refused, saying why.
#[test]
fn a_restart_after_a_crash_on_send_is_held_to_its_limits() {
    use faultline_sim::fault::{Fault, MsgMatch};
    use faultline_sim::scenario::{ScenarioError, MAX_WINDOW_MS};
    let with = |ms: u64| {
        preset("sagas", "happy-path")
            .unwrap()
            .fault(Fault::CrashOnSend {
                on: MsgMatch::next(0, None).from("inventory"),
                actor: "inventory".into(),
                restart_after_ms: Some(ms),
            })
    };
    for ms in [1, MAX_WINDOW_MS] {
        assert_eq!(faultline_sim::registry::validate(&with(ms)), Ok(()), "{ms}");
        let (back, _) = decode(&encode(&with(ms), 0)).unwrap();
        assert_eq!(back, with(ms), "{ms} round-trips");
    }
    for ms in [0, MAX_WINDOW_MS + 1] {
        let refused = faultline_sim::registry::validate(&with(ms));
        assert!(
            matches!(
                refused,
                Err(ScenarioError::BadWindow {
                    what: "restart after a crash",
                    ..
                })
            ),
            "{ms}: {refused:?}"
        );
    }
}

/// The embedded view is named by a full link's suffix or a short link's
/// `view=embed`, and a link written in it opens in it again.
#[test]
fn a_link_names_the_embedded_view() {
    use faultline_sim::permalink::{encode_in, open, View};
    let s = preset("payments", "happy-path").unwrap();
    let full = encode_in(&s, 4, View::Embed);
    assert!(full.ends_with(".4.embed"), "{full}");
    let opened = open(&full).unwrap();
    assert_eq!((opened.view, opened.step), (View::Embed, 4));
    assert_eq!(opened.scenario, s);
    let short = open("lab=payments&preset=happy-path&step=2&view=embed").unwrap();
    assert_eq!((short.view, short.step), (View::Embed, 2));
}
