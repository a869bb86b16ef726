//! Running `crm_mon` with a time limit: a cluster stack that hangs must cost one round,
//! not the collector thread.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::agent::collectors::parse::ParseError;

const TIME_LIMIT: Duration = Duration::from_secs(15);

/// Run `argv` and return (its name for errors, its standard output).
pub fn run(argv: &[String], cib_file: Option<&Path>) -> Result<(String, String), ParseError> {
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
    if let Some(cib) = cib_file {
        cmd.env("CIB_file", cib);
    }
    let mut child = cmd.spawn().map_err(|e| fail(format!("cannot run: {e}")))?;
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
    // crm_mon exits non-zero without quorum or a DC yet still writes a full status; the
    // XML's own <status> says what went wrong, so prefer it when there is one.
    if !status.success() && !text.contains("<pacemaker-result") {
        let why = String::from_utf8_lossy(&err);
        let why = why.lines().next().unwrap_or("").trim();
        return Err(fail(format!("exited with {status}: {why}")));
    }
    Ok((source, text))
}
