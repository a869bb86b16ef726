//! The upsd network protocol (NUT `docs/net-protocol.txt`), as pure functions over lines:
//! splitting a line into words (quotes, backslash escapes), recognising `ERR <CODE>`, and
//! reading the `BEGIN LIST` ... `END LIST` frames. No I/O here, so every parser can be fed
//! hostile text in tests; the client in `nut.rs` owns the socket.

use std::io::BufRead;

/// Longest reply line accepted. Real lines are well under 512 bytes (a quoted value is
/// at most 256); anything longer is not upsd, and must not grow memory without bound.
pub const MAX_LINE: usize = 4096;
/// Most items in one list: a UPS has a few hundred variables at most.
pub const MAX_LIST: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtoError {
    #[error("line longer than {MAX_LINE} bytes")]
    LineTooLong,
    #[error("line is not UTF-8")]
    NotUtf8,
    #[error("connection closed in the middle of an answer")]
    Closed,
    #[error("unterminated quote in {0:?}")]
    Unterminated(String),
    #[error("unexpected answer {got:?} (expected {expected})")]
    Unexpected { got: String, expected: String },
    #[error("list {0:?} has more than {MAX_LIST} items")]
    ListTooLong(String),
    /// The server refused: `ERR <code> [detail]`.
    #[error("ERR {code}{}", detail.as_deref().map(|d| format!(" {d}")).unwrap_or_default())]
    Server {
        code: String,
        detail: Option<String>,
    },
}

impl ProtoError {
    /// The server's error word, when it refused (`DATA-STALE`, `ACCESS-DENIED` ...).
    pub fn code(&self) -> Option<&str> {
        match self {
            ProtoError::Server { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// Split a line into words: spaces separate, `"..."` groups, `\"` and `\\` escape.
pub fn words(line: &str) -> Result<Vec<String>, ProtoError> {
    let mut out = Vec::new();
    let mut chars = line.chars();
    let mut word = String::new();
    let mut in_word = false;
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' if quoted || in_word => match chars.next() {
                Some(e) => word.push(e),
                None => return Err(ProtoError::Unterminated(line.to_string())),
            },
            '"' if quoted => {
                quoted = false;
            }
            '"' => {
                quoted = true;
                in_word = true;
            }
            c if c.is_ascii_whitespace() && !quoted => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if quoted {
        return Err(ProtoError::Unterminated(line.to_string()));
    }
    if in_word {
        out.push(word);
    }
    Ok(out)
}

/// Quote a value for a command line, so a name with spaces or quotes cannot add words.
pub fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            q.push('\\');
        }
        q.push(c);
    }
    q.push('"');
    q
}

/// `ERR <CODE> [detail]` as an error; any other line as its words.
pub fn reply(line: &str) -> Result<Vec<String>, ProtoError> {
    let w = words(line)?;
    if w.first().map(String::as_str) == Some("ERR") {
        let code = w.get(1).cloned().unwrap_or_else(|| "UNKNOWN".into());
        let detail = w.get(2..).filter(|d| !d.is_empty()).map(|d| d.join(" "));
        return Err(ProtoError::Server { code, detail });
    }
    Ok(w)
}

/// Read one line of at most `MAX_LINE` bytes, without its `\n` (and `\r`).
pub fn read_line(r: &mut impl BufRead) -> Result<String, std::io::Error> {
    let mut buf = Vec::new();
    loop {
        let (done, used) = {
            let avail = r.fill_buf()?;
            if avail.is_empty() {
                return Err(io_proto(ProtoError::Closed));
            }
            // the bytes before the first newline, or all of them when there is none yet
            let line = avail.split(|&b| b == b'\n').next().unwrap_or(avail);
            let done = line.len() < avail.len();
            buf.extend_from_slice(line);
            (done, line.len() + usize::from(done))
        };
        r.consume(used);
        if buf.len() > MAX_LINE {
            return Err(io_proto(ProtoError::LineTooLong));
        }
        if done {
            break;
        }
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    String::from_utf8(buf).map_err(|_| io_proto(ProtoError::NotUtf8))
}

/// Protocol errors travel inside `io::Error` out of `read_line`, so the client has one
/// error path; `split_io` takes them out again.
fn io_proto(e: ProtoError) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, e)
}

/// A protocol error carried in an `io::Error`, or the I/O error itself.
pub fn split_io(e: std::io::Error) -> Result<ProtoError, std::io::Error> {
    if e.get_ref().is_some_and(|i| i.is::<ProtoError>()) {
        match e.into_inner().map(|i| i.downcast::<ProtoError>()) {
            Some(Ok(p)) => return Ok(*p),
            Some(Err(other)) => return Err(std::io::Error::other(other)),
            None => return Err(std::io::Error::other("lost error")),
        }
    }
    Err(e)
}

/// Read a list answer to `LIST <what>`: the `BEGIN LIST <what>` line (or an `ERR`), the
/// items, then `END LIST <what>`. Returns each item's words; `kind` is what every item
/// line starts with (`UPS`, `VAR`, `CMD`).
pub fn read_list(
    lines: &mut impl FnMut() -> Result<String, ProtoError>,
    what: &str,
    kind: &str,
) -> Result<Vec<Vec<String>>, ProtoError> {
    let begin = reply(&lines()?)?;
    let expect = |w: &[String], head: &str| matches!(w, [h, list, rest @ ..] if h == head && list == "LIST" && rest.join(" ") == what);
    if !expect(&begin, "BEGIN") {
        return Err(ProtoError::Unexpected {
            got: begin.join(" "),
            expected: format!("BEGIN LIST {what}"),
        });
    }
    let mut items = Vec::new();
    loop {
        let w = reply(&lines()?)?;
        if expect(&w, "END") {
            return Ok(items);
        }
        if w.first().map(String::as_str) != Some(kind) {
            return Err(ProtoError::Unexpected {
                got: w.join(" "),
                expected: format!("{kind} ... or END LIST {what}"),
            });
        }
        if items.len() >= MAX_LIST {
            return Err(ProtoError::ListTooLong(what.to_string()));
        }
        items.push(w);
    }
}

/// `VAR <ups> <name> "<value>"` lines of `LIST VAR <ups>` as (name, value) pairs; an
/// item of another UPS or of the wrong shape is an error (the server answered something
/// else than what was asked).
pub fn vars(ups: &str, items: Vec<Vec<String>>) -> Result<Vec<(String, String)>, ProtoError> {
    items
        .into_iter()
        .map(|w| match <[String; 4]>::try_from(w) {
            Ok([_, u, name, value]) if u == ups => Ok((name, value)),
            Ok(w) => Err(unexpected(&w, ups)),
            Err(w) => Err(unexpected(&w, ups)),
        })
        .collect()
}

fn unexpected(w: &[String], ups: &str) -> ProtoError {
    ProtoError::Unexpected {
        got: w.join(" "),
        expected: format!("VAR {ups} <name> \"<value>\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn feed(text: &str) -> impl FnMut() -> Result<String, ProtoError> + '_ {
        let mut r = std::io::Cursor::new(text.as_bytes());
        move || read_line(&mut r).map_err(|e| split_io(e).unwrap_or(ProtoError::Closed))
    }

    #[test]
    fn quoted_values_with_escapes() {
        assert_eq!(
            words(r#"VAR ups1 ups.mfr "ACME \"Big\" UPS \\ 2""#).unwrap(),
            ["VAR", "ups1", "ups.mfr", r#"ACME "Big" UPS \ 2"#]
        );
        assert_eq!(words(r#"VAR u x """#).unwrap(), ["VAR", "u", "x", ""]);
        assert!(matches!(
            words(r#"VAR u x "open"#),
            Err(ProtoError::Unterminated(_))
        ));
        assert_eq!(words(&quote(r#"a "b" \c"#)).unwrap(), [r#"a "b" \c"#]);
    }

    #[test]
    fn errors_keep_their_code() {
        let e = reply("ERR DATA-STALE").unwrap_err();
        assert_eq!(e.code(), Some("DATA-STALE"));
        assert_eq!(e.to_string(), "ERR DATA-STALE");
        let e = reply("ERR INSTCMD-FAILED some detail").unwrap_err();
        assert_eq!(e.to_string(), "ERR INSTCMD-FAILED some detail");
    }

    #[test]
    fn a_var_list_from_upsd() {
        let text = "BEGIN LIST VAR ups1\r\nVAR ups1 battery.charge \"100\"\nVAR ups1 ups.status \"OL CHRG\"\nEND LIST VAR ups1\n";
        let items = read_list(&mut feed(text), "VAR ups1", "VAR").unwrap();
        let v = vars("ups1", items).unwrap();
        assert_eq!(v[1], ("ups.status".into(), "OL CHRG".into()));
    }

    #[test]
    fn broken_lists_are_errors() {
        let cases = [
            ("ERR DRIVER-NOT-CONNECTED\n", "DRIVER-NOT-CONNECTED"),
            ("BEGIN LIST VAR ups1\nVAR ups1 a \"1\"\n", "closed"),
            ("BEGIN LIST VAR ups2\nEND LIST VAR ups2\n", "expected BEGIN"),
            (
                "BEGIN LIST VAR ups1\nCMD ups1 x\nEND LIST VAR ups1\n",
                "unexpected",
            ),
            ("OK\n", "expected BEGIN"),
        ];
        for (text, needle) in cases {
            let e = read_list(&mut feed(text), "VAR ups1", "VAR")
                .unwrap_err()
                .to_string();
            assert!(e.contains(needle), "{text:?} -> {e}");
        }
        let items = read_list(
            &mut feed("BEGIN LIST VAR ups1\nVAR ups2 a \"1\"\nEND LIST VAR ups1\n"),
            "VAR ups1",
            "VAR",
        )
        .unwrap();
        assert!(vars("ups1", items).is_err(), "another UPS's variable");
    }

    #[test]
    fn overlong_and_binary_lines_are_refused() {
        let long = format!("{}\n", "A".repeat(MAX_LINE + 10));
        let e = split_io(read_line(&mut long.as_bytes()).unwrap_err()).unwrap();
        assert_eq!(e, ProtoError::LineTooLong);
        let e = split_io(read_line(&mut &b"\xff\xfe\n"[..]).unwrap_err()).unwrap();
        assert_eq!(e, ProtoError::NotUtf8);
    }

    proptest! {
        #[test]
        fn any_text_parses_or_errs_without_panic(s in "\\PC{0,200}") {
            let _ = words(&s);
            let _ = reply(&s);
            let text = format!("{s}\n");
            let _ = read_list(&mut feed(&text), "VAR ups1", "VAR");
        }

        #[test]
        fn truncated_lists_never_pass(cut in 0usize..120) {
            let text = "BEGIN LIST VAR ups1\nVAR ups1 battery.charge \"100\"\nVAR ups1 ups.status \"OL\"\nEND LIST VAR ups1\n";
            let cut = cut.min(text.len() - 1);
            prop_assert!(read_list(&mut feed(&text[..cut]), "VAR ups1", "VAR").is_err());
        }

        #[test]
        fn quoting_round_trips(s in "\\PC{0,60}") {
            prop_assert_eq!(words(&quote(&s)).unwrap(), vec![s]);
        }
    }
}
