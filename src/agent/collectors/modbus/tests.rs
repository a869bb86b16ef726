use std::io::{Read, Write};
use std::net::TcpListener;

use proptest::prelude::*;

use super::map::{self, Order, SHIPPED, Type, decode, spans};
use super::*;
use crate::agent::collectors::Collected;

#[test]
fn values_decode_in_every_order() {
    // 0x4148_0000 is 12.5 as an f32; 0xFFFF_FFFE is -2 as an i32.
    let f = |order, words: &[u16]| decode(Type::F32, order, words);
    assert_eq!(f(Order::Abcd, &[0x4148, 0x0000]), Some(12.5));
    assert_eq!(f(Order::Cdab, &[0x0000, 0x4148]), Some(12.5));
    assert_eq!(f(Order::Badc, &[0x4841, 0x0000]), Some(12.5));
    assert_eq!(f(Order::Dcba, &[0x0000, 0x4841]), Some(12.5));
    assert_eq!(
        decode(Type::I32, Order::Abcd, &[0xFFFF, 0xFFFE]),
        Some(-2.0)
    );
    assert_eq!(
        decode(Type::U32, Order::Cdab, &[0x0001, 0x0002]),
        Some(131_073.0)
    );
    assert_eq!(decode(Type::I16, Order::Abcd, &[0xFF38]), Some(-200.0));
    assert_eq!(decode(Type::U16, Order::Badc, &[0x0100]), Some(1.0));
    assert_eq!(f(Order::Abcd, &[0x7FC0, 0x0000]), None, "NaN is no reading");
    assert_eq!(decode(Type::U32, Order::Abcd, &[1]), None, "too short");
}

#[test]
fn neighbours_share_a_request() {
    let m = map::shipped("generator").unwrap();
    let s: Vec<String> = spans(&m).iter().map(span_text).collect();
    assert_eq!(s, ["coils 0-0", "holding registers 0-6"]);
    let m = map::shipped("transfer-switch").unwrap();
    let s: Vec<String> = spans(&m).iter().map(span_text).collect();
    assert_eq!(s, ["discrete inputs 0-2", "holding registers 0-3"]);
}

#[test]
fn every_shipped_map_parses_and_broken_ones_are_refused() {
    for (name, _) in SHIPPED {
        map::shipped(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    for (text, needle) in [
        (
            "(description: \"x\", registers: {\"a\": (function: holding, address: 65535, type: u32)})",
            "past address 65535",
        ),
        (
            "(description: \"x\", registers: {\"a\": (function: coil, address: 1, type: f32)})",
            "one bit",
        ),
        (
            "(description: \"x\", registers: {}, require: [\"a\"])",
            "no register named a",
        ),
        (
            "(description: \"x\", registers: {\"a\": (function: write, address: 1)})",
            "write",
        ),
    ] {
        let e = map::parse(text, "map.ron").unwrap_err().to_string();
        assert!(
            e.starts_with("map.ron: ") && e.contains(needle),
            "{text}: {e}"
        );
    }
}

/// Holding registers 0.. of a CRAH in the shipped map's layout.
fn crah(mode: u16, alarms: u16) -> Vec<(Span, Data)> {
    let words = vec![182, 265, 180, 1, 1, alarms, mode, 0, 0, 1205];
    vec![(
        Span {
            function: Function::Holding,
            start: 0,
            count: 10,
        },
        Data::Words(words),
    )]
}

#[test]
fn a_crah_from_its_registers() {
    let m = map::shipped("crah").unwrap();
    let (r, problems) = evaluate("CRAH-1", "CRAH-1 (x)", &m, &crah(1, 0), 1.0);
    assert_eq!(r.state, ElementState::Ok);
    assert_eq!(r.flags, ["compressor", "cooling"]);
    assert_eq!(r.metrics.get("supply_temp_c"), Some(18.2));
    assert_eq!(r.metrics.get("cooling_output_kw"), Some(120.5));
    assert!(problems.is_empty());
    let state = |mode, alarms| evaluate("C", "C", &m, &crah(mode, alarms), 1.0).0.state;
    assert_eq!(state(0, 0), ElementState::Failed);
    assert_eq!(state(2, 0), ElementState::Ok, "standby is available");
    assert_eq!(state(3, 0), ElementState::Maintenance);
    assert_eq!(state(1, 4), ElementState::Failed, "an alarm bit");
    // Nothing read: unknown.
    assert_eq!(
        evaluate("C", "C", &m, &[], 1.0).0.state,
        ElementState::Unknown
    );
}

#[test]
fn a_generator_and_a_transfer_switch() {
    let m = map::shipped("generator").unwrap();
    let read = |engine: u16, fault: u16, fuel: u16, mode: u16| {
        vec![
            (
                Span {
                    function: Function::Coil,
                    start: 0,
                    count: 1,
                },
                Data::Bits(vec![true, false, false, false, false, false, false, false]),
            ),
            (
                Span {
                    function: Function::Holding,
                    start: 0,
                    count: 7,
                },
                // 250.0 kW as an f32, low word first
                Data::Words(vec![engine, fault, fuel, 62, 0x0000, 0x437A, mode]),
            ),
        ]
    };
    let (r, _) = evaluate("GEN-A", "GEN-A", &m, &read(2, 0, 80, 2), 1.0);
    assert_eq!(r.state, ElementState::Ok);
    assert_eq!(r.flags, ["breaker_closed", "running", "auto"]);
    assert_eq!(r.metrics.get("power_kw"), Some(250.0));
    assert_eq!(
        evaluate("G", "G", &m, &read(4, 0, 80, 2), 1.0).0.state,
        ElementState::Failed
    );
    assert_eq!(
        evaluate("G", "G", &m, &read(2, 17, 80, 2), 1.0).0.state,
        ElementState::Failed
    );
    let (low, _) = evaluate("G", "G", &m, &read(0, 0, 12, 1), 1.0);
    assert_eq!(
        low.flags,
        [
            "breaker_closed",
            "stopped",
            "manual",
            "not_in_auto",
            "fuel_low",
            "degraded"
        ]
    );

    let m = map::shipped("transfer-switch").unwrap();
    let read = |pos: u16, fault: bool| {
        vec![
            (
                Span {
                    function: Function::Discrete,
                    start: 0,
                    count: 3,
                },
                Data::Bits(vec![true, true, fault]),
            ),
            (
                Span {
                    function: Function::Holding,
                    start: 0,
                    count: 4,
                },
                Data::Words(vec![pos, 1, 2301, 2298]),
            ),
        ]
    };
    let (r, _) = evaluate("ATS-1", "ATS-1", &m, &read(2, false), 1.0);
    assert_eq!(
        (r.state, r.position.as_deref()),
        (ElementState::Ok, Some("ATS-1/source2"))
    );
    let (r, _) = evaluate("ATS-1", "ATS-1", &m, &read(0, false), 1.0);
    assert_eq!((r.state, r.position), (ElementState::Failed, None));
    assert_eq!(
        evaluate("A", "A", &m, &read(1, true), 1.0).0.state,
        ElementState::Failed
    );
}

#[test]
fn unbelievable_registers_are_named() {
    let m = map::shipped("crah").unwrap();
    let mut read = crah(1, 0);
    if let Data::Words(w) = &mut read[0].1 {
        w[0] = 0x8000; // -3276.8 °C
    }
    let (r, problems) = evaluate("CRAH-1", "CRAH-1 (127.0.0.1:5020)", &m, &read, 1.0);
    assert_eq!(r.metrics.get("supply_temp_c"), None);
    assert_eq!(
        problems,
        ["CRAH-1 (127.0.0.1:5020): supply_temp (holding register 0) = -32768: outside -40..100"]
    );
}

/// A Modbus TCP server on loopback that answers each request with `reply(request PDU)`
/// (the PDU after the MBAP header), for `n` requests on one connection.
fn fake_server(n: usize, reply: fn(&[u8]) -> Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        let Ok((mut s, _)) = listener.accept() else {
            return;
        };
        for _ in 0..n {
            let mut head = [0u8; 7];
            if s.read_exact(&mut head).is_err() {
                return;
            }
            let len = usize::from(u16::from_be_bytes([head[4], head[5]])).saturating_sub(1);
            let mut pdu = vec![0u8; len];
            if s.read_exact(&mut pdu).is_err() {
                return;
            }
            let body = reply(&pdu);
            let mut out = head[..4].to_vec();
            out.extend(u16::try_from(body.len() + 1).unwrap().to_be_bytes());
            out.push(head[6]);
            out.extend(body);
            let _ = s.write_all(&out);
        }
    });
    addr
}

fn spec(element: &str, address: &str) -> ModbusDevice {
    ModbusDevice {
        element: element.into(),
        address: address.into(),
        map: Some("crah".into()),
        map_file: None,
        unit: None,
    }
}

#[test]
fn exceptions_and_wrong_lengths_cost_only_their_device() {
    // Registers 0-9 asked: a good reply, one two registers short, an exception.
    let good = fake_server(1, |_| {
        let mut r = vec![0x03, 20];
        for w in [182u16, 265, 180, 1, 1, 0, 1, 0, 0, 1205] {
            r.extend(w.to_be_bytes());
        }
        r
    });
    let short = fake_server(1, |_| {
        let mut r = vec![0x03, 16];
        r.extend([0u8; 16]);
        r
    });
    let exception = fake_server(1, |_| vec![0x83, 0x02]);
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let devices = [
        spec("CRAH-1", &good),
        spec("CRAH-2", &short),
        spec("CRAH-3", &exception),
        spec("CRAH-4", &closed),
    ];
    let mut c = ModbusCollector::new(&devices, 2.0, 4).unwrap();
    let mut out = Collected::default();
    let e = c.collect(&mut out).unwrap_err().to_string();
    let states: Vec<_> = out
        .elements
        .iter()
        .map(|e| (e.id.as_str(), e.state))
        .collect();
    assert_eq!(
        states,
        [
            ("CRAH-1", ElementState::Ok),
            ("CRAH-2", ElementState::Unknown),
            ("CRAH-3", ElementState::Unknown),
            ("CRAH-4", ElementState::Unknown),
        ]
    );
    assert!(
        e.contains(&format!("CRAH-2 ({short}): holding registers 0-9: ")),
        "{e}"
    );
    assert!(
        e.contains(&format!(
            "CRAH-3 ({exception}): holding registers 0-9: exception"
        )),
        "{e}"
    );
    assert!(
        e.contains(&format!("CRAH-4 ({closed}): cannot connect")),
        "{e}"
    );
}

proptest! {
    #[test]
    fn any_words_give_a_report_without_panic(
        words in proptest::collection::vec(any::<u16>(), 0..12),
        bits in proptest::collection::vec(any::<bool>(), 0..12),
        which in 0usize..3,
    ) {
        let m = map::shipped(SHIPPED[which].0).unwrap();
        let read: Vec<(Span, Data)> = spans(&m)
            .into_iter()
            .map(|s| {
                let d = match s.function {
                    Function::Coil | Function::Discrete => Data::Bits(bits.clone()),
                    _ => Data::Words(words.clone()),
                };
                (s, d)
            })
            .collect();
        let (r, problems) = evaluate("X", "X", &m, &read, 0.0);
        prop_assert_eq!(r.id.as_str(), "X");
        for p in problems {
            prop_assert!(p.starts_with("X: "));
        }
    }
}
