//! The embedded demo site: what `redcon` shows with no configuration at all.

use crate::model::{LiveState, LoadError, Site, parse_live, parse_site};

pub const SITE_NAME: &str = "assets/demo/site.ron (embedded)";
pub const LIVE_NAME: &str = "assets/demo/live.ron (embedded)";
const SITE: &str = include_str!("../assets/demo/site.ron");
const LIVE: &str = include_str!("../assets/demo/live.ron");

pub fn site() -> Result<Site, LoadError> {
    parse_site(SITE, SITE_NAME)
}

pub fn live(site: &Site) -> Result<LiveState, LoadError> {
    parse_live(LIVE, LIVE_NAME, site)
}
