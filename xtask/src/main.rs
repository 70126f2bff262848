//! `cargo xtask codegen [--check]`: regenerate the client from `spec/`, or verify it;
//! `cargo xtask test`: set up what the tests need, then run them; `cargo xtask bench`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::sync::{self, Change};
use xtask::{openapi_tools, test_setup};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Project commands for the WeChat invoice SDK")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate every generated file from spec/ (all or nothing).
    Codegen {
        /// Write nothing; fail with a diff when a generated file differs from spec/.
        #[arg(long)]
        check: bool,
    },
    /// Run every benchmark, print one table, and record it in BENCHMARKS.md.
    Bench {
        /// Fewer samples (criterion's --quick): a rough table in a fraction of the time.
        #[arg(long)]
        quick: bool,
        /// Run only these sections (repeat, or separate with commas) and print their rows;
        /// BENCHMARKS.md is left alone, since a part of the table is no record of a run.
        #[arg(long, value_enum, value_delimiter = ',')]
        only: Vec<xtask::bench::Section>,
    },
    /// Find or install what the tests need (redis-server; the pinned OpenAPI tools in a Python
    /// virtual environment under the target directory), then run `cargo test --workspace`.
    Test {
        /// Passed on to `cargo test --workspace` (e.g. `-p tests -- token_store`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

/// The workspace the command runs in, from the current directory (see `xtask::workspace`).
fn root() -> Result<PathBuf, ExitCode> {
    xtask::workspace::root().map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::FAILURE
    })
}

#[allow(clippy::print_stdout)]
fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Codegen { check } => codegen(check),
        Command::Bench { quick, only } => bench(quick, &only),
        Command::Test { args } => test(&args),
    }
}

#[allow(clippy::print_stdout)]
fn test(args: &[String]) -> ExitCode {
    let root = match root() {
        Ok(root) => root,
        Err(code) => return code,
    };
    let redis = match test_setup::redis_server() {
        Ok(redis) => redis,
        Err(e) => {
            eprintln!("error: the tests need redis-server: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("redis-server: {} (${}={})", redis.how, test_setup::REDIS_SERVER_VAR, redis.path.display());
    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let env = match openapi_tools::setup(&target_dir) {
        Ok(openapi_tools::Tools::Ready { venv, how }) => {
            println!("OpenAPI tools: {how} (${}={})", openapi_tools::VENV_VAR, venv.display());
            vec![(openapi_tools::VENV_VAR, venv.into_os_string())]
        }
        Ok(openapi_tools::Tools::Unreachable(why)) => {
            println!(
                "OpenAPI tools: NOT INSTALLED: {why}; their tests will say skipped (${} set)",
                openapi_tools::SKIPPED_VAR
            );
            vec![(openapi_tools::SKIPPED_VAR, why.into())]
        }
        Err(e) => {
            eprintln!("error: the tests need the OpenAPI tools: {e}");
            return ExitCode::FAILURE;
        }
    };
    match test_setup::run_tests(&root, &redis.path, &env, args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The heading of BENCHMARKS.md's hand-written part, which a new run keeps.
const HISTORY: &str = "\n## History\n";

#[allow(clippy::print_stdout)]
fn bench(quick: bool, only: &[xtask::bench::Section]) -> ExitCode {
    let root = match root() {
        Ok(root) => root,
        Err(code) => return code,
    };
    let rows = match xtask::bench::run(&root, quick, only) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let table = xtask::bench::table(&rows);
    println!("\n{table}");
    if !only.is_empty() {
        println!("not recorded in BENCHMARKS.md: --only ran a part of the table");
        return ExitCode::SUCCESS;
    }
    let machine = xtask::bench::machine();
    let record = format!(
        "# Benchmarks\n\nThe latest table of `cargo xtask bench{}`, on {machine}.\n\n{table}\n\
         Reproduce with `cargo xtask bench` (about 20 minutes on 2 cores, builds included; `--quick` \
         for a rough table; `--only generator,push` for some sections' rows, printed, not recorded). \
         Timings are criterion medians, the client's wall-clock rows medians of 1,000 rounds, and \
         the build rows medians of three touch-and-rebuilds, the application's clean builds the \
         round (of three, each building both applications) whose ratio is the median; each is \
         compared with its baseline measured in the same run. \
         Budgets are those of docs/ARCHITECTURE.md, \"Budgets\".\n\n\
         How to read the client rows: the loopback server shares the machine's two cores with the \
         client, so the wall-clock rows time the generated and the hand-written call in turns, round \
         after round (16 sequential calls, or 64 concurrent ones, a side), and a drift of the machine \
         falls on both sides alike; measured one side after the other, as criterion does, 64 \
         concurrent calls read 0.8x to 1.6x from run to run on the same code. The callgrind rows \
         count instructions, client and server together, and repeat exactly: they are the figure \
         the 2% budget is judged on.\n",
        if quick { " --quick" } else { "" }
    );
    // The hand-written history below the table (what changed between runs, and why) is kept.
    let path = root.join("BENCHMARKS.md");
    let history = std::fs::read_to_string(&path)
        .ok()
        .and_then(|old| old.find(HISTORY).map(|at| old[at..].to_owned()))
        .unwrap_or_default();
    let record = format!("{record}{history}");
    if let Err(e) = std::fs::write(&path, record) {
        eprintln!("error: BENCHMARKS.md: {e}");
        return ExitCode::FAILURE;
    }
    println!("recorded in BENCHMARKS.md");
    ExitCode::SUCCESS
}

#[allow(clippy::print_stdout)]
fn codegen(check: bool) -> ExitCode {
    let root = match root() {
        Ok(root) => root,
        Err(code) => return code,
    };
    let changes = match sync::changes(&root) {
        Ok(changes) => changes,
        Err(failure) => {
            eprintln!("{failure}");
            eprintln!("error: nothing was generated");
            return ExitCode::FAILURE;
        }
    };
    if check {
        if changes.is_empty() {
            println!("generated files match spec/");
            return ExitCode::SUCCESS;
        }
        for change in &changes {
            print!("{}", change.diff());
        }
        eprintln!("error: {} generated file(s) differ from spec/:", changes.len());
        for change in &changes {
            eprintln!("  {}", change.path());
        }
        eprintln!("fix: run `cargo xtask codegen` and commit the result");
        return ExitCode::FAILURE;
    }
    if let Err(e) = sync::apply(&root, &changes) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    for change in &changes {
        match change {
            Change::Write { old: None, .. } => println!("created  {}", change.path()),
            Change::Write { .. } => println!("updated  {}", change.path()),
            Change::Remove { .. } => println!("removed  {}", change.path()),
        }
    }
    println!("{} file(s) changed", changes.len());
    ExitCode::SUCCESS
}
