//! The site as designed (`site`, `it`) and as it stands (`live`), plus the loader that turns
//! RON text into a validated [`Site`]. Plain data: no IO beyond reading the file in `load`.

pub mod it;
pub mod live;
pub mod load;
pub mod owners;
pub mod site;
pub mod synth;
pub mod text;
mod validate;
pub mod words;

pub use it::*;
pub use live::*;
pub use load::{
    LoadError, MAX_FILE_BYTES, SiteIssue, load_live_file, load_site_file, parse_live, parse_site,
};
pub use site::*;
pub use validate::MAX_ISSUES;
