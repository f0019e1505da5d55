//! The static pages, written by a native test from the components that
//! draw them (Yew's server renderer): the landing page (the root
//! `index.html`: no WebAssembly, each lab card a real link to its page)
//! and each lab's page (`pages/<lab>/index.html`: its static first paint
//! and the Trunk links that build it with that lab alone). A page for
//! every shipped lab, and nothing else under `pages/`.
//!
//! `FAULTLINE_BLESS=1 cargo test -p faultline static_pages` rewrites them;
//! without it the test fails when one is stale.

use super::landing::{landing, FirstLesson, Props as LandingProps};
use super::shell::{chrome, lab_shell, SHELL_ID};
use super::tests::render;
use faultline_sim::lab::LabInfo;
use std::path::{Path, PathBuf};
use yew::prelude::*;

/// The strict CSP both kinds of page start from. The hashes of the inline
/// scripts (and, on the landing page, of its inline stylesheet) are written
/// in place of the placeholders at build time: `scripts/csp_hash.py` (a
/// Trunk hook) for a lab page, `scripts/landing.py` for the landing page.
const LAB_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' 'sha256-INLINE-SCRIPT-HASHES'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'none'";

/// Register the service worker (`scripts/offline.py` writes it beside the
/// landing page) ten seconds after the page has loaded: every page of the
/// build then works offline. Not sooner: caching the build (2 MB, each
/// page's wasm) while the page starts slowed its first tasks (Lighthouse
/// TBT 186 → 410 ms on the OAuth link). `path` is its path from the page.
fn register_worker(path: &str) -> String {
    format!("addEventListener(\"load\",function(){{setTimeout(function(){{var w=navigator.serviceWorker;if(w)w.register(\"{path}\").catch(function(){{}})}},1e4)}});")
}
// connect-src 'self': the page fetches nothing, but crawlers' and audits'
// in-page fetch of /robots.txt must not be blocked (Lighthouse's SEO audit).
const LANDING_CSP: &str = "default-src 'none'; script-src 'sha256-INLINE-SCRIPT-HASHES'; style-src 'sha256-INLINE-STYLE-HASHES'; img-src 'self' data:; connect-src 'self'; manifest-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'none'";

/// The landing page's one script: a link to the old single page (a hash
/// naming a run, `#v1.…`, `#vs1.…` or `#lab=…`) goes to the page of the
/// lab it names, at the same run, step and view; a hash naming no lab that
/// exists stays here and says so; one the script cannot read goes to the
/// first lab's page, which says why the link cannot be opened.
fn forward_script(labs: &[LabInfo]) -> String {
    let ids: Vec<String> = labs.iter().map(|l| format!("\"{}\"", l.id)).collect();
    format!(
        "(function(){{var P=[{}];function go(){{var x=location.hash;if(!/^#(?!main$)./.test(x))return;\
var l=(/[#&]lab=([^&]*)/.exec(x)||[])[1];\
if(!l)try{{l=JSON.parse(atob(x.split(\".\")[1].replace(/-/g,\"+\").replace(/_/g,\"/\"))).lab}}catch(e){{}}\
if(typeof l!==\"string\"||!l){{location.replace(P[0]+\"/\"+x);return}}\
if(P.indexOf(l)>=0){{location.replace(l+\"/\"+x);return}}\
var t=l;try{{t=decodeURIComponent(l)}}catch(e){{}}\
function say(){{var n=document.getElementById(\"no-lab\");n.textContent=\"This link names a lab that does not exist here (\\u201c\"+t.slice(0,40)+\"\\u201d). Pick one of the labs below.\";n.hidden=false}}\
if(document.readyState===\"loading\")document.addEventListener(\"DOMContentLoaded\",say);else say()}}\
go();addEventListener(\"hashchange\",go)}})()",
        ids.join(",")
    )
}

/// A lab page's one script: a tap on Play before the app has started is
/// kept on `<html data-taps>`, which the app plays once it starts.
const TAP_SCRIPT: &str = "document.addEventListener(\"click\",function(e){var t=e.target,s=document.getElementById(\"shell\");if(!s||!t.closest)return;t=t.closest(\"#play\");if(t&&s.contains(t)){var d=document.documentElement;d.setAttribute(\"data-taps\",((d.getAttribute(\"data-taps\")||\"\")+\" play\").trim())}})";

#[derive(Properties, PartialEq)]
struct LabsProps {
    labs: Vec<LabInfo>,
    lessons: Vec<Option<FirstLesson>>,
}

/// Each lab's first lesson, read from its lessons file.
fn first_lessons(labs: &[LabInfo]) -> Vec<Option<FirstLesson>> {
    labs.iter()
        .map(|l| {
            let text = std::fs::read_to_string(format!("static/lessons/{}.json", l.id)).ok()?;
            let file = faultline_sim::lesson::LessonFile::parse(&text, l.id).ok()?;
            let first = file.lessons.first()?;
            Some(FirstLesson {
                id: first.id.clone(),
                title: first.title.clone(),
            })
        })
        .collect()
}

#[component]
fn LandingBody(p: &LabsProps) -> Html {
    html! {
        <>
            { chrome(Callback::noop(), None) }
            <p id="no-lab" class="banner error" role="alert" hidden=true></p>
            { landing(&LandingProps { labs: p.labs.clone(), lessons: p.lessons.clone() }) }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct LabProps {
    lab: LabInfo,
}

#[component]
fn LabShell(p: &LabProps) -> Html {
    lab_shell(&p.lab)
}

/// The labs a web build ships: labs behind cargo features that only tests
/// enable (`testlab`) are compiled into a workspace test run but never
/// into a page.
pub fn shipped_labs() -> Vec<LabInfo> {
    faultline_sim::labs()
        .into_iter()
        .filter(|l| !faultline_sim::registry::TEST_ONLY.contains(&l.id))
        .collect()
}

const GENERATED: &str = "<!-- written by `FAULTLINE_BLESS=1 cargo test -p faultline static_pages` from src/components/pages.rs; do not edit by hand -->";

/// The root `index.html`: the landing page.
pub fn landing_page(labs: &[LabInfo]) -> String {
    let body = render::<LandingBody>(LabsProps {
        labs: labs.to_vec(),
        lessons: first_lessons(labs),
    });
    format!(
        r#"<!doctype html>
{GENERATED}
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta http-equiv="Content-Security-Policy" content="{LANDING_CSP}">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="description" content="Faultline: watch distributed systems fail and recover, in the browser.">
    <meta name="color-scheme" content="light dark">
    <title>Faultline</title>
    <script>{script};{register}</script>
    <link rel="icon" href="static/favicon.svg" type="image/svg+xml">
    <link rel="manifest" href="manifest.webmanifest">
    <link rel="stylesheet" href="static/style.css">
  </head>
  <body>
    {body}
  </body>
</html>
"#,
        script = forward_script(labs),
        register = register_worker("sw.js")
    )
}

/// `pages/<lab>/index.html`: the lab's page. Its wasm is shrunk with
/// wasm-opt `-Os`: smaller than `-Oz` once gzipped (the OAuth page 141
/// bytes less, measured on 2026-12-05), and no slower.
pub fn lab_page(lab: &LabInfo) -> String {
    let shell = render::<LabShell>(LabProps { lab: lab.clone() });
    format!(
        r#"<!doctype html>
{GENERATED}
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta http-equiv="Content-Security-Policy" content="{LAB_CSP}">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="description" content="{tagline} A Faultline lab: watch distributed systems fail and recover, in the browser.">
    <meta name="color-scheme" content="light dark">
    <title>{title} · Faultline</title>
    <script>{TAP_SCRIPT};{register}</script>
    <link rel="manifest" href="../manifest.webmanifest">
    <link data-trunk rel="icon" href="../../static/favicon.svg" type="image/svg+xml">
    <link data-trunk rel="copy-file" href="../../static/favicon.ico">
    <link data-trunk rel="copy-file" href="../../static/lessons/{id}.json">
    <link data-trunk rel="css" href="../../static/style.css">
    <link data-trunk rel="rust" href="../../Cargo.toml" data-bin="faultline" data-cargo-no-default-features data-cargo-features="{id}lab" data-wasm-opt="s" data-wasm-opt-params="--converge --low-memory-unused --strip-producers --strip-debug">
  </head>
  <body>
    <div id="{SHELL_ID}">{shell}</div>
    <noscript>
      <p class="noscript">Faultline is an interactive simulation that runs in your browser as WebAssembly. Please enable JavaScript to use it.</p>
    </noscript>
  </body>
</html>
"#,
        tagline = lab.tagline.replace('"', "&quot;"),
        title = lab.title,
        id = lab.id,
        register = register_worker("../sw.js")
    )
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every static page and what it should hold now.
fn expected_pages() -> Vec<(PathBuf, String)> {
    let labs = shipped_labs();
    let mut pages = vec![(root().join("index.html"), landing_page(&labs))];
    for lab in &labs {
        pages.push((
            root().join("pages").join(lab.id).join("index.html"),
            lab_page(lab),
        ));
    }
    pages
}

#[test]
fn static_pages_are_what_the_components_render() {
    let bless = std::env::var("FAULTLINE_BLESS").as_deref() == Ok("1");
    let mut stale = Vec::new();
    for (path, expected) in expected_pages() {
        if std::fs::read_to_string(&path).ok().as_deref() == Some(expected.as_str()) {
            continue;
        }
        if bless {
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
            std::fs::write(&path, &expected).expect("write the page");
            eprintln!("static_pages: {} rewritten", path.display());
        } else {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale static pages: {stale:?}\nRun `FAULTLINE_BLESS=1 cargo test -p faultline static_pages` and commit them."
    );
}

#[test]
fn static_pages_are_one_per_shipped_lab_and_nothing_else() {
    let labs: Vec<String> = shipped_labs().iter().map(|l| l.id.to_string()).collect();
    let mut found: Vec<String> = std::fs::read_dir(root().join("pages"))
        .expect("pages/")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    found.sort();
    let mut want = labs.clone();
    want.sort();
    assert_eq!(found, want, "pages/ holds one folder per shipped lab");
    assert!(
        !labs
            .iter()
            .any(|l| faultline_sim::registry::TEST_ONLY.contains(&l.as_str())),
        "no test-only lab"
    );
}

#[test]
fn static_pages_carry_the_landing_text_and_each_lab_shell() {
    let labs = shipped_labs();
    let landing = landing_page(&labs);
    assert!(landing.contains("Break a distributed system on purpose"));
    assert!(
        !landing.contains("data-trunk"),
        "the landing page loads no wasm"
    );
    for lab in &labs {
        assert!(
            landing.contains(&format!("href=\"{}/\"", lab.id)),
            "a real link to {}'s page",
            lab.id
        );
        assert!(landing.contains(lab.title) && landing.contains(lab.tagline));
        let page = lab_page(lab);
        assert!(
            page.contains(&format!("<h1>{}</h1>", lab.title)),
            "its title"
        );
        assert!(
            page.contains(&format!("data-cargo-features=\"{}lab\"", lab.id)),
            "built with its lab alone"
        );
        let lessons = format!("static/lessons/{}.json", lab.id);
        assert!(
            std::path::Path::new(&lessons).exists() && page.contains(&lessons),
            "{}: its lessons file ships beside its page",
            lab.id
        );
        for pr in lab.presets.iter().take(super::shell::SHELL_CHIPS) {
            assert!(
                page.contains(&format!("href=\"#lab={}&amp;preset={}\"", lab.id, pr.id)),
                "{}: a link for preset {}",
                lab.id,
                pr.id
            );
        }
        for other in labs.iter().filter(|o| o.id != lab.id) {
            assert!(
                !page.contains(other.title),
                "{}'s page names no other lab",
                lab.id
            );
        }
    }
}

/// The forwarding script knows every page, and the pages' folders are
/// the labs' ids (what the script and the app's `../` rely on).
#[test]
fn the_landing_forwards_to_every_lab_page() {
    let labs = shipped_labs();
    let script = forward_script(&labs);
    for lab in &labs {
        assert!(script.contains(&format!("\"{}\"", lab.id)));
        assert!(Path::new(&root().join("pages").join(lab.id)).is_dir());
    }
}
