//! Faultline's headless runner: the same runs as the pages, natively.
//!
//!   faultline-cli labs                                  the labs and their presets
//!   faultline-cli run '<link>'                          any link a page makes
//!   faultline-cli run --lab payments --preset key-expired --seed 7 --set client_timeout_ms=800
//!   faultline-cli run '<link>' --json                   the run as JSON
//!
//! Bad arguments get a usage message and exit 2; a link or setting that
//! cannot be used says why and exits 2; never a panic.

mod links;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Labs => {
            print!("{}", links::labs());
            Ok(())
        }
        Command::Run(args) => links::run(&args).map(|text| print!("{text}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("faultline-cli: {why}");
            ExitCode::from(2)
        }
    }
}
