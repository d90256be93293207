//! Every kind of resource the emulator holds, in one list: the table it lives in, its
//! ID member (whose shape is read from the spec's examples) and the noun messages use.
//! Resource modules declare their actions and references over these, so a module can
//! refer to another's kind without depending on it.

use super::world::Kind;

/// VPCs (`vpc-`).
pub static VPC: Kind = Kind {
    table: "vpcs",
    id: "VpcId",
    noun: "VPC",
};

/// Subnets (`subnet-`).
pub static SUBNET: Kind = Kind {
    table: "subnets",
    id: "SubnetId",
    noun: "subnet",
};

/// Route tables (`rtb-`).
pub static ROUTE_TABLE: Kind = Kind {
    table: "route_tables",
    id: "RouteTableId",
    noun: "route table",
};

/// Security groups (`sg-`).
pub static SECURITY_GROUP: Kind = Kind {
    table: "security_groups",
    id: "SecurityGroupId",
    noun: "security group",
};

/// Elastic IPs (`eip-`).
pub static ADDRESS: Kind = Kind {
    table: "addresses",
    id: "AddressId",
    noun: "elastic IP",
};

/// Elastic network interfaces (`eni-`).
pub static NETWORK_INTERFACE: Kind = Kind {
    table: "network_interfaces",
    id: "NetworkInterfaceId",
    noun: "ENI",
};

/// NAT gateways (`nat-`).
pub static NAT_GATEWAY: Kind = Kind {
    table: "nat_gateways",
    id: "NatGatewayId",
    noun: "NAT gateway",
};

/// VPN gateways (`vpngw-`).
pub static VPN_GATEWAY: Kind = Kind {
    table: "vpn_gateways",
    id: "VpnGatewayId",
    noun: "VPN gateway",
};

/// Customer gateways (`cgw-`).
pub static CUSTOMER_GATEWAY: Kind = Kind {
    table: "customer_gateways",
    id: "CustomerGatewayId",
    noun: "customer gateway",
};

/// VPN connections (`vpnx-`).
pub static VPN_CONNECTION: Kind = Kind {
    table: "vpn_connections",
    id: "VpnConnectionId",
    noun: "VPN connection",
};

/// Instances attached to a CCN (`CcnAttachedInstance` rows, one per instance: an
/// instance joins one CCN at most), kept in the CCN owner's scope.
pub static CCN_ATTACHMENT: Kind = Kind {
    table: "ccn_attachments",
    id: "InstanceId",
    noun: "CCN attachment",
};

/// CCN route table selection policies (`CcnRouteTableSelectPolicy` rows, one per
/// attached instance and source CIDR block), kept in the CCN owner's scope.
pub static CCN_SELECTION_POLICY: Kind = Kind {
    table: "ccn_selection_policies",
    id: "InstanceId",
    noun: "route table selection policy",
};

/// Endpoint service allowlist entries (`VpcEndPointServiceUser` rows, one per service
/// and user UIN).
pub static ENDPOINT_SERVICE_USER: Kind = Kind {
    table: "end_point_service_users",
    id: "UserUin",
    noun: "endpoint service allowlist entry",
};

/// Classic network instances linked to a VPC (`ClassicLinkInstance` rows, one per CVM
/// instance: an instance links to one VPC).
pub static CLASSIC_LINK: Kind = Kind {
    table: "classic_links",
    id: "InstanceId",
    noun: "ClassicLink",
};
