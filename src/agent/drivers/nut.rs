//! NUT: a UPS onto its bypass and back, by upsd instant commands (`INSTCMD <ups>
//! bypass.start` / `bypass.stop`) sent as the configured user.

use std::path::PathBuf;
use std::time::Duration;

use super::{Act, Driver};
use crate::agent::collectors::nut::{NutClient, NutError};
use crate::ops::OpKind;

pub struct NutDriver {
    pub server: String,
    pub timeout: Duration,
    pub username: Option<String>,
    pub password_file: Option<PathBuf>,
}

/// The upsd password file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("password_file {file}: {source}")]
struct PasswordFileError {
    file: String,
    #[source]
    source: std::io::Error,
}

impl NutDriver {
    /// The password: the file's first line, read at each operation so a changed password
    /// needs no restart. It goes to upsd only; no message quotes it.
    fn password(&self, file: &std::path::Path) -> Result<String, PasswordFileError> {
        let text = std::fs::read_to_string(file).map_err(|source| PasswordFileError {
            file: file.display().to_string(),
            source,
        })?;
        Ok(text
            .lines()
            .next()
            .unwrap_or_default()
            .trim_end()
            .to_string())
    }

    fn login(&self) -> Result<NutClient, Act> {
        let (Some(user), Some(file)) = (&self.username, &self.password_file) else {
            return Err(Act::NotApplicable(format!(
                "upsd {}: the nut collector has no username and password_file, and upsd runs instant commands only for a user allowed them",
                self.server
            )));
        };
        let password = self
            .password(file)
            .map_err(|e| Act::Failed(e.to_string()))?;
        let mut c = NutClient::connect(&self.server, self.timeout).map_err(failed)?;
        c.login(user, &password).map_err(failed)?;
        Ok(c)
    }
}

fn failed(e: NutError) -> Act {
    Act::Failed(e.to_string())
}

impl Driver for NutDriver {
    fn collector(&self) -> &'static str {
        "nut"
    }

    fn act(&self, ups: &str, kind: &OpKind, to: Option<&str>) -> Act {
        let command = match kind {
            OpKind::Failover { .. } if to.is_none_or(|t| t == "bypass") => "bypass.start",
            OpKind::Undrain => "bypass.stop",
            k => {
                return Act::NotApplicable(format!(
                    "{ups}: NUT has no command to {} a UPS; it can put one on bypass (failover) and take it off again (undrain)",
                    k.verb()
                ));
            }
        };
        let mut c = match self.login() {
            Ok(c) => c,
            Err(act) => return act,
        };
        if command == "bypass.stop" {
            match c.get_var(ups, "ups.status") {
                Ok(s) if s.split_whitespace().any(|w| w == "BYPASS") => {}
                Ok(s) => {
                    return Act::NotApplicable(format!(
                        "{ups} is not on bypass (ups.status {s:?}): there is nothing for upsd to undo"
                    ));
                }
                Err(e) => return failed(e),
            }
        }
        match c.instcmd(ups, command) {
            Ok(_) => Act::Done(format!(
                "upsd {}: {command} accepted for {ups}",
                self.server
            )),
            Err(e) if e.code() == Some("CMD-NOT-SUPPORTED") => {
                let offered = match c.list_commands(ups) {
                    Ok(l) if l.is_empty() => "none".to_string(),
                    Ok(l) => l.join(", "),
                    Err(e) => format!("unknown ({e})"),
                };
                Act::NotApplicable(format!(
                    "{e}: {ups} does not offer {command}; its instant commands: {offered}"
                ))
            }
            // upsd answered: it refused (ACCESS-DENIED, INSTCMD-FAILED ...), nothing ran.
            Err(e) if e.code().is_some() => failed(e),
            Err(e) => Act::Unknown(format!("{command} sent to {ups}, no answer: {e}")),
        }
    }
}
