//! The one address policy for connections Portico opens to hosts an admin named (SAML metadata
//! URLs, OIDC discovery, token and userinfo endpoints, authoritative DNS servers): never a
//! special-purpose address.
//!
//! The table is the IANA IPv4 and IPv6 Special-Purpose Address Registries, plus what those
//! registries leave to others: multicast, the deprecated IPv6 site-local and IPv4-compatible
//! ranges, and every IPv6 block outside global unicast (2000::/3), which the IPv6 Address Space
//! registry keeps reserved. Ranges the registries mark "globally reachable" (AS112, AMT,
//! NAT64's well-known prefix, …) are refused too: a metadata document never lives there, and
//! several of them embed an IPv4 address that may be private (NAT64 `64:ff9b::a9fe:a9fe` is
//! 169.254.169.254 on a NAT64 network), so refusing the whole prefix is simpler and safer than
//! decoding it and judging what is inside.
//!
//! Pure, so the policy is tested on its own and used the same way wherever an address is
//! checked.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// How a range carries an IPv4 address inside IPv6 addresses, so a refusal can say which
/// IPv4 address it would have reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Embedded {
    /// Nothing embedded.
    None,
    /// The last 32 bits (IPv4-mapped, IPv4-compatible, IPv4-translated, NAT64).
    Low32,
    /// 6to4: bits 16 to 47.
    SixToFour,
    /// Teredo: the client's address, the last 32 bits inverted.
    Teredo,
}

/// A special-purpose range Portico never connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialRange {
    /// The first address of the range.
    pub network: IpAddr,
    /// The prefix length in bits.
    pub prefix: u8,
    /// What an address in the range is, as it reads after "is": "a link-local address".
    pub what: &'static str,
    /// Whether (and where) its addresses carry an IPv4 address.
    pub embeds: Embedded,
}

const fn v4(a: u8, b: u8, c: u8, d: u8, prefix: u8, what: &'static str) -> SpecialRange {
    SpecialRange {
        network: IpAddr::V4(Ipv4Addr::new(a, b, c, d)),
        prefix,
        what,
        embeds: Embedded::None,
    }
}

const fn v6(s: [u16; 8], prefix: u8, what: &'static str) -> SpecialRange {
    v6_embedding(s, prefix, what, Embedded::None)
}

const fn v6_embedding(
    s: [u16; 8],
    prefix: u8,
    what: &'static str,
    embeds: Embedded,
) -> SpecialRange {
    SpecialRange {
        network: IpAddr::V6(Ipv6Addr::new(
            s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7],
        )),
        prefix,
        what,
        embeds,
    }
}

const RESERVED_V6: &str = "an IPv6 address outside global unicast (2000::/3), reserved by the IETF";

/// Every range refused. When ranges overlap (`2001::/23` holds Teredo, `240.0.0.0/4` holds the
/// broadcast address) the longest prefix names the refusal, so the order here does not matter.
pub const SPECIAL_RANGES: &[SpecialRange] = &[
    // IPv4 Special-Purpose Address Registry.
    v4(0, 0, 0, 0, 8, "a \"this network\" address"),
    v4(0, 0, 0, 0, 32, "the unspecified address"),
    v4(10, 0, 0, 0, 8, "a private-network address"),
    v4(100, 64, 0, 0, 10, "a carrier-grade NAT (shared) address"),
    v4(127, 0, 0, 0, 8, "a loopback address"),
    v4(169, 254, 0, 0, 16, "a link-local address"),
    v4(172, 16, 0, 0, 12, "a private-network address"),
    v4(192, 0, 0, 0, 24, "an IETF protocol assignment"),
    v4(
        192,
        0,
        0,
        0,
        29,
        "an IPv4 service continuity address (DS-Lite)",
    ),
    v4(192, 0, 0, 8, 32, "the IPv4 dummy address"),
    v4(
        192,
        0,
        0,
        9,
        32,
        "the Port Control Protocol anycast address",
    ),
    v4(192, 0, 0, 10, 32, "the TURN anycast address"),
    v4(192, 0, 0, 170, 32, "a NAT64/DNS64 discovery address"),
    v4(192, 0, 0, 171, 32, "a NAT64/DNS64 discovery address"),
    v4(192, 0, 2, 0, 24, "a documentation address (TEST-NET-1)"),
    v4(192, 31, 196, 0, 24, "an AS112 DNS sink address"),
    v4(192, 52, 193, 0, 24, "an AMT relay address"),
    v4(192, 88, 99, 0, 24, "a 6to4 relay anycast address"),
    v4(192, 168, 0, 0, 16, "a private-network address"),
    v4(192, 175, 48, 0, 24, "an AS112 direct-delegation address"),
    v4(198, 18, 0, 0, 15, "a benchmarking address"),
    v4(198, 51, 100, 0, 24, "a documentation address (TEST-NET-2)"),
    v4(203, 0, 113, 0, 24, "a documentation address (TEST-NET-3)"),
    v4(240, 0, 0, 0, 4, "a reserved address"),
    v4(255, 255, 255, 255, 32, "the broadcast address"),
    // IPv4 multicast (its own registry).
    v4(224, 0, 0, 0, 4, "a multicast address"),
    // IPv6 Special-Purpose Address Registry.
    v6([0, 0, 0, 0, 0, 0, 0, 0], 128, "the unspecified address"),
    v6([0, 0, 0, 0, 0, 0, 0, 1], 128, "the loopback address"),
    v6_embedding(
        [0, 0, 0, 0, 0, 0xffff, 0, 0],
        96,
        "an IPv4-mapped address",
        Embedded::Low32,
    ),
    v6_embedding(
        [0x64, 0xff9b, 0, 0, 0, 0, 0, 0],
        96,
        "a NAT64 address",
        Embedded::Low32,
    ),
    v6_embedding(
        [0x64, 0xff9b, 1, 0, 0, 0, 0, 0],
        48,
        "a local-use NAT64 address",
        Embedded::Low32,
    ),
    v6([0x100, 0, 0, 0, 0, 0, 0, 0], 64, "a discard-only address"),
    v6(
        [0x100, 0, 0, 1, 0, 0, 0, 0],
        64,
        "a dummy IPv6 prefix address",
    ),
    v6(
        [0x2001, 0, 0, 0, 0, 0, 0, 0],
        23,
        "an IETF protocol assignment",
    ),
    v6_embedding(
        [0x2001, 0, 0, 0, 0, 0, 0, 0],
        32,
        "a Teredo address",
        Embedded::Teredo,
    ),
    v6(
        [0x2001, 1, 0, 0, 0, 0, 0, 1],
        128,
        "the Port Control Protocol anycast address",
    ),
    v6(
        [0x2001, 1, 0, 0, 0, 0, 0, 2],
        128,
        "the TURN anycast address",
    ),
    v6(
        [0x2001, 1, 0, 0, 0, 0, 0, 3],
        128,
        "the DNS-SD service registration anycast address",
    ),
    v6([0x2001, 2, 0, 0, 0, 0, 0, 0], 48, "a benchmarking address"),
    v6([0x2001, 3, 0, 0, 0, 0, 0, 0], 32, "an AMT address"),
    v6(
        [0x2001, 4, 0x112, 0, 0, 0, 0, 0],
        48,
        "an AS112 DNS sink address",
    ),
    v6(
        [0x2001, 0x10, 0, 0, 0, 0, 0, 0],
        28,
        "a deprecated ORCHID address",
    ),
    v6([0x2001, 0x20, 0, 0, 0, 0, 0, 0], 28, "an ORCHIDv2 address"),
    v6(
        [0x2001, 0x30, 0, 0, 0, 0, 0, 0],
        28,
        "a drone remote ID address",
    ),
    v6(
        [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0],
        32,
        "a documentation address",
    ),
    v6_embedding(
        [0x2002, 0, 0, 0, 0, 0, 0, 0],
        16,
        "a 6to4 address",
        Embedded::SixToFour,
    ),
    v6(
        [0x2620, 0x4f, 0x8000, 0, 0, 0, 0, 0],
        48,
        "an AS112 direct-delegation address",
    ),
    v6([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20, "a documentation address"),
    v6(
        [0x5f00, 0, 0, 0, 0, 0, 0, 0],
        16,
        "an SRv6 segment identifier",
    ),
    v6(
        [0xfc00, 0, 0, 0, 0, 0, 0, 0],
        7,
        "a unique-local (private) address",
    ),
    v6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, "a link-local address"),
    // Deprecated forms the registry no longer lists, still routed by some stacks.
    v6_embedding(
        [0, 0, 0, 0, 0, 0, 0, 0],
        96,
        "an IPv4-compatible address",
        Embedded::Low32,
    ),
    v6_embedding(
        [0, 0, 0, 0, 0xffff, 0, 0, 0],
        96,
        "an IPv4-translated address",
        Embedded::Low32,
    ),
    v6([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10, "a site-local address"),
    v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, "a multicast address"),
    // Everything else outside 2000::/3 (IPv6 Address Space registry: "Reserved by IETF").
    v6([0, 0, 0, 0, 0, 0, 0, 0], 8, RESERVED_V6),
    v6([0x100, 0, 0, 0, 0, 0, 0, 0], 8, RESERVED_V6),
    v6([0x200, 0, 0, 0, 0, 0, 0, 0], 7, RESERVED_V6),
    v6([0x400, 0, 0, 0, 0, 0, 0, 0], 6, RESERVED_V6),
    v6([0x800, 0, 0, 0, 0, 0, 0, 0], 5, RESERVED_V6),
    v6([0x1000, 0, 0, 0, 0, 0, 0, 0], 4, RESERVED_V6),
    v6([0x4000, 0, 0, 0, 0, 0, 0, 0], 3, RESERVED_V6),
    v6([0x6000, 0, 0, 0, 0, 0, 0, 0], 3, RESERVED_V6),
    v6([0x8000, 0, 0, 0, 0, 0, 0, 0], 3, RESERVED_V6),
    v6([0xa000, 0, 0, 0, 0, 0, 0, 0], 3, RESERVED_V6),
    v6([0xc000, 0, 0, 0, 0, 0, 0, 0], 3, RESERVED_V6),
    v6([0xe000, 0, 0, 0, 0, 0, 0, 0], 4, RESERVED_V6),
    v6([0xf000, 0, 0, 0, 0, 0, 0, 0], 5, RESERVED_V6),
    v6([0xf800, 0, 0, 0, 0, 0, 0, 0], 6, RESERVED_V6),
    v6([0xfe00, 0, 0, 0, 0, 0, 0, 0], 9, RESERVED_V6),
];

impl SpecialRange {
    /// Whether `ip` lies in this range (an IPv4 range never holds an IPv6 address: the
    /// IPv6 forms that carry IPv4 addresses have ranges of their own).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }

    /// The IPv4 address `ip` (in this range) would reach, for ranges that carry one.
    pub fn embedded_ipv4(&self, ip: IpAddr) -> Option<Ipv4Addr> {
        let IpAddr::V6(v6) = ip else { return None };
        let bits = u128::from(v6);
        // Each shift leaves the wanted 32 bits at the bottom; `as u32` keeps exactly those.
        let low32 = |shift: u32| Ipv4Addr::from((bits >> shift) as u32);
        match self.embeds {
            Embedded::None => None,
            Embedded::Low32 => Some(low32(0)),
            Embedded::SixToFour => Some(low32(80)),
            Embedded::Teredo => Some(Ipv4Addr::from(!(bits as u32))),
        }
    }
}

/// Why an address is refused: the address and the most specific range it falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// The address refused.
    pub address: IpAddr,
    /// The range it is in.
    pub range: &'static SpecialRange,
}

impl Refusal {
    /// What the address is, as it reads after "is": "a link-local address (169.254.0.0/16)",
    /// and for an IPv6 form that carries an IPv4 address, which one it would reach.
    pub fn what(&self) -> String {
        let r = self.range;
        match r.embedded_ipv4(self.address) {
            Some(v4) => format!(
                "{} ({}/{}) that reaches the IPv4 address {v4}",
                r.what, r.network, r.prefix
            ),
            None => format!("{} ({}/{})", r.what, r.network, r.prefix),
        }
    }
}

impl fmt::Display for Refusal {
    /// "169.254.169.254 is a link-local address (169.254.0.0/16), which Portico never fetches
    /// from".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is {}, which Portico never fetches from",
            self.address,
            self.what()
        )
    }
}

/// Checks an address Portico is about to connect to: `Err` names the special-purpose range it
/// is in (the most specific one when ranges overlap).
///
/// ```
/// use portico::core::address::check;
/// assert!(check("93.184.215.14".parse().unwrap()).is_ok());
/// let refusal = check("169.254.169.254".parse().unwrap()).unwrap_err();
/// assert_eq!(
///     refusal.to_string(),
///     "169.254.169.254 is a link-local address (169.254.0.0/16), which Portico never fetches from"
/// );
/// ```
pub fn check(ip: IpAddr) -> Result<(), Refusal> {
    let found = SPECIAL_RANGES
        .iter()
        .filter(|r| r.contains(ip))
        .max_by_key(|r| r.prefix);
    match found {
        Some(range) => Err(Refusal { address: ip, range }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
