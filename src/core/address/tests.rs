use super::*;

/// The address a given distance past the end of a range (or before its start when
/// negative), for the "just outside" half of each case.
fn offset(ip: IpAddr, by: i128) -> IpAddr {
    match ip {
        IpAddr::V4(v) => IpAddr::V4(Ipv4Addr::from((i128::from(u32::from(v)) + by) as u32)),
        IpAddr::V6(v) => IpAddr::V6(Ipv6Addr::from(
            (u128::from(v) as i128).wrapping_add(by) as u128
        )),
    }
}

fn last(r: &SpecialRange) -> IpAddr {
    match r.network {
        IpAddr::V4(v) => IpAddr::V4(Ipv4Addr::from(
            u32::from(v) | u32::MAX.checked_shr(u32::from(r.prefix)).unwrap_or(0),
        )),
        IpAddr::V6(v) => IpAddr::V6(Ipv6Addr::from(
            u128::from(v) | u128::MAX.checked_shr(u32::from(r.prefix)).unwrap_or(0),
        )),
    }
}

fn ip(s: &str) -> IpAddr {
    s.parse()
        .unwrap_or_else(|_| panic!("{s} is not an address"))
}

fn range_of(s: &str) -> String {
    match check(ip(s)) {
        Ok(()) => "public".into(),
        Err(r) => format!("{}/{}", r.range.network, r.range.prefix),
    }
}

#[test]
fn every_range_refuses_its_first_and_last_address_and_names_itself_or_a_narrower_range() {
    for r in SPECIAL_RANGES {
        for inside in [r.network, last(r)] {
            let refusal =
                check(inside).expect_err(&format!("{inside} in {}/{}", r.network, r.prefix));
            assert!(
                refusal.range.prefix >= r.prefix,
                "{inside}: named by {:?}, not {:?}",
                refusal.range,
                r
            );
            assert!(
                refusal.to_string().contains(refusal.range.what),
                "{refusal}"
            );
        }
    }
}

/// One address inside each range and one just outside it, each with the range that must
/// name it ("public" when none may). Written out rather than computed, so a wrong mask in
/// the table cannot hide behind an expectation derived from the same table.
#[test]
fn each_range_against_its_neighbours() {
    let cases: &[(&str, &str)] = &[
        ("0.255.255.255", "0.0.0.0/8"),
        ("1.0.0.0", "public"),
        ("0.0.0.0", "0.0.0.0/32"),
        ("0.0.0.1", "0.0.0.0/8"),
        ("9.255.255.255", "public"),
        ("10.0.0.0", "10.0.0.0/8"),
        ("10.255.255.255", "10.0.0.0/8"),
        ("11.0.0.0", "public"),
        ("100.63.255.255", "public"),
        ("100.64.0.0", "100.64.0.0/10"),
        ("100.127.255.255", "100.64.0.0/10"),
        ("100.128.0.0", "public"),
        ("126.255.255.255", "public"),
        ("127.0.0.1", "127.0.0.0/8"),
        ("127.255.255.255", "127.0.0.0/8"),
        ("128.0.0.0", "public"),
        ("169.253.255.255", "public"),
        ("169.254.169.254", "169.254.0.0/16"),
        ("169.255.0.0", "public"),
        ("172.15.255.255", "public"),
        ("172.16.0.0", "172.16.0.0/12"),
        ("172.31.255.255", "172.16.0.0/12"),
        ("172.32.0.0", "public"),
        ("191.255.255.255", "public"),
        ("192.0.0.7", "192.0.0.0/29"),
        ("192.0.0.8", "192.0.0.8/32"),
        ("192.0.0.9", "192.0.0.9/32"),
        ("192.0.0.10", "192.0.0.10/32"),
        ("192.0.0.11", "192.0.0.0/24"),
        ("192.0.0.170", "192.0.0.170/32"),
        ("192.0.0.171", "192.0.0.171/32"),
        ("192.0.0.255", "192.0.0.0/24"),
        ("192.0.1.0", "public"),
        ("192.0.2.1", "192.0.2.0/24"),
        ("192.0.3.0", "public"),
        ("192.31.195.255", "public"),
        ("192.31.196.1", "192.31.196.0/24"),
        ("192.31.197.0", "public"),
        ("192.52.192.255", "public"),
        ("192.52.193.1", "192.52.193.0/24"),
        ("192.52.194.0", "public"),
        ("192.88.98.255", "public"),
        ("192.88.99.1", "192.88.99.0/24"),
        ("192.88.100.0", "public"),
        ("192.167.255.255", "public"),
        ("192.168.1.1", "192.168.0.0/16"),
        ("192.169.0.0", "public"),
        ("192.175.47.255", "public"),
        ("192.175.48.1", "192.175.48.0/24"),
        ("192.175.49.0", "public"),
        ("198.17.255.255", "public"),
        ("198.18.0.0", "198.18.0.0/15"),
        ("198.19.255.255", "198.18.0.0/15"),
        ("198.20.0.0", "public"),
        ("198.51.99.255", "public"),
        ("198.51.100.1", "198.51.100.0/24"),
        ("198.51.101.0", "public"),
        ("203.0.112.255", "public"),
        ("203.0.113.1", "203.0.113.0/24"),
        ("203.0.114.0", "public"),
        ("223.255.255.255", "public"),
        ("224.0.0.1", "224.0.0.0/4"),
        ("239.255.255.255", "224.0.0.0/4"),
        ("240.0.0.0", "240.0.0.0/4"),
        ("255.255.255.254", "240.0.0.0/4"),
        ("255.255.255.255", "255.255.255.255/32"),
        ("::", "::/128"),
        ("::1", "::1/128"),
        ("::2", "::/96"),
        ("::127.0.0.1", "::/96"),
        ("::1:0:0", "::/8"),
        ("::ffff:8.8.8.8", "::ffff:0.0.0.0/96"),
        ("::ffff:169.254.169.254", "::ffff:0.0.0.0/96"),
        ("::1:0:0:0", "::/8"),
        ("::ffff:0:7f00:1", "::ffff:0:0:0/96"),
        ("64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff", "::/8"),
        ("64:ff9b::a9fe:a9fe", "64:ff9b::/96"),
        ("64:ff9b::1:0:0", "::/8"),
        ("64:ff9b:1::a00:1", "64:ff9b:1::/48"),
        ("64:ff9b:2::", "::/8"),
        ("100::1", "100::/64"),
        ("100:0:0:1::1", "100:0:0:1::/64"),
        ("100:0:0:2::", "100::/8"),
        ("1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "1000::/4"),
        ("2000::", "public"),
        ("2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "public"),
        ("2001::1", "2001::/32"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001::/32"),
        ("2001:1::1", "2001:1::1/128"),
        ("2001:1::2", "2001:1::2/128"),
        ("2001:1::3", "2001:1::3/128"),
        ("2001:1::4", "2001::/23"),
        ("2001:2::1", "2001:2::/48"),
        ("2001:2:1::", "2001::/23"),
        ("2001:3::1", "2001:3::/32"),
        ("2001:4:112::1", "2001:4:112::/48"),
        ("2001:4:113::", "2001::/23"),
        ("2001:10::1", "2001:10::/28"),
        ("2001:20::1", "2001:20::/28"),
        ("2001:30::1", "2001:30::/28"),
        ("2001:40::", "2001::/23"),
        ("2001:1ff:ffff::1", "2001::/23"),
        ("2001:200::", "public"),
        ("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "public"),
        ("2001:db8::1", "2001:db8::/32"),
        ("2001:db9::", "public"),
        ("2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "public"),
        ("2002:7f00:1::1", "2002::/16"),
        ("2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2002::/16"),
        ("2003::", "public"),
        ("2620:4f:7fff:ffff:ffff:ffff:ffff:ffff", "public"),
        ("2620:4f:8000::1", "2620:4f:8000::/48"),
        ("2620:4f:8001::", "public"),
        ("3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "public"),
        ("3fff::1", "3fff::/20"),
        ("3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", "3fff::/20"),
        ("3fff:1000::", "public"),
        ("3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "public"),
        ("4000::", "4000::/3"),
        ("5eff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "4000::/3"),
        ("5f00::1", "5f00::/16"),
        ("5f01::", "4000::/3"),
        ("fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "f800::/6"),
        ("fc00::1", "fc00::/7"),
        ("fdff:ffff::1", "fc00::/7"),
        ("fe00::1", "fe00::/9"),
        ("fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe00::/9"),
        ("fe80::1", "fe80::/10"),
        ("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe80::/10"),
        ("fec0::1", "fec0::/10"),
        ("feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fec0::/10"),
        ("ff02::1", "ff00::/8"),
        ("1::1", "::/8"),
    ];
    for (addr, named) in cases {
        assert_eq!(range_of(addr), *named, "{addr}");
    }
}

#[test]
fn ordinary_public_addresses_pass() {
    for s in [
        "1.1.1.1",
        "8.8.8.8",
        "93.184.215.14",
        "100.63.255.255",
        "172.32.0.1",
        "192.0.1.1",
        "223.255.255.255",
        "2606:4700::1111",
        "2a00:1450:4001::200e",
        "2001:200::1",
        "2003::1",
        "3fff:1000::1",
    ] {
        assert!(check(ip(s)).is_ok(), "{s}: {}", check(ip(s)).unwrap_err());
    }
}

#[test]
fn the_address_just_outside_each_range_is_not_named_by_it() {
    for r in SPECIAL_RANGES {
        for outside in [offset(r.network, -1), offset(last(r), 1)] {
            if r.contains(outside) {
                // Wrapped around the address space (0.0.0.0/8 has nothing before it).
                continue;
            }
            if let Err(refusal) = check(outside) {
                assert_ne!(
                    refusal.range, r,
                    "{outside} is outside {}/{}",
                    r.network, r.prefix
                );
            }
        }
    }
}

#[test]
fn ipv6_forms_that_reach_ipv4_space_are_refused_with_the_ipv4_address() {
    let cases = [
        (
            "::127.0.0.1",
            "an IPv4-compatible address (::/96) that reaches the IPv4 address 127.0.0.1",
        ),
        (
            "64:ff9b::a9fe:a9fe",
            "a NAT64 address (64:ff9b::/96) that reaches the IPv4 address 169.254.169.254",
        ),
        (
            "64:ff9b:1::a00:1",
            "a local-use NAT64 address (64:ff9b:1::/48) that reaches the IPv4 address 10.0.0.1",
        ),
        (
            "2002:7f00:1::1",
            "a 6to4 address (2002::/16) that reaches the IPv4 address 127.0.0.1",
        ),
        (
            "::ffff:169.254.169.254",
            "an IPv4-mapped address (::ffff:0.0.0.0/96) that reaches the \
                IPv4 address 169.254.169.254",
        ),
        // Teredo: the client's address is stored inverted in the last 32 bits.
        (
            "2001:0:4136:e378:8000:63bf:80ff:fffe",
            "a Teredo address (2001::/32) that reaches the \
                IPv4 address 127.0.0.1",
        ),
        ("fec0::1", "a site-local address (fec0::/10)"),
    ];
    for (addr, says) in cases {
        let refusal = check(ip(addr)).expect_err(addr);
        assert_eq!(
            refusal.to_string(),
            format!("{} is {says}, which Portico never fetches from", ip(addr)),
            "{addr}"
        );
    }
}
