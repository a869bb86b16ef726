//! `mstpctl showport <bridge>`: the port roles of RSTP/MSTP, which only the user-space
//! daemon (mstpd) knows. One line per port, as `mstpd`'s `ctl_main.c` prints it:
//! `" E swp1 8.001 forw F.000.00:14:01:01:01:00 F.000.00:14:01:01:01:00 8.001 Desg"`:
//! a `*` when the link is not point-to-point, an `E` for an edge port, then name, port
//! id, state, designated root, designated bridge, designated port and role.

use crate::agent::collectors::parse::ParseError;

#[derive(Debug, Clone, PartialEq)]
pub struct RstpPort {
    pub name: String,
    /// `forwarding`, `learning`, `discarding` or `down`.
    pub state: String,
    /// `root`, `designated`, `alternate`, `backup`, `master`, `disabled`.
    pub role: String,
    pub edge: bool,
    pub point_to_point: bool,
}

pub fn parse_mstpctl_showport(text: &str, source: &str) -> Result<Vec<RstpPort>, ParseError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |what: &str| {
            ParseError::new(
                &format!("{source}:{}", i + 1),
                format!("{what} in {line:?}"),
            )
        };
        let (marks, rest) = line.split_at_checked(2).ok_or_else(|| bad("too short"))?;
        let tokens: Vec<&str> = rest.split_whitespace().collect();
        let [name, _port_id, state, _root, _bridge, _port, role] = tokens[..] else {
            return Err(bad("not 7 fields after the marks"));
        };
        let state = match state {
            "forw" => "forwarding",
            "lear" => "learning",
            "disc" => "discarding",
            "down" => "down",
            _ => return Err(bad("unknown state")),
        };
        let role = match role {
            "Root" => "root",
            "Desg" => "designated",
            "Altn" => "alternate",
            "Back" => "backup",
            "Mstr" => "master",
            "Disa" => "disabled",
            "Unkn" => "unknown",
            _ => return Err(bad("unknown role")),
        };
        out.push(RstpPort {
            name: name.to_string(),
            state: state.to_string(),
            role: role.to_string(),
            edge: marks.contains('E'),
            point_to_point: !marks.contains('*'),
        });
    }
    Ok(out)
}
