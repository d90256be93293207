//! IPv4 CIDR blocks, the little the emulator's hand-written network rules need: parse
//! `10.0.0.0/16`, containment and overlap, and the addresses of a block (the ones a
//! subnet gives out, and a pool of public ones).

use std::fmt;
use std::net::Ipv4Addr;

/// An IPv4 block: a network address and a prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    /// The first address, as a number.
    pub base: u32,
    /// The prefix length, 0 to 32.
    pub prefix: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/n`; the address must be the block's first one (as Tencent
    /// requires: `10.0.0.1/16` is refused).
    pub fn parse(text: &str) -> Option<Self> {
        let (address, prefix) = text.trim().split_once('/')?;
        let address: Ipv4Addr = address.parse().ok()?;
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let prefix: u8 = prefix.parse().ok().filter(|p| *p <= 32)?;
        let base = u32::from(address);
        (base & mask(prefix) == base).then_some(Self { base, prefix })
    }

    /// The last address, as a number.
    pub fn last(self) -> u32 {
        self.base | !mask(self.prefix)
    }

    /// Whether every address of `other` is in `self`.
    pub fn contains(self, other: Cidr) -> bool {
        other.prefix >= self.prefix && other.base & mask(self.prefix) == self.base
    }

    /// Whether the two blocks share an address.
    pub fn overlaps(self, other: Cidr) -> bool {
        self.base <= other.last() && other.base <= self.last()
    }

    /// How many addresses the block holds.
    pub fn size(self) -> u64 {
        1u64 << (32 - u32::from(self.prefix))
    }

    /// Whether `ip` is in the block.
    pub fn contains_ip(self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & mask(self.prefix) == self.base
    }

    /// The blocks of `prefix` that tile this one, in order (none for a shorter prefix).
    pub fn subnets(self, prefix: u8) -> impl Iterator<Item = Cidr> {
        let count = if prefix >= self.prefix && prefix <= 32 {
            1u64 << (prefix - self.prefix)
        } else {
            0
        };
        let step = if prefix <= 32 {
            1u64 << (32 - u32::from(prefix))
        } else {
            0
        };
        (0..count).filter_map(move |i| {
            let base = u64::from(self.base) + i * step;
            u32::try_from(base).ok().map(|base| Cidr { base, prefix })
        })
    }

    /// Every address of the block, in order.
    pub fn addresses(self) -> impl Iterator<Item = Ipv4Addr> {
        (self.base..=self.last()).map(Ipv4Addr::from)
    }

    /// Whether `ip` is one of the addresses Tencent keeps in every subnet: the network
    /// address, the gateway (the first host, `.1`) and the broadcast address ("VPC >
    /// Subnets": 3 addresses of each subnet are reserved).
    pub fn reserved(self, ip: Ipv4Addr) -> bool {
        let ip = u32::from(ip);
        ip == self.base || ip == self.base.wrapping_add(1) || ip == self.last()
    }

    /// The addresses a subnet of this block gives out, first to last: every address but
    /// the [reserved](Cidr::reserved) ones.
    pub fn usable(self) -> impl Iterator<Item = Ipv4Addr> {
        self.addresses().filter(move |ip| !self.reserved(*ip))
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.base), self.prefix)
    }
}

fn mask(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_contain_overlap() {
        let vpc = Cidr::parse("10.0.0.0/16").unwrap();
        let a = Cidr::parse("10.0.1.0/24").unwrap();
        let b = Cidr::parse("10.0.1.128/25").unwrap();
        let c = Cidr::parse("10.1.0.0/24").unwrap();
        assert!(vpc.contains(a) && vpc.contains(b) && !vpc.contains(c));
        assert!(a.overlaps(b) && b.overlaps(a) && !a.overlaps(c));
        assert!(!a.contains(vpc));
        assert_eq!(a.to_string(), "10.0.1.0/24");
        assert_eq!(a.size(), 256);
        for bad in [
            "10.0.0.1/16",
            "10.0.0.0",
            "10.0.0.0/33",
            "10.0.0/16",
            "x/8",
            "10.0.0.0/",
        ] {
            assert_eq!(Cidr::parse(bad), None, "{bad}");
        }
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(vpc));
    }

    #[test]
    fn a_28_gives_out_13_addresses_from_the_third() {
        let block = Cidr::parse("10.0.0.16/28").unwrap();
        let usable: Vec<String> = block.usable().map(|ip| ip.to_string()).collect();
        assert_eq!(usable.len(), 13);
        assert_eq!(usable.first().map(String::as_str), Some("10.0.0.18"));
        assert_eq!(usable.last().map(String::as_str), Some("10.0.0.30"));
        assert_eq!(block.addresses().count() as u64, block.size());
        for (ip, reserved) in [
            ("10.0.0.16", true),
            ("10.0.0.17", true),
            ("10.0.0.31", true),
            ("10.0.0.20", false),
        ] {
            let ip: Ipv4Addr = ip.parse().unwrap();
            assert_eq!(block.reserved(ip), reserved, "{ip}");
            assert!(block.contains_ip(ip));
        }
        assert!(!block.contains_ip("10.0.0.32".parse().unwrap()));
        assert!(!block.contains_ip("10.0.0.15".parse().unwrap()));
    }
}
