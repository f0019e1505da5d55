//! Print a run as text, every message in its wire form (tokens decoded
//! beside it, the JWKS in the /jwks body): a preset of any lab, or any
//! link the page makes (full or short).
//!
//!   cargo run -p faultline-sim --example show -- happy-path            # a preset of the first lab
//!   cargo run -p faultline-sim --example show -- payments/key-expired  # lab/preset
//!   cargo run -p faultline-sim --example show -- oauth                 # a lab's default preset
//!   cargo run -p faultline-sim --example show -- 'lab=payments&preset=key-expired'
//!   cargo run -p faultline-sim --example show -- 'v1.eyJ2Ijo…'         # a full permalink
//!   cargo run -p faultline-sim --example show -- --every               # every preset of every lab
use faultline_sim::scenario::Scenario;

fn main() {
    let arg = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "happy-path".into());
    let arg = arg.trim_start_matches('#');
    if arg == "--every" {
        for info in faultline_sim::labs() {
            for p in &info.presets {
                println!("######## {}/{}: {}", info.id, p.id, p.title);
                show(&(p.scenario)());
            }
        }
        return;
    }
    show(&scenario(arg));
}

/// The scenario an argument names, or exit 2 with why not.
fn scenario(arg: &str) -> Scenario {
    if arg.starts_with("v1.") || arg.starts_with("lab=") {
        return match faultline_sim::permalink::open(arg) {
            Ok(o) => {
                if let Some(n) = o.notice {
                    eprintln!("note: {n}");
                }
                o.scenario
            }
            Err(e) => {
                eprintln!("that link cannot be opened: {e}");
                std::process::exit(2);
            }
        };
    }
    let labs = faultline_sim::labs();
    let (lab, preset) = match arg.split_once('/') {
        Some((lab, preset)) => (lab.to_string(), preset.to_string()),
        None => match labs.iter().find(|l| l.id == arg) {
            Some(l) => (l.id.to_string(), l.default_preset.to_string()),
            None => (labs[0].id.to_string(), arg.to_string()),
        },
    };
    faultline_sim::preset(&lab, &preset).unwrap_or_else(|| {
        let ids: Vec<&str> = labs.iter().map(|l| l.id).collect();
        eprintln!(
            "no preset \"{preset}\" in lab \"{lab}\" (labs: {})",
            ids.join(", ")
        );
        std::process::exit(2);
    })
}

fn show(scenario: &Scenario) {
    let run = faultline_sim::simulate(scenario).expect("valid scenario");
    print!("{}", faultline_sim::log::run_log(&run));
}
