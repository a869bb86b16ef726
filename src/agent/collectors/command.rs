//! Running a source's command (`crm_mon`, `mstpctl`) with a time limit: a tool that
//! hangs must cost one round, not the collector thread.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::parse::ParseError;

const TIME_LIMIT: Duration = Duration::from_secs(15);

/// The message when the program does not exist, for callers to whom that is no error.
pub const NOT_INSTALLED: &str = "not installed (no such program)";

/// What a finished command said.
#[derive(Debug)]
pub struct Output {
    /// The command line, to name it in errors.
    pub source: String,
    pub stdout: String,
    pub success: bool,
    /// Why it failed, as the command put it (the first line of its standard error).
    pub why: String,
}

/// Run `argv` with `env` added to the environment. `Err` when it cannot be started, does
/// not finish in time or prints no text; `Ok` however it exits.
pub fn run(argv: &[String], env: &[(&str, &Path)]) -> Result<Output, ParseError> {
    let source = argv.join(" ");
    let fail = |m: String| ParseError::new(&source, m);
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| fail("empty command".into()))?;
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => fail(NOT_INSTALLED.into()),
        _ => fail(format!("cannot run: {e}")),
    })?;
    // Drain both pipes on their own threads: a child blocked on a full pipe never exits.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > TIME_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(format!("no answer within {}s", TIME_LIMIT.as_secs())));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(fail(format!("cannot wait: {e}"))),
        }
    };
    let out = stdout.join().unwrap_or_default();
    let err = stderr.join().unwrap_or_default();
    let text = String::from_utf8(out).map_err(|_| fail("output is not UTF-8".into()))?;
    let why = String::from_utf8_lossy(&err);
    Ok(Output {
        source,
        stdout: text,
        success: status.success(),
        why: format!(
            "exited with {status}: {}",
            why.lines().next().unwrap_or("").trim()
        ),
    })
}
