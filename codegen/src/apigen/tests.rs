//! Unit tests of the API generator's decisions.

use super::plan::{is_json, route_path};

#[test]
fn route_path_numbers_parameters() {
    let cases = [
        ("/orders", Some(("/orders", vec![]))),
        ("orders/{id}", Some(("/orders/{p0}", vec!["id"]))),
        (
            "/stores/{store}/orders/{id}",
            Some(("/stores/{p0}/orders/{p1}", vec!["store", "id"])),
        ),
        ("/a/{x}/b/{x}", Some(("/a/{p0}/b/{p1}", vec!["x", "x"]))),
        ("", Some(("/", vec![]))),
    ];
    for (address, expected) in cases {
        let got = route_path(address);
        let expected = expected.map(|(route, names)| {
            (
                route.to_owned(),
                names.into_iter().map(str::to_owned).collect::<Vec<_>>(),
            )
        });
        assert_eq!(got, expected, "{address}");
    }
}

#[test]
fn route_path_rejects_partial_segments() {
    for address in [
        "/orders.{id}",
        "/orders/{id}.json",
        "/a/{}",
        "/a b",
        "/a?x=1",
        "/a#frag",
        "/{*rest}x",
        "users.{userId}.signup",
    ] {
        assert_eq!(route_path(address), None, "{address}");
    }
}

#[test]
fn json_media_types() {
    for json in [
        "application/json",
        "Application/JSON; charset=utf-8",
        "application/cloudevents+json",
        "application/vnd.api+json",
    ] {
        assert!(is_json(json), "{json}");
    }
    for other in ["text/plain", "application/xml", "application/avro", ""] {
        assert!(!is_json(other), "{other}");
    }
}
