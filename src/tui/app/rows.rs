//! What the console's lists hold right now: the rows of each view after the filter, and
//! what Enter on the selected row opens. Read by `update` and the views alike.

use super::{App, View};
use crate::tui::components::{self, Group};
use crate::tui::items;
use crate::tui::topology;

impl App {
    /// Rows of the current list view after the filter.
    pub fn rows(&self) -> usize {
        match self.view {
            View::Overview | View::Now => self.problem_rows().len(),
            View::Findings => items::filtered(&self.items, &self.filter).len(),
            View::Components => self.component_rows().len(),
            View::Events => {
                let needle = self.filter.to_lowercase();
                self.log
                    .newest_first()
                    .filter(|e| e.text.to_lowercase().contains(&needle))
                    .count()
            }
            View::Topology => self.topology_rows().len(),
        }
    }

    /// The current problems after the filter, worst first: the rows of the Overview's list
    /// and of the Now view.
    pub fn problem_rows(&self) -> Vec<&crate::verdict::Problem> {
        let needle = self.filter.to_lowercase();
        self.obs.as_ref().map_or_else(Vec::new, |o| {
            o.verdict
                .problems
                .iter()
                .filter(|p| needle.is_empty() || p.text.to_lowercase().contains(&needle))
                .collect()
        })
    }

    /// The Topology view's rows after the filter (an id containing the text).
    pub fn topology_rows(&self) -> Vec<&topology::Row> {
        let needle = self.filter.to_lowercase();
        self.topology
            .iter()
            .filter(|r| needle.is_empty() || r.id.to_lowercase().contains(&needle))
            .collect()
    }

    /// The Components view's rows as they are drawn: current group, order and filter.
    pub fn component_rows(&self) -> Vec<components::Row> {
        self.obs.as_ref().map_or_else(Vec::new, |o| {
            if self.filter.is_empty() {
                components::rows(o, self.group, self.sort, "")
            } else {
                // a filter is a search: every kind, not only the one in view
                Group::ALL
                    .iter()
                    .flat_map(|g| components::rows(o, *g, self.sort, &self.filter))
                    .collect()
            }
        })
    }

    /// What Enter on the selected row opens: a Components or Topology row's element, or the
    /// first thing a Findings row names that has a pane (element, IT group, `zone:NAME`,
    /// load, tank).
    pub(super) fn selected_target(&self) -> Option<String> {
        let obs = self.obs.as_ref()?;
        match self.view {
            View::Components => self
                .component_rows()
                .into_iter()
                .nth(self.selected)
                .map(|r| r.id),
            View::Findings => items::filtered(&self.items, &self.filter)
                .get(self.selected)?
                .elements
                .iter()
                .find(|id| obs.has_pane(id))
                .cloned(),
            View::Topology => self
                .topology_rows()
                .get(self.selected)?
                .element()
                .map(str::to_string),
            // a member's problem opens its group, which shows every member
            View::Overview | View::Now => self.problem_rows().get(self.selected).and_then(|p| {
                [Some(&p.item), p.group.as_ref()]
                    .into_iter()
                    .flatten()
                    .find(|id| obs.has_pane(id))
                    .cloned()
            }),
            View::Events => {
                let needle = self.filter.to_lowercase();
                self.log
                    .newest_first()
                    .filter(|e| e.text.to_lowercase().contains(&needle))
                    .nth(self.selected)?
                    .subject
                    .clone()
                    .filter(|id| obs.has_pane(id))
            }
        }
    }
}
