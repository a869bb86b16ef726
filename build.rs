//! Link-time choices for redcon's own binaries (not its dependencies nor its tests).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    // A one-shot `redcon status` is a few milliseconds, and the dynamic loader spent a
    // tenth of them reading and applying 22,000 relative relocations (540 KB of
    // .rela.dyn). Packed relative relocations (DT_RELR) shrink them to 6 KB and keep
    // the binary position-independent with full RELRO. Needs binutils 2.38 and glibc
    // 2.36 (Debian 12); docs/performance.md has the figures.
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
        // The unwinder from libgcc's static archive instead of libgcc_s.so: loading that
        // library and running its constructor (which asks the CPU for its features, an
        // instruction a hypervisor traps at some microseconds each) was 0.15 ms of every
        // start. With the unwinder linked in, --as-needed drops libgcc_s from the binary's
        // needs; panics and backtraces unwind the same way.
        println!("cargo:rustc-link-arg-bins=-Wl,--whole-archive,-l:libgcc_eh.a,--no-whole-archive");
    }
}
