import { vipFollowsThePrimary } from './vip-follows';

// Issue 10, Done when 1, with an IPv6 VIP on a lab with IPv6 (2001:2::/48, RFC 5180): the same
// path, announced by unsolicited neighbour advertisements instead of gratuitous ARP.
vipFollowsThePrimary('mirror vip six', '2001:2::10');
