//! `redcon completions SHELL` and `redcon man`: shell completion scripts and manual pages,
//! both generated from the command-line definitions, so they can never describe options
//! the binary does not have. The package ships them as generated into assets/
//! (tests/cli_completions.rs keeps those copies current).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap_complete::Shell;

/// The completion script for `shell` on standard output.
pub fn print(shell: Shell, mut cmd: clap::Command) -> ExitCode {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "redcon", &mut script);
    write_out(&script)
}

/// redcon(1) on standard output; with `dir`, redcon(1) and a page for each subcommand
/// (redcon-status(1), ...) written there instead.
pub fn man(cmd: clap::Command, dir: Option<&Path>) -> ExitCode {
    // `help` is no page of its own: listing redcon-help(1) would name a page not there
    let cmd = cmd.disable_help_subcommand(true);
    let Some(dir) = dir else {
        let mut page = Vec::new();
        return match clap_mangen::Man::new(cmd).render(&mut page) {
            Ok(()) => write_out(&page),
            Err(e) => fail(&format!("cannot render the manual page: {e}")),
        };
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        return fail(&format!("{}: {e}", dir.display()));
    }
    match clap_mangen::generate_to(cmd, dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("{}: {e}", dir.display())),
    }
}

fn write_out(bytes: &[u8]) -> ExitCode {
    // a closed pipe (`| head`) is not an error worth a backtrace
    let _ = std::io::stdout().lock().write_all(bytes);
    ExitCode::SUCCESS
}

fn fail(message: &str) -> ExitCode {
    eprintln!("redcon: {message}");
    ExitCode::FAILURE
}
