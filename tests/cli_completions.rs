//! `redcon completions` and `redcon man`: the bash script really completes in bash, the
//! pages really render in man, and the copies the package ships (assets/completions,
//! assets/man) are what the binary generates now.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod peers;

use std::path::Path;
use std::process::{Command, Output};

use peers::TempDir;

const SUBCOMMANDS: [&str; 15] = [
    "status",
    "explain",
    "agent",
    "wallboard",
    "keys",
    "drain",
    "standby",
    "undrain",
    "failover",
    "move",
    "audit",
    "exporter",
    "sim",
    "completions",
    "man",
];

fn redcon(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redcon"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(args: &[&str]) -> String {
    let out = redcon(args);
    assert!(
        out.status.success(),
        "redcon {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// What bash's completion offers for the words typed so far (the last one being completed).
fn complete(script: &Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_LINE='{}'\nCOMP_POINT=${{#COMP_LINE}}\n\
         _redcon redcon '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words.get(words.len().wrapping_sub(2)).unwrap_or(&""),
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn bash_completes_the_subcommands_and_their_options() {
    let script = stdout(&["completions", "bash"]);
    for sub in SUBCOMMANDS {
        assert!(
            script.contains(&format!("redcon__subcmd__{sub}")),
            "{sub}:\n{script}"
        );
    }
    let dir = TempDir::new("completions-bash");
    let path = dir.write("redcon.bash", &script);
    let offered = complete(&path, &["redcon", "ex"]);
    assert_eq!(offered, ["explain", "exporter"], "{offered:?}");
    let offered = complete(&path, &["redcon", ""]);
    for sub in SUBCOMMANDS {
        assert!(offered.iter().any(|o| o == sub), "{sub}: {offered:?}");
    }
    let offered = complete(&path, &["redcon", "exporter", "--lis"]);
    assert_eq!(offered, ["--listen"], "{offered:?}");
    let offered = complete(&path, &["redcon", "completions", "f"]);
    assert_eq!(offered, ["fish"], "{offered:?}");
}

#[test]
fn zsh_and_fish_scripts_name_every_subcommand() {
    for (shell, marker) in [("zsh", "#compdef redcon"), ("fish", "complete -c redcon")] {
        let script = stdout(&["completions", shell]);
        assert!(script.contains(marker), "{shell}:\n{script}");
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} {sub}");
        }
    }
}

#[test]
fn a_shell_redcon_does_not_know_is_refused_by_name() {
    let out = redcon(&["completions", "tcsh"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("tcsh") && err.contains("bash") && err.contains("fish"),
        "{err}"
    );
    // a directory that cannot be made: the path and the reason, no panic
    let out = redcon(&["man", "--dir", "/dev/null/man"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("redcon: /dev/null/man: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// `man -l` on `page`, 80 columns, groff warnings on: (text, warnings).
fn man(page: &Path) -> (String, String) {
    let out = Command::new("/usr/bin/man")
        .args(["--warnings", "-l"])
        .arg(page)
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}: {out:?}", page.display());
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
#[ignore = "needs man-db"]
fn every_man_page_renders_in_man_without_warnings() {
    peers::need(&["/usr/bin/man"], "man-db");
    let dir = TempDir::new("man-pages");
    stdout(&["man", "--dir", dir.0.to_str().unwrap()]);
    let (text, warnings) = man(&dir.path("redcon.1"));
    assert_eq!(warnings, "", "{text}");
    for heading in ["NAME", "SYNOPSIS", "OPTIONS", "SUBCOMMANDS", "VERSION"] {
        assert!(text.contains(heading), "{heading}:\n{text}");
    }
    for sub in SUBCOMMANDS {
        assert!(text.contains(&format!("redcon-{sub}(1)")), "{sub}:\n{text}");
        let (page, warnings) = man(&dir.path(&format!("redcon-{sub}.1")));
        assert_eq!(warnings, "", "{sub}:\n{page}");
        assert!(page.contains(&format!("redcon-{sub}")), "{page}");
    }
    let (page, _) = man(&dir.path("redcon-exporter.1"));
    assert!(page.contains("--listen"), "{page}");
    // the page on standard output is the same redcon(1)
    let printed = stdout(&["man"]);
    assert_eq!(
        printed,
        std::fs::read_to_string(dir.path("redcon.1")).unwrap()
    );
}

/// The package ships assets/man and assets/completions as files: they must be what this
/// binary generates, or the installed pages describe options that are not there.
#[test]
fn the_shipped_pages_and_scripts_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = TempDir::new("man-current");
    stdout(&["man", "--dir", dir.0.to_str().unwrap()]);
    let regenerate = "regenerate with `cargo run -- man --dir assets/man` and `cargo run -- \
                      completions SHELL > assets/completions/...`";
    let mut generated: Vec<String> = std::fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let mut shipped: Vec<String> = std::fs::read_dir(root.join("assets/man"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    generated.sort();
    shipped.sort();
    assert_eq!(shipped, generated, "{regenerate}");
    for page in &generated {
        let now = std::fs::read_to_string(dir.path(page)).unwrap();
        let there = std::fs::read_to_string(root.join("assets/man").join(page)).unwrap();
        assert!(
            now == there,
            "assets/man/{page} is out of date: {regenerate}"
        );
    }
    for (shell, file) in [
        ("bash", "redcon.bash"),
        ("zsh", "_redcon"),
        ("fish", "redcon.fish"),
    ] {
        let there = std::fs::read_to_string(root.join("assets/completions").join(file)).unwrap();
        assert!(
            stdout(&["completions", shell]) == there,
            "assets/completions/{file} is out of date: {regenerate}"
        );
    }
}
