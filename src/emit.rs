//! Writing answers to standard output without dying on a closed pipe: `redcon status |
//! head -1` or a monitoring wrapper that reads one line must not turn into a panic with a
//! backtrace. A write that cannot land is dropped; the exit code still says the verdict.

use std::fmt::Display;
use std::io::Write;

/// `text` and a newline.
pub fn line(text: impl Display) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// `text` as it is.
pub fn text(text: impl Display) {
    let _ = write!(std::io::stdout().lock(), "{text}");
}

/// `println!` that does not panic on a closed pipe.
macro_rules! outln {
    ($($t:tt)*) => {
        $crate::emit::line(format_args!($($t)*))
    };
}

/// `print!` that does not panic on a closed pipe.
macro_rules! out {
    ($($t:tt)*) => {
        $crate::emit::text(format_args!($($t)*))
    };
}
