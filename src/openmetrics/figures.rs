//! The figures of a snapshot with a documented meaning (docs/agent-api.md) and the gauge
//! each becomes on `/metrics`: shared by the agent that writes them and the console that
//! reads them back from Prometheus, so the two cannot drift apart.

use super::Base;

/// The snapshot metric names with a documented meaning (docs/agent-api.md), each as a
/// gauge in a base unit: wire name, metric name, unit, the way to it, help.
pub const KNOWN: &[(&str, &str, Base, Scale, &str)] = &[
    (
        "load_pct",
        "redcon_load",
        Base::Ratio,
        Scale::Per(100.0),
        "Output load as a share of the rating (may exceed 1)",
    ),
    (
        "battery_charge_pct",
        "redcon_battery_charge",
        Base::Ratio,
        Scale::Per(100.0),
        "Battery state of charge",
    ),
    (
        "runtime_min",
        "redcon_battery_runtime",
        Base::Seconds,
        Scale::Times(60.0),
        "Estimated battery runtime at the present load",
    ),
    (
        "input_voltage",
        "redcon_input_voltage",
        Base::Volts,
        Scale::Times(1.0),
        "Input voltage",
    ),
    (
        "output_voltage",
        "redcon_output_voltage",
        Base::Volts,
        Scale::Times(1.0),
        "Output voltage",
    ),
    (
        "supply_temp_c",
        "redcon_supply_temperature",
        Base::Celsius,
        Scale::Times(1.0),
        "Cooling unit supply (leaving) temperature",
    ),
    (
        "return_temp_c",
        "redcon_return_temperature",
        Base::Celsius,
        Scale::Times(1.0),
        "Cooling unit return (entering) temperature",
    ),
    (
        "capacity_kw",
        "redcon_capacity",
        Base::Watts,
        Scale::Times(1000.0),
        "Capacity the unit can deliver now",
    ),
    (
        "power_kw",
        "redcon_power",
        Base::Watts,
        Scale::Times(1000.0),
        "Power drawn or delivered",
    ),
    (
        "cooling_output_kw",
        "redcon_cooling_output",
        Base::Watts,
        Scale::Times(1000.0),
        "Cooling delivered",
    ),
    (
        "realpower_w",
        "redcon_real_power",
        Base::Watts,
        Scale::Times(1.0),
        "Real power",
    ),
    (
        "input_realpower_w",
        "redcon_input_real_power",
        Base::Watts,
        Scale::Times(1.0),
        "Real power drawn at the input",
    ),
    (
        "speed_gbps",
        "redcon_link_speed",
        Base::BytesPerSecond,
        Scale::Times(1e9 / 8.0),
        "Link speed",
    ),
];

/// From the wire's unit to the base unit; a division where the factor has no exact binary
/// form (41 % is 0.41, not 0.41000000000000003).
#[derive(Debug, Clone, Copy)]
pub enum Scale {
    Times(f64),
    Per(f64),
}

impl Scale {
    pub fn apply(self, v: f64) -> f64 {
        match self {
            Scale::Times(f) => v * f,
            Scale::Per(d) => v / d,
        }
    }

    /// Back from the base unit to the wire's, for a reader of the series (0.41 is 41 %).
    pub fn undo(self, v: f64) -> f64 {
        match self {
            Scale::Times(f) => v / f,
            Scale::Per(d) => v * d,
        }
    }
}

/// The name a gauge family is exposed under: `name` and its unit's suffix.
pub fn exposed(name: &str, unit: Option<Base>) -> String {
    match unit {
        Some(u) => format!("{name}_{}", u.suffix()),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_figure_comes_back_as_it_was_sent() {
        for &(wire, _, _, scale, _) in KNOWN {
            for v in [0.0, 41.0, 9.5, 230.1, 99.99, 1234.5, 10.0, 25.0] {
                let back = scale.undo(scale.apply(v));
                assert!((back - v).abs() <= v.abs() * 1e-12, "{wire} {v} -> {back}");
            }
        }
        assert_eq!(
            exposed("redcon_load", Some(Base::Ratio)),
            "redcon_load_ratio"
        );
        assert_eq!(exposed("redcon_agent_info", None), "redcon_agent_info");
    }
}
