//! The `modbus` collector: facility devices (CRAHs, generator controllers, transfer
//! switches) over Modbus TCP, each read by a register map (`map`), so vendors are data.
//! It only ever sends read functions (0x01-0x04): nothing here can write a register.
//! A device that does not answer, answers an exception or a reply of the wrong length is
//! `unknown`, and the error names it and the registers; the other devices still report.

pub mod map;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use futures_util::StreamExt;
use tokio_modbus::client::Client;
use tokio_modbus::{Request, Response, Slave};

use super::facility::{self, Reading};
use super::io::Io;
use super::parse::read_text;
use super::{Collected, Collector, CollectorError};
use crate::agent::config::ModbusDevice;
use crate::api::{self, ElementReport, Metrics};
use crate::model::ElementState;
use map::{Function, RegisterMap, Span};

const NAME: &str = "modbus";

/// What one request brought back.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Words(Vec<u16>),
    Bits(Vec<bool>),
}

/// A device's readings from the spans read, and the registers that did not decode.
pub fn readings(map: &RegisterMap, read: &[(Span, Data)]) -> BTreeMap<String, Reading> {
    let mut out = BTreeMap::new();
    for (name, r) in &map.registers {
        let Some((span, data)) = read.iter().find(|(s, _)| {
            s.function == r.function
                && s.start <= r.address
                && u32::from(r.address) + u32::from(r.width())
                    <= u32::from(s.start) + u32::from(s.count)
        }) else {
            continue;
        };
        let at = usize::from(r.address - span.start);
        let value = match data {
            Data::Bits(bits) => bits.get(at).map(|b| if *b { 1.0 } else { 0.0 }),
            Data::Words(words) => words
                .get(at..at + usize::from(r.width()))
                .and_then(|w| map::decode(r.kind, r.order, w)),
        };
        if let Some(v) = value {
            out.insert(name.clone(), Reading::Number(v));
        }
    }
    out
}

/// Judge one device from what was read.
pub fn evaluate(
    element: &str,
    source: &str,
    map: &RegisterMap,
    read: &[(Span, Data)],
    observed_at: f64,
) -> (ElementReport, Vec<String>) {
    let readings = readings(map, read);
    let meanings = map
        .registers
        .iter()
        .map(|(n, r)| (n.clone(), r.meaning()))
        .collect();
    let what = |n: &str| {
        map.registers
            .get(n)
            .map(map::Register::at)
            .unwrap_or_default()
    };
    let mut j = facility::judge(
        source,
        &readings,
        &meanings,
        &map.rules,
        &map.require,
        &what,
    );
    let state = j.element_state();
    let position = map
        .position
        .as_ref()
        .and_then(|p| facility::position(element, p, &readings))
        .filter(|_| state != ElementState::Unknown);
    let report = ElementReport {
        id: element.into(),
        state,
        observed_at,
        flags: j.flags,
        metrics: j.metrics,
        position,
    };
    (report, j.problems)
}

pub struct Device {
    pub element: String,
    pub address: SocketAddr,
    pub map: RegisterMap,
    spans: Vec<Span>,
}

impl Device {
    fn source(&self) -> String {
        format!("{} ({})", self.element, self.address)
    }

    /// Read every span on one connection; the first failure ends it, naming the span.
    async fn read(&self, timeout: Duration) -> Result<Vec<(Span, Data)>, String> {
        let connect = tokio_modbus::client::tcp::connect_slave(self.address, Slave(self.map.unit));
        let mut ctx = match tokio::time::timeout(timeout, connect).await {
            Ok(Ok(ctx)) => ctx,
            Ok(Err(e)) => return Err(format!("cannot connect: {e}")),
            Err(_) => return Err(format!("no connection within {timeout:?}")),
        };
        let mut out = Vec::with_capacity(self.spans.len());
        for span in &self.spans {
            let (start, count) = (span.start, span.count);
            let request = match span.function {
                Function::Coil => Request::ReadCoils(start, count),
                Function::Discrete => Request::ReadDiscreteInputs(start, count),
                Function::Holding => Request::ReadHoldingRegisters(start, count),
                Function::Input => Request::ReadInputRegisters(start, count),
            };
            let what = span_text(span);
            let answer = match tokio::time::timeout(timeout, ctx.call(request)).await {
                Err(_) => return Err(format!("{what}: no answer within {timeout:?}")),
                Ok(Err(e)) => return Err(format!("{what}: {e}")),
                Ok(Ok(Err(exception))) => return Err(format!("{what}: exception {exception}")),
                Ok(Ok(Ok(r))) => r,
            };
            let n = usize::from(count);
            let data = match answer {
                Response::ReadHoldingRegisters(w) | Response::ReadInputRegisters(w)
                    if w.len() == n =>
                {
                    Data::Words(w)
                }
                // Bits come in whole bytes: up to seven more than asked for.
                Response::ReadCoils(b) | Response::ReadDiscreteInputs(b)
                    if (n..n + 8).contains(&b.len()) =>
                {
                    Data::Bits(b)
                }
                Response::ReadHoldingRegisters(w) | Response::ReadInputRegisters(w) => {
                    return Err(format!("{what}: {} registers in the reply", w.len()));
                }
                Response::ReadCoils(b) | Response::ReadDiscreteInputs(b) => {
                    return Err(format!("{what}: {} bits in the reply", b.len()));
                }
                other => return Err(format!("{what}: a reply of another kind ({other:?})")),
            };
            out.push((span.clone(), data));
        }
        Ok(out)
    }
}

/// `holding registers 0-9`, as errors name a request.
pub fn span_text(s: &Span) -> String {
    let f = match s.function {
        Function::Coil => "coils",
        Function::Discrete => "discrete inputs",
        Function::Holding => "holding registers",
        Function::Input => "input registers",
    };
    let end = u32::from(s.start) + u32::from(s.count).saturating_sub(1);
    format!("{f} {}-{end}", s.start)
}

pub fn device(spec: &ModbusDevice) -> Result<Device, String> {
    let mut map = match (&spec.map, &spec.map_file) {
        (Some(name), None) => map::shipped(name).map_err(|e| e.to_string())?,
        (None, Some(file)) => {
            let text = read_text(file).map_err(|e| e.to_string())?;
            map::parse(&text, &file.display().to_string()).map_err(|e| e.to_string())?
        }
        _ => return Err("give `map` (a shipped one) or `map_file`, one of them".into()),
    };
    if let Some(unit) = spec.unit {
        map.unit = unit;
    }
    let with_port = if spec.address.parse::<SocketAddr>().is_ok() {
        spec.address.clone()
    } else {
        format!("{}:502", spec.address)
    };
    let address = std::net::ToSocketAddrs::to_socket_addrs(&with_port)
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| format!("{:?} is not an address (host:port)", spec.address))?;
    Ok(Device {
        element: spec.element.clone(),
        address,
        spans: map::spans(&map),
        map,
    })
}

pub struct ModbusCollector {
    io: Io,
    devices: Vec<Device>,
    timeout: Duration,
    concurrency: usize,
}

impl ModbusCollector {
    pub fn new(
        devices: &[ModbusDevice],
        timeout_s: f64,
        concurrency: usize,
    ) -> Result<Self, CollectorError> {
        let timeout = Duration::try_from_secs_f64(timeout_s)
            .ok()
            .filter(|t| !t.is_zero())
            .ok_or_else(|| error(format!("timeout_s {timeout_s} is not a positive duration")))?;
        let devices = devices
            .iter()
            .map(|d| device(d).map_err(|e| error(format!("{} ({}): {e}", d.element, d.address))))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ModbusCollector {
            io: Io::new().map_err(|e| error(e.to_string()))?,
            devices,
            timeout,
            concurrency: concurrency.clamp(1, 1024),
        })
    }
}

impl Collector for ModbusCollector {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect(&mut self, out: &mut Collected) -> Result<(), CollectorError> {
        let timeout = self.timeout;
        let read = self.io.block_on(
            futures_util::stream::iter(self.devices.iter())
                .map(|d| Box::pin(d.read(timeout)))
                .buffered(self.concurrency)
                .collect::<Vec<_>>(),
        );
        let Some(read) = read else {
            return Err(error("the I/O runtime has stopped".into()));
        };
        let mut problems = Vec::new();
        for (d, result) in self.devices.iter().zip(read) {
            let now = api::unix_now();
            match result {
                Ok(data) => {
                    let (report, mut p) = evaluate(&d.element, &d.source(), &d.map, &data, now);
                    out.elements.push(report);
                    problems.append(&mut p);
                }
                Err(e) => {
                    problems.push(format!("{}: {e}", d.source()));
                    out.elements.push(ElementReport {
                        id: d.element.as_str().into(),
                        state: ElementState::Unknown,
                        observed_at: now,
                        flags: vec!["NO-ANSWER".into()],
                        metrics: Metrics::new(),
                        position: None,
                    });
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(error(problems.join("; ")))
        }
    }
}

fn error(message: String) -> CollectorError {
    CollectorError {
        collector: NAME,
        message,
    }
}
