//! Faultline's headless runner: the same runs as the pages, natively.
//!
//!   faultline-cli labs                                  the labs and their presets
//!   faultline-cli run '<link>'                          any link a page makes
//!   faultline-cli run --lab payments --preset key-expired --seed 7 --set client_timeout_ms=800
//!   faultline-cli run '<link>' --json                   the run as JSON
//!   faultline-cli run '<link>&explore=search~2~focused' the search an explorer link names
//!   faultline-cli search --lab payments -k 2            the smallest breaking schedules
//!   faultline-cli montecarlo --lab payments --runs 10000 --drop 50 --sweep timeout_ms=250,1000
//!
//! Bad arguments get a usage message and exit 2; a link or setting that
//! cannot be used says why and exits 2; never a panic.

mod links;
mod montecarlo;
mod search;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "faultline-cli",
    version,
    about = "Run Faultline's labs natively: any link the pages make, or a lab with a config, seed and faults"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the labs and their presets.
    Labs,
    /// Run a link (any form a page makes) or a lab's preset, and print it.
    Run(links::RunArgs),
    /// Search every schedule of up to K faults for the smallest that
    /// breaks each property.
    Search(search::SearchArgs),
    /// Run one configuration many times over random seeds and random
    /// trouble on the wire, and count the outcomes.
    Montecarlo(montecarlo::MonteCarloArgs),
}

/// Run a link or preset: the explorer's work if the link asks for it
/// (`&explore=…`), as the page that made the link does; otherwise the run.
fn run(args: &links::RunArgs) -> Result<String, String> {
    use faultline_sim::explore_link::ExploreAsk;
    let Some(ask) = links::explore_ask(&args.target)? else {
        return links::run(args);
    };
    let (scenario, title) = links::scenario(&args.target)?;
    match ask {
        ExploreAsk::Search {
            max_faults,
            alphabet,
        } => search::from_link(&scenario, &title, max_faults, alphabet, args.json),
        ExploreAsk::MonteCarlo {
            runs,
            lose_per_mille,
        } => montecarlo::from_link(&scenario, &title, runs, lose_per_mille, None, args.json),
        ExploreAsk::Sweep {
            runs,
            lose_per_mille,
            key,
        } => montecarlo::from_link(
            &scenario,
            &title,
            runs,
            lose_per_mille,
            Some(&key),
            args.json,
        ),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Labs => {
            print!("{}", links::labs());
            Ok(())
        }
        Command::Run(args) => run(&args).map(|text| print!("{text}")),
        Command::Search(args) => search::run(&args).map(|text| print!("{text}")),
        Command::Montecarlo(args) => montecarlo::run(&args).map(|text| print!("{text}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("faultline-cli: {why}");
            ExitCode::from(2)
        }
    }
}
