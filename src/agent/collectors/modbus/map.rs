//! Modbus register maps (RON), in the style of Telegraf's `inputs.modbus`: per register
//! its function, address, type, word and byte order, scale and meaning. Shipped maps are
//! in `assets/maps/modbus/`; a site adds its own with `map_file`. Decoding is pure.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::super::facility::{Meaning, Position, Rule, Unit};

pub const SHIPPED: [(&str, &str); 3] = [
    (
        "crah",
        include_str!("../../../../assets/maps/modbus/crah.ron"),
    ),
    (
        "generator",
        include_str!("../../../../assets/maps/modbus/generator.ron"),
    ),
    (
        "transfer-switch",
        include_str!("../../../../assets/maps/modbus/transfer-switch.ron"),
    ),
];

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterMap {
    pub description: String,
    /// The unit (slave) id the device answers as.
    #[serde(default = "one_u8")]
    pub unit: u8,
    pub registers: BTreeMap<String, Register>,
    #[serde(default)]
    pub require: Vec<String>,
    #[serde(default)]
    pub rules: Vec<Rule>,
    #[serde(default)]
    pub position: Option<Position>,
}

fn one_u8() -> u8 {
    1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Function {
    /// 0x01
    Coil,
    /// 0x02
    Discrete,
    /// 0x03
    Holding,
    /// 0x04
    Input,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Type {
    #[default]
    U16,
    I16,
    U32,
    I32,
    F32,
}

impl Type {
    pub fn words(self) -> u16 {
        match self {
            Type::U16 | Type::I16 => 1,
            Type::U32 | Type::I32 | Type::F32 => 2,
        }
    }
}

/// Byte order of a value, Telegraf's names: `abcd` big-endian (Modbus' own), `cdab`
/// words swapped, `badc` bytes swapped within words, `dcba` little-endian. For one-word
/// types only the byte order within the word counts (`ab` = `abcd`, `ba` = `badc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    #[default]
    Abcd,
    Cdab,
    Badc,
    Dcba,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Register {
    pub function: Function,
    /// Zero-based protocol address (register 40001 is holding address 0).
    pub address: u16,
    #[serde(default, rename = "type")]
    pub kind: Type,
    #[serde(default)]
    pub order: Order,
    #[serde(default)]
    pub metric: Option<String>,
    #[serde(default = "one")]
    pub scale: f64,
    #[serde(default)]
    pub unit: Unit,
    #[serde(default)]
    pub flags: BTreeMap<i64, String>,
    #[serde(default)]
    pub range: Option<(f64, f64)>,
}

fn one() -> f64 {
    1.0
}

impl Register {
    pub fn meaning(&self) -> Meaning {
        Meaning {
            metric: self.metric.clone(),
            scale: self.scale,
            unit: self.unit,
            flags: self.flags.clone(),
            range: self.range,
        }
    }

    /// How many registers (or bits) it spans.
    pub fn width(&self) -> u16 {
        match self.function {
            Function::Coil | Function::Discrete => 1,
            Function::Holding | Function::Input => self.kind.words(),
        }
    }

    /// `holding 40-41`, as errors name it.
    pub fn at(&self) -> String {
        let f = match self.function {
            Function::Coil => "coil",
            Function::Discrete => "discrete input",
            Function::Holding => "holding register",
            Function::Input => "input register",
        };
        match self.width() {
            1 => format!("{f} {}", self.address),
            w => format!(
                "{f} {}-{}",
                self.address,
                u32::from(self.address) + u32::from(w) - 1
            ),
        }
    }
}

/// A register's value from its words (already checked to be `kind.words()` long).
pub fn decode(kind: Type, order: Order, words: &[u16]) -> Option<f64> {
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_be_bytes()).collect();
    let b: Vec<u8> = match (order, bytes.as_slice()) {
        (Order::Abcd | Order::Cdab, &[x, y]) => vec![x, y],
        (Order::Badc | Order::Dcba, &[x, y]) => vec![y, x],
        (Order::Abcd, &[a, b, c, d]) => vec![a, b, c, d],
        (Order::Cdab, &[a, b, c, d]) => vec![c, d, a, b],
        (Order::Badc, &[a, b, c, d]) => vec![b, a, d, c],
        (Order::Dcba, &[a, b, c, d]) => vec![d, c, b, a],
        _ => return None,
    };
    Some(match (kind, b.as_slice()) {
        (Type::U16, &[x, y]) => f64::from(u16::from_be_bytes([x, y])),
        (Type::I16, &[x, y]) => f64::from(i16::from_be_bytes([x, y])),
        (Type::U32, &[a, bb, c, d]) => f64::from(u32::from_be_bytes([a, bb, c, d])),
        (Type::I32, &[a, bb, c, d]) => f64::from(i32::from_be_bytes([a, bb, c, d])),
        (Type::F32, &[a, bb, c, d]) => {
            let v = f32::from_be_bytes([a, bb, c, d]);
            if !v.is_finite() {
                return None;
            }
            f64::from(v)
        }
        _ => return None,
    })
}

/// One request: a function and a span of addresses that covers several registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub function: Function,
    pub start: u16,
    pub count: u16,
}

/// The requests that read every register of a map: neighbours of one function share a
/// request (at most 100 registers or 1,000 bits, gaps of up to 8 read through).
pub fn spans(map: &RegisterMap) -> Vec<Span> {
    let mut regs: Vec<(Function, u32, u32)> = map
        .registers
        .values()
        .map(|r| {
            let start = u32::from(r.address);
            (r.function, start, start + u32::from(r.width()))
        })
        .collect();
    regs.sort_unstable();
    let mut out: Vec<Span> = Vec::new();
    for (f, start, end) in regs {
        let limit = match f {
            Function::Coil | Function::Discrete => 1000,
            _ => 100,
        };
        if let Some(last) = out.last_mut()
            && last.function == f
        {
            let last_end = u32::from(last.start) + u32::from(last.count);
            if start <= last_end + 8 && end - u32::from(last.start) <= limit {
                last.count =
                    u16::try_from(end.max(last_end) - u32::from(last.start)).unwrap_or(last.count);
                continue;
            }
        }
        if let (Ok(start_u16), Ok(count)) = (u16::try_from(start), u16::try_from(end - start)) {
            out.push(Span {
                function: f,
                start: start_u16,
                count,
            });
        }
    }
    out
}

#[derive(Debug, thiserror::Error)]
pub enum MapError {
    #[error("no register map named {0:?}; shipped: {1}")]
    Unknown(String, String),
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

pub fn parse(text: &str, file: &str) -> Result<RegisterMap, MapError> {
    let invalid = |message: String| MapError::Invalid {
        file: file.to_string(),
        message,
    };
    let m: RegisterMap =
        super::super::facility::from_ron(text).map_err(|e| invalid(e.to_string()))?;
    for (name, r) in &m.registers {
        if u32::from(r.address) + u32::from(r.width()) > 65_536 {
            return Err(invalid(format!(
                "{name}: {} runs past address 65535",
                r.at()
            )));
        }
        let bits = matches!(r.function, Function::Coil | Function::Discrete);
        if bits && r.kind != Type::U16 {
            return Err(invalid(format!(
                "{name}: a {} is one bit, it has no type",
                r.at()
            )));
        }
    }
    let known = |n: &String| m.registers.contains_key(n);
    let mut used: Vec<&String> = m.rules.iter().map(|r| &r.when).chain(&m.require).collect();
    used.extend(m.position.iter().map(|p| &p.from));
    if let Some(bad) = used.into_iter().find(|n| !known(n)) {
        return Err(invalid(format!("no register named {bad}")));
    }
    Ok(m)
}

pub fn shipped(name: &str) -> Result<RegisterMap, MapError> {
    let Some((_, text)) = SHIPPED.iter().find(|(n, _)| *n == name) else {
        let names: Vec<&str> = SHIPPED.iter().map(|(n, _)| *n).collect();
        return Err(MapError::Unknown(name.to_string(), names.join(", ")));
    };
    parse(text, &format!("register map {name}"))
}
