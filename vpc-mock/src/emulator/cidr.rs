//! IPv4 CIDR blocks, the little the emulator's hand-written network rules need: parse
//! `10.0.0.0/16`, containment and overlap.

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
}
