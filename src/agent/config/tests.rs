use super::*;

fn parse(text: &str) -> Result<AgentConfig, String> {
    parse_agent_config(text, "agent.ron").map_err(|e| e.to_string())
}

#[test]
fn full_config_parses() {
    let c = parse(
        r#"(
               id: "host-1",
               listen: "0.0.0.0:9999",
               collect_every_s: 2.5,
               collectors: [host(root: "/")],
               element_map: {"ups@localhost": "UPS-A1"},
           )"#,
    )
    .unwrap();
    assert_eq!(c.id, "host-1");
    assert_eq!(c.listen.port(), 9999);
    assert_eq!(c.collect_every_s, 2.5);
    assert_eq!(
        c.collectors,
        [CollectorSpec::Host {
            root: Some("/".into())
        }]
    );
    assert_eq!(c.element_map["ups@localhost"], "UPS-A1");
}

#[test]
fn file_collectors_parse_with_their_options() {
    let c = parse(
        r#"(id: "h", collectors: [
               mdraid(root: "/srv/capture"), bonding(), bridge(bridges: ["br0"]),
               pacemaker(xml_file: "/tmp/crm_mon.xml", cluster: "db"),
               redfish(url: "https://bmc1"),
           ])"#,
    )
    .unwrap();
    assert_eq!(
        c.collectors[0],
        CollectorSpec::Mdraid {
            root: Some("/srv/capture".into()),
            mdadm: None,
        }
    );
    assert_eq!(c.collectors[1], CollectorSpec::Bonding { root: None });
    assert_eq!(
        c.collectors[3],
        CollectorSpec::Pacemaker {
            command: None,
            xml_file: Some("/tmp/crm_mon.xml".into()),
            cib_file: None,
            cluster: Some("db".into()),
        }
    );
    assert_eq!(
        c.collectors[4],
        CollectorSpec::Redfish {
            url: "https://bmc1".into(),
            username: None,
            password_file: None,
            accept_invalid_certs: false,
            concurrency: 8,
            prefix: None,
        }
    );
    let e = parse("(id: \"h\",\n collectors: [redfish()])").unwrap_err();
    assert!(e.starts_with("agent.ron:2:") && e.contains("url"), "{e}");
}

#[test]
fn defaults_fill_the_rest() {
    let c = parse(r#"(id: "h", collectors: [host()])"#).unwrap();
    assert_eq!(c.listen, DEFAULT_LISTEN);
    assert_eq!(c.listen.to_string(), "127.0.0.1:9470");
    assert_eq!(c.collect_every_s, 5.0);
    assert_eq!(c.collectors, [CollectorSpec::Host { root: None }]);
    assert!(c.element_map.is_empty());
    assert!(parse(r#"(id: "h")"#).unwrap().collectors.is_empty());
}

#[test]
fn operation_settings_parse() {
    let c = parse(
           r#"(id: "h", collectors: [
               nut(username: "redcon", password_file: "/etc/redcon/upsd.pass"),
               keepalived(fifo: "/run/k.fifo", failover: {"VI_1": (file: "/run/k.drain", group: "GW")}),
           ])"#,
       )
       .unwrap();
    match &c.collectors[..] {
        [
            CollectorSpec::Nut {
                username,
                password_file,
                ..
            },
            CollectorSpec::Keepalived { failover, .. },
        ] => {
            assert_eq!(username.as_deref(), Some("redcon"));
            assert!(password_file.is_some());
            let t = &failover["VI_1"];
            assert_eq!((t.give_up, t.group.as_deref()), (1, Some("GW")));
        }
        other => panic!("{other:?}"),
    }
    let e = parse(
        r#"(id: "h",
collectors: [keepalived(fifo: "f", failover: {"VI_1": (fil: "x")})])"#,
    )
    .unwrap_err();
    assert!(e.starts_with("agent.ron:2:") && e.contains("fil"), "{e}");
}

#[test]
fn broken_configs_are_located() {
    let cases = [
        (
            "(id: \"h\",\n collectors: [host(root: \"/\")]\n",
            2,
            "expected",
        ),
        ("(id: \"h\",\n colectors: [])", 2, "colectors"),
        ("(id: \"h\",\n collectors: [nutt()])", 2, "nutt"),
        ("(id: \"h\",\n listen: \"localhost\")", 2, "address"),
        ("(id: \"h\",\n collect_every_s: 0.0)", 2, "between 0.5"),
        ("(id: \"h\",\n collect_every_s: \"5\")", 2, "float"),
        ("(id: \"h\",\n collectors: [host(), host()])", 2, "twice"),
        (
            "(id: \"h\",\n collectors: [host(), host(root: \"/\")])",
            2,
            "one machine",
        ),
        (
            "(id: \"h\",\n collectors: [nut(server: \"a:1\"), nut(server: \"a:1\")])",
            2,
            "same settings",
        ),
        ("(id: \"host one\")", 1, "spaces"),
        ("(id: \"\")", 1, "empty"),
        ("(listen: \"127.0.0.1:1\")", 1, "id"),
        ("(id: \"h\",\n element_map: {\"a\": 5})", 2, "string"),
    ];
    for (text, line, needle) in cases {
        let e = match parse(text) {
            Ok(c) => panic!("accepted {text:?}: {c:?}"),
            Err(e) => e,
        };
        assert!(
            e.starts_with(&format!("agent.ron:{line}:")),
            "{text:?} -> {e}"
        );
        assert!(
            e.to_lowercase().contains(needle),
            "{text:?} -> {e} should say {needle}"
        );
    }
}

#[test]
fn several_collectors_of_one_kind() {
    let c = parse(
        r#"(id: "gw", collectors: [
               nut(server: "10.0.0.1:3493"), nut(server: "10.0.0.2:3493"),
               redfish(url: "https://bmc1"), redfish(url: "https://bmc2"),
           ])"#,
    )
    .unwrap();
    let kinds: Vec<_> = c.collectors.iter().map(CollectorSpec::name).collect();
    assert_eq!(kinds, ["nut", "nut", "redfish", "redfish"]);
}

#[test]
fn a_missing_file_is_named() {
    let e = load_agent_config(Path::new("no/such/agent.ron"))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("no/such/agent.ron: cannot read"), "{e}");
}
