import { vipFollowsThePrimary } from './vip-follows';

// Issue 10, Done when 1, with an IPv4 VIP (the sample's 198.18.0.10).
vipFollowsThePrimary('mirror vip', '198.18.0.10');
